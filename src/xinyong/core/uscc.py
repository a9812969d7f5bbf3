"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015).

The code has 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O,
S, V, Z):

* position 1: 登记管理部门码 (registration department),
* position 2: 机构类别码 (category, valid values depend on the department),
* positions 3-8: 登记管理机关行政区划码 (GB/T 2260 region, 6 digits),
* positions 9-17: 主体标识码 (组织机构代码, GB 11714; position 17 is its check),
* position 18: check character (ISO 7064 style, mod 31).

The department/category table and the province codes are data, in
``data/uscc_categories.yaml``.

Unlike ``stdnum.cn.uscc`` this module accepts codes starting with letters
(A, N, Y) and checks the 组织机构代码 check character (position 17).

>>> validate('91350100M000100Y43')
'91350100M000100Y43'
>>> validate('９１３５ ０１００-m０００１００y４３')
'91350100M000100Y43'
>>> validate('91350100M000100Y44')
Traceback (most recent call last):
    ...
xinyong.core.exceptions.InvalidChecksum: 第18位校验码应为“3”，实为“4”
>>> is_valid('91350100M000100Y43'), is_valid('B1350100M000100Y43')
(True, False)
>>> [e.message for e in explain('B135010OM000100Y43').errors]
['第8位字符“O”不是统一社会信用代码允许的字符（只用数字和除I、O、S、V、Z以外的大写字母）', \
'第1位登记管理部门码“B”不在标准代码表中']
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from xinyong.core.exceptions import (
    CodeTableError,
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)

__all__ = [
    "ALPHABET",
    "TABLE_PATH",
    "CodeResult",
    "USCCResult",
    "USCCTable",
    "calc_check_digit",
    "calc_org_check_digit",
    "clean",
    "compact",
    "explain",
    "format",
    "is_valid",
    "load_table",
    "table",
    "validate",
]

#: The 31 characters a 统一社会信用代码 may contain; a character's value is its index.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
#: Weights of positions 1-17 for the check character: 3**(i-1) mod 31.
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
#: Weights of positions 9-16 for the 组织机构代码 check character (GB 11714).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
#: Values in the 组织机构代码 check (A=10 … Z=35) of the characters a USCC may hold.
_ORG_VALUES = {c: int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in ALPHABET}
_ORG_CHECK = {n: "X" if n == 10 else "0" if n == 11 else str(n) for n in range(1, 12)}

#: The bundled code table.
TABLE_PATH = Path(__file__).with_name("data") / "uscc_categories.yaml"

_LENGTH = 18
_CHARSET_HINT = "只用数字和除I、O、S、V、Z以外的大写字母"

# Characters removed by compact(): whitespace (incl. U+3000, NBSP) and hyphens/dashes.
_SEPARATORS = frozenset(" \t\r\n\v\f\u00a0\u3000-\u2010\u2011\u2012\u2013\u2014\u2212")


# ---------------------------------------------------------------------------
# input clean-up (shared with xinyong.core.ric)
# ---------------------------------------------------------------------------


def clean(text: str) -> str:
    """Convert full-width characters to half-width, drop separators, uppercase.

    >>> clean(' ９１３５－0100 m ')
    '91350100M'
    """
    if text.isascii() and text.isalnum() and text == text.upper():
        return text  # already clean: the common case, kept cheap for batch checks
    chars: list[str] = []
    for char in text:
        point = ord(char)
        if 0xFF01 <= point <= 0xFF5E:  # full-width ASCII block
            char = chr(point - 0xFEE0)
        if char in _SEPARATORS:
            continue
        chars.append(char)
    return "".join(chars).upper()


def compact(code: str) -> str:
    """Convert the code to its minimal form: no spaces or hyphens, half-width, uppercase.

    >>> compact('9135 0100-m000 100y43')
    '91350100M000100Y43'
    >>> compact('９１３５０１００Ｍ０００１００Ｙ４３')
    '91350100M000100Y43'
    """
    return clean(code)


# ---------------------------------------------------------------------------
# the code table
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class USCCTable:
    """The department/category table and region prefixes, read from YAML."""

    #: department code → name
    departments: dict[str, str]
    #: department code → {category code → name}
    categories: dict[str, dict[str, str]]
    #: two-digit province code → name (GB/T 2260)
    provinces: dict[str, str]
    #: two-digit prefixes used by national-level authorities (e.g. "10" 中央)
    national_region_prefixes: dict[str, str]
    source: str = ""

    def region_prefix_name(self, prefix: str) -> str | None:
        """Name of a region prefix, or None when it is not a known prefix."""
        return self.provinces.get(prefix) or self.national_region_prefixes.get(prefix)


def _table_error(path: Path, problem: str) -> CodeTableError:
    return CodeTableError(f"代码表文件 {path} 有误：{problem}")


def _string_map(
    path: Path, value: Any, where: str, *, key_length: int, key_chars: str
) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise _table_error(path, f"{where} 应为非空的映射")
    result: dict[str, str] = {}
    for key, name in value.items():
        if not isinstance(key, str):
            raise _table_error(path, f"{where} 的键 {key!r} 应为加引号的字符串")
        if len(key) != key_length or any(char not in key_chars for char in key):
            raise _table_error(path, f"{where} 的键 {key!r} 应为{key_length}位代码")
        if not isinstance(name, str) or not name.strip():
            raise _table_error(path, f"{where}.{key} 的名称应为非空字符串")
        result[key] = name.strip()
    return result


def load_table(path: Path | str = TABLE_PATH) -> USCCTable:
    """Read and check a code table; raise CodeTableError naming the file if it is malformed."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _table_error(path, f"无法读取（{exc.strerror or exc}）") from exc
    except yaml.YAMLError as exc:
        raise _table_error(path, f"不是有效的YAML（{exc}）") from exc
    if not isinstance(raw, dict):
        raise _table_error(path, "顶层应为映射")
    departments_raw = raw.get("departments")
    if not isinstance(departments_raw, dict) or not departments_raw:
        raise _table_error(path, "缺少 departments 映射")
    departments: dict[str, str] = {}
    categories: dict[str, dict[str, str]] = {}
    for code, entry in departments_raw.items():
        if not isinstance(code, str) or len(code) != 1 or code not in ALPHABET:
            raise _table_error(
                path, f"登记管理部门码 {code!r} 应为加引号的单个字符（{_CHARSET_HINT}）"
            )
        if not isinstance(entry, dict):
            raise _table_error(path, f"departments.{code} 应为含 name 和 categories 的映射")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _table_error(path, f"departments.{code}.name 应为非空字符串")
        departments[code] = name.strip()
        categories[code] = _string_map(
            path,
            entry.get("categories"),
            f"departments.{code}.categories",
            key_length=1,
            key_chars=ALPHABET,
        )
    provinces = _string_map(
        path, raw.get("provinces"), "provinces", key_length=2, key_chars="0123456789"
    )
    national = raw.get("national_region_prefixes") or {}
    national_prefixes = (
        _string_map(
            path, national, "national_region_prefixes", key_length=2, key_chars="0123456789"
        )
        if national
        else {}
    )
    source = raw.get("source", "")
    return USCCTable(
        departments=departments,
        categories=categories,
        provinces=provinces,
        national_region_prefixes=national_prefixes,
        source=str(source),
    )


@functools.cache
def table() -> USCCTable:
    """The bundled code table, loaded and checked once."""
    return load_table(TABLE_PATH)


def build(prefix: str, org_body: str) -> str:
    """A code from its first 8 characters (department, category, region) and the 8-character
    organisation-code body, with both check characters computed (for demo data and tests).

    >>> build("91350100", "M000100Y")
    '91350100M000100Y43'
    """
    body = compact(prefix) + compact(org_body)
    body += calc_org_check_digit(body[8:16])
    return body + calc_check_digit(body)


# ---------------------------------------------------------------------------
# check characters
# ---------------------------------------------------------------------------


def calc_check_digit(number: str) -> str:
    """Calculate the check character (position 18) from the first 17 characters.

    A full 18-character code may be passed; its last character is ignored.

    >>> calc_check_digit('91350100M000100Y4')
    '3'
    >>> calc_check_digit('91350100M000100Y4?')
    '3'
    """
    body = compact(number)[:17]
    if len(body) != 17:
        raise InvalidLength(f"计算校验码需要前17位，实为{len(body)}位")
    total = 0
    for index, (char, weight) in enumerate(zip(body, _WEIGHTS, strict=True), start=1):
        value = _VALUES.get(char)
        if value is None:
            raise InvalidFormat(_charset_message(index, char), part="charset")
        total += value * weight
    return ALPHABET[(31 - total % 31) % 31]


def calc_org_check_digit(number: str) -> str:
    """Calculate the 组织机构代码 check character (GB 11714).

    ``number`` is the 组织机构代码 body (8 characters, positions 9-16 of a
    统一社会信用代码); a 9-character 组织机构代码 may be passed, its last
    character is ignored. Letters are valued A=10 … Z=35; a result of 10 is
    written ``X`` and 11 is written ``0``.

    >>> calc_org_check_digit('M000100Y')
    '4'
    >>> calc_org_check_digit('07837628')
    '6'
    """
    body = compact(number)
    if len(body) == 9:
        body = body[:8]
    if len(body) != 8:
        raise InvalidLength(f"组织机构代码本体应为8位，实为{len(body)}位", part="org_code")
    total = 0
    for char, weight in zip(body, _ORG_WEIGHTS, strict=True):
        if char.isascii() and char.isdigit():
            value = int(char)
        elif char.isascii() and char.isalpha():
            value = ord(char) - ord("A") + 10
        else:
            raise InvalidFormat(f"组织机构代码中的字符“{char}”无效", part="org_code")
        total += value * weight
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


# ---------------------------------------------------------------------------
# explain / validate
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeResult:
    """Everything found about one code or number: all problems, not just the first."""

    #: the code after compact()
    code: str
    #: every problem found, in position order (length, charset, …, check)
    errors: list[InvalidCode] = field(default_factory=list)
    #: Chinese warnings: things worth a look that do not make the code invalid
    warnings: list[str] = field(default_factory=list)
    #: the parsed parts, by name
    parts: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def messages(self) -> list[str]:
        """The Chinese messages of all errors."""
        return [error.message for error in self.errors]

    def validated(self) -> str:
        """The compacted code; raise the first error found, if any."""
        if self.errors:
            raise self.errors[0]
        return self.code


@dataclass(frozen=True)
class USCCResult(CodeResult):
    """Everything found about one 统一社会信用代码.

    ``parts``: department, category, region, province, org_code, check."""


def _charset_message(position: int, char: str) -> str:
    return f"第{position}位字符“{char}”不是统一社会信用代码允许的字符（{_CHARSET_HINT}）"


def explain(code: str) -> USCCResult:
    """Check a code and report every problem found, plus its parsed parts.

    >>> result = explain('91350100M000100Y43')
    >>> result.valid, result.parts['department'], result.parts['category']
    (True, {'code': '9', 'name': '工商'}, {'code': '1', 'name': '企业'})
    >>> result.parts['region'], result.parts['org_code'], result.parts['check']
    ('350100', 'M000100Y4', '3')
    >>> result = explain('94990100M000100Y50')
    >>> [error.part for error in result.errors]
    ['category', 'region', 'org_check', 'check']
    >>> result.messages[0].endswith('（可用：1 企业、2 个体工商户、3 农民专业合作社）')
    True
    >>> for message in result.messages:
    ...     print(message.split('（可用')[0])
    第2位机构类别码“4”不是登记管理部门“9 工商”的有效类别
    第3-8位登记管理机关行政区划码“990100”的省级代码“99”无效
    第9-17位组织机构代码校验位应为“4”，实为“5”
    第18位校验码应为“M”，实为“0”
    >>> explain('9135').messages
    ['长度应为18位，实为4位']
    """
    tbl = table()
    number = compact(code)
    errors: list[InvalidCode] = []
    parts: dict[str, Any] = {}

    if not number:
        return USCCResult(number, [InvalidLength("代码为空", part="length")])
    if len(number) != _LENGTH:
        errors.append(InvalidLength(f"长度应为{_LENGTH}位，实为{len(number)}位", part="length"))

    bad_positions: set[int] = set()
    for index, char in enumerate(number):
        if char not in _VALUES:
            bad_positions.add(index)
            errors.append(InvalidFormat(_charset_message(index + 1, char), part="charset"))

    if len(number) != _LENGTH:
        return USCCResult(number, errors)

    # position 1: department; position 2: category
    department, category = number[0], number[1]
    department_name = tbl.departments.get(department)
    parts["department"] = {"code": department, "name": department_name}
    category_name: str | None = None
    if department_name is None:
        if 0 not in bad_positions:
            errors.append(
                InvalidComponent(
                    f"第1位登记管理部门码“{department}”不在标准代码表中", part="department"
                )
            )
    else:
        allowed = tbl.categories[department]
        category_name = allowed.get(category)
        if category_name is None and 1 not in bad_positions:
            choices = "、".join(f"{key} {name}" for key, name in allowed.items())
            errors.append(
                InvalidComponent(
                    f"第2位机构类别码“{category}”不是登记管理部门“{department} {department_name}”"
                    f"的有效类别（可用：{choices}）",
                    part="category",
                )
            )
    parts["category"] = {"code": category, "name": category_name}

    # positions 3-8: region
    region = number[2:8]
    parts["region"] = region
    if not bad_positions.intersection(range(2, 8)):
        if not region.isdigit():
            errors.append(
                InvalidFormat(f"第3-8位登记管理机关行政区划码“{region}”应为6位数字", part="region")
            )
        else:
            prefix_name = tbl.region_prefix_name(region[:2])
            parts["province"] = {"code": region[:2], "name": prefix_name}
            if prefix_name is None:
                errors.append(
                    InvalidComponent(
                        f"第3-8位登记管理机关行政区划码“{region}”的省级代码“{region[:2]}”无效",
                        part="region",
                    )
                )

    # positions 9-17: 组织机构代码 with its own check character
    org_code = number[8:17]
    parts["org_code"] = org_code
    if not bad_positions.intersection(range(8, 17)):
        expected_org = calc_org_check_digit(org_code[:8])
        if org_code[8] != expected_org:
            errors.append(
                InvalidChecksum(
                    f"第9-17位组织机构代码校验位应为“{expected_org}”，实为“{org_code[8]}”",
                    part="org_check",
                )
            )

    # position 18: check character
    parts["check"] = number[17]
    if not bad_positions:
        expected = calc_check_digit(number)
        if number[17] != expected:
            errors.append(
                InvalidChecksum(f"第18位校验码应为“{expected}”，实为“{number[17]}”", part="check")
            )

    return USCCResult(number, errors, [], parts)


def validate(code: str) -> str:
    """Check the code and return it compacted; raise the first problem found.

    The exception is an InvalidCode subclass (InvalidLength, InvalidFormat,
    InvalidComponent or InvalidChecksum) with a Chinese ``message`` and a ``part``.

    >>> validate('N2371102MF1234567')
    Traceback (most recent call last):
        ...
    xinyong.core.exceptions.InvalidLength: 长度应为18位，实为17位
    """
    return explain(code).validated()


def is_valid(code: str) -> bool:
    """Check whether the code is a valid 统一社会信用代码.

    >>> is_valid('91350100M000100Y43'), is_valid('91350100M000100Y4')
    (True, False)
    """
    return _quick_valid(compact(code))


def _quick_valid(number: str) -> bool:
    """The verdict of ``explain(number).valid`` without building its messages."""
    if len(number) != _LENGTH:
        return False
    total = 0
    for char, weight in zip(number[:17], _WEIGHTS, strict=True):
        value = _VALUES.get(char)
        if value is None:
            return False
        total += value * weight
    if ALPHABET[(31 - total % 31) % 31] != number[17]:
        return False
    tbl = table()
    categories = tbl.categories.get(number[0])
    if not categories or number[1] not in categories:
        return False
    region = number[2:8]
    if not region.isdigit() or tbl.region_prefix_name(region[:2]) is None:
        return False
    org = 0
    for char, weight in zip(number[8:16], _ORG_WEIGHTS, strict=True):
        org += _ORG_VALUES[char] * weight
    return _ORG_CHECK[11 - org % 11] == number[16]


def format(code: str) -> str:
    """Reformat the code to the standard presentation: 18 characters, no separators.

    >>> format(' 9135 0100 m000 100y43 ')
    '91350100M000100Y43'
    """
    return compact(code)
