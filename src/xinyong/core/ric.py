"""居民身份证号码 (Resident Identity Card number, GB 11643-1999).

18 characters: 6-digit address code (地址码), 8-digit birth date (出生日期码,
YYYYMMDD), 3-digit sequence (顺序码, odd for men, even for women) and a check
character (校验码, mod 11, ``X`` for 10). Legacy first-generation numbers have
15 digits: address code, YYMMDD (19YY) and sequence, without a check character.

The checks are done here, not by ``stdnum.cn.ric.validate``: that rejects a
number whose address code is missing from python-stdnum's county table, which
happens for real, newer or renamed counties. Here an unknown county is a
warning; only a wrong province prefix is an error. Birth dates must be real
dates and not in the future.

>>> validate('11010519491231002X')
'11010519491231002X'
>>> validate('11010519491231002x')
'11010519491231002X'
>>> validate('110105194912310021')
Traceback (most recent call last):
    ...
xinyong.core.exceptions.InvalidChecksum: 第18位校验码应为“X”，实为“1”
>>> mask('11010519491231002X')
'1101**********002X'
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from typing import Any

from stdnum.cn import ric as stdnum_ric

from xinyong.core.exceptions import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from xinyong.core.uscc import CodeResult, clean, table

__all__ = [
    "RICResult",
    "address_name",
    "calc_check_digit",
    "compact",
    "explain",
    "is_valid",
    "mask",
    "mask_in_text",
    "to_18",
    "validate",
]

#: Province prefixes accepted besides the GB/T 2260 provinces of the code table:
#: 83 is used by 台湾居民居住证 numbers, which share this format.
_EXTRA_PROVINCES = {"83": "台湾居民（居住证）"}
_OLDEST_PLAUSIBLE_YEAR = 1900


def compact(code: str) -> str:
    """Strip spaces and hyphens, convert full-width to half-width, uppercase.

    >>> compact('110105 19491231 002x')
    '11010519491231002X'
    >>> compact('１１０１０５１９４９１２３１００２Ｘ')
    '11010519491231002X'
    """
    return clean(code)


def calc_check_digit(number: str) -> str:
    """Calculate the check character from the first 17 digits.

    A full 18-character number may be passed; its last character is ignored.

    >>> calc_check_digit('11010519491231002')
    'X'
    """
    body = compact(number)[:17]
    if len(body) != 17 or not (body.isascii() and body.isdigit()):
        raise InvalidFormat("计算校验码需要17位数字", part="charset")
    return stdnum_ric.calc_check_digit(body + "0")


def to_18(code: str) -> str:
    """Convert a legacy 15-digit number to 18 characters (19YY birth year plus check).

    18-character numbers are returned compacted, unchanged.

    >>> to_18('110105491231002')
    '11010519491231002X'
    """
    number = compact(code)
    if len(number) == 18:
        return number
    if len(number) != 15 or not (number.isascii() and number.isdigit()):
        raise InvalidLength(f"只能转换15位数字的旧号码，实为{len(number)}位", part="length")
    body = number[:6] + "19" + number[6:]
    return body + calc_check_digit(body)


@functools.cache
def _county_table() -> Any:
    from stdnum import numdb

    return numdb.get("cn/loc")


def _latest_name(value: str) -> str:
    """Last listed name of a numdb entry like ``[-2010]崇文区,[2010-]某区``."""
    name = value.split(",")[-1]
    if name.startswith("[") and "]" in name:
        name = name.split("]", 1)[1]
    return name


def address_name(address_code: str) -> str | None:
    """Name of a 6-digit address code from python-stdnum's county table, or None.

    Codes that existed only in some years are still found (an ID number keeps
    the address code of the time it was issued).

    >>> address_name('110101'), address_name('110000'), address_name('110199')
    ('北京市东城区', '北京市', None)
    """
    info: dict[str, str] = {}
    for _part, props in _county_table().info(address_code):
        info.update(props)
    county = info.get("county")
    if not county:
        return None
    county = _latest_name(county)
    if address_code.endswith("0000"):
        return county
    return info.get("province", "") + county


def _province_name(prefix: str) -> str | None:
    return table().provinces.get(prefix) or _EXTRA_PROVINCES.get(prefix)


@dataclass(frozen=True)
class RICResult(CodeResult):
    """Everything found about one ID number: all errors and warnings, and its parts.

    ``warnings``: unknown county, legacy number…; ``parts``: address {code, name},
    birth_date (ISO string), sequence, sex (男/女), check."""

    birth_date: datetime.date | None = None


def explain(code: str, today: datetime.date | None = None) -> RICResult:
    """Check an ID number and report every error and warning, plus its parts.

    ``today`` is the date birth dates must not be after (default: today).

    >>> result = explain('11010519491231002X')
    >>> result.valid, result.parts['sex'], result.parts['birth_date']
    (True, '女', '1949-12-31')
    >>> result.parts['address']
    {'code': '110105', 'name': '北京市朝阳区'}
    >>> explain('110105194902300020').messages
    ['第7-14位出生日期“19490230”不是有效日期']
    >>> explain('110199194912310023').warnings
    ['第1-6位地址码“110199”不在已知行政区划表中（可能是新设、撤销或更名的区县），请核对']
    """
    if today is None:
        today = datetime.date.today()
    number = compact(code)
    errors: list[InvalidCode] = []
    warnings: list[str] = []
    parts: dict[str, Any] = {}

    if not number:
        return RICResult(number, [InvalidLength("号码为空", part="length")])
    if len(number) not in (15, 18):
        return RICResult(
            number,
            [InvalidLength(f"长度应为18位（旧号码15位），实为{len(number)}位", part="length")],
        )
    legacy = len(number) == 15

    digit_count = 15 if legacy else 17
    bad_positions: set[int] = set()
    for index, char in enumerate(number[:digit_count]):
        if not (char.isascii() and char.isdigit()):
            bad_positions.add(index)
            what = "15位旧号码应全为数字" if legacy else "前17位应为数字"
            errors.append(InvalidFormat(f"第{index + 1}位字符“{char}”无效：{what}", part="charset"))
    if not legacy and not (number[17] == "X" or (number[17].isascii() and number[17].isdigit())):
        bad_positions.add(17)
        errors.append(InvalidFormat(f"第18位校验码“{number[17]}”无效：应为数字或X", part="charset"))

    # address code (positions 1-6)
    address = number[:6]
    if not bad_positions.intersection(range(6)):
        name = address_name(address)
        parts["address"] = {"code": address, "name": name}
        if _province_name(address[:2]) is None:
            errors.append(
                InvalidComponent(
                    f"第1-6位地址码“{address}”的省级代码“{address[:2]}”无效", part="address"
                )
            )
        elif name is None:
            warnings.append(
                f"第1-6位地址码“{address}”不在已知行政区划表中（可能是新设、撤销或更名的区县），请核对"
            )

    # birth date (positions 7-14, or 7-12 as YYMMDD in legacy numbers)
    birth_date: datetime.date | None = None
    date_span = range(6, 12) if legacy else range(6, 14)
    date_text = number[date_span.start : date_span.stop]
    date_label = "第7-12位出生日期" if legacy else "第7-14位出生日期"
    if not bad_positions.intersection(date_span):
        full = "19" + date_text if legacy else date_text
        try:
            birth_date = datetime.date(int(full[:4]), int(full[4:6]), int(full[6:8]))
        except ValueError:
            errors.append(
                InvalidComponent(f"{date_label}“{date_text}”不是有效日期", part="birth_date")
            )
        else:
            if birth_date > today:
                errors.append(
                    InvalidComponent(f"{date_label}“{date_text}”晚于今天", part="birth_date")
                )
                birth_date = None
            else:
                parts["birth_date"] = birth_date.isoformat()
                if birth_date.year < _OLDEST_PLAUSIBLE_YEAR:
                    warnings.append(
                        f"{date_label}“{date_text}”早于{_OLDEST_PLAUSIBLE_YEAR}年，请核对"
                    )

    # sequence (3 digits) and sex
    seq_start = 12 if legacy else 14
    sequence = number[seq_start : seq_start + 3]
    if not bad_positions.intersection(range(seq_start, seq_start + 3)):
        parts["sequence"] = sequence
        parts["sex"] = "男" if int(sequence[-1]) % 2 else "女"

    # check character
    if legacy:
        parts["check"] = None
        if not errors:
            warnings.append(f"15位旧号码，没有校验码；对应的18位号码为{to_18(number)}")
    else:
        parts["check"] = number[17]
        if not bad_positions:
            expected = calc_check_digit(number)
            if number[17] != expected:
                errors.append(
                    InvalidChecksum(
                        f"第18位校验码应为“{expected}”，实为“{number[17]}”", part="check"
                    )
                )

    return RICResult(number, errors, warnings, parts, birth_date)


def validate(code: str, today: datetime.date | None = None) -> str:
    """Check the number and return it compacted; raise the first error found.

    Warnings (unknown county, legacy 15-digit number) do not raise.

    >>> validate('110105491231002')
    '110105491231002'
    >>> validate('110105209912310026', today=datetime.date(2024, 1, 1))
    Traceback (most recent call last):
        ...
    xinyong.core.exceptions.InvalidComponent: 第7-14位出生日期“20991231”晚于今天
    """
    return explain(code, today).validated()


def is_valid(code: str, today: datetime.date | None = None) -> bool:
    """Check whether the number is a valid 居民身份证号码 (warnings allowed).

    >>> is_valid('11010519491231002X'), is_valid('11010519491231002')
    (True, False)
    """
    try:
        return bool(validate(code, today))
    except InvalidCode:
        return False


def mask(code: str) -> str:
    """Mask a number for display.

    18 characters: first 4 and last 4 kept (``1101**********002X``); 15
    characters: first 4 and last 3 kept. Anything else is masked entirely, so
    a mistyped number is never shown in full.

    >>> mask('11010519491231002X'), mask('110105491231002')
    ('1101**********002X', '1101********002')
    >>> mask('12345')
    '*****'
    """
    number = compact(code)
    if len(number) == 18:
        return number[:4] + "*" * 10 + number[-4:]
    if len(number) == 15:
        return number[:4] + "*" * 8 + number[-3:]
    return "*" * len(number)


def matches_mask(masked: str, number: str) -> bool:
    """Whether a full number agrees with every visible character of a published masked one.

    National lists (中国执行信息公开网) publish ID numbers partly hidden; a person is matched by
    the visible characters (plus the name, elsewhere), never by guessing the hidden ones.

    >>> matches_mask("3301**********1234", "330102198001011234")
    True
    >>> matches_mask("330102198001****12", "330102198001011234")
    False
    >>> matches_mask("330102198001011234", "330102198001011234")  # not masked: not a mask match
    False
    """
    masked = masked.strip().upper()
    number = compact(number)
    if len(masked) != len(number) or "*" not in masked:
        return False
    return all(m == "*" or m == c for m, c in zip(masked, number, strict=True))


#: An 18-character token shaped like an ID number, possibly written in groups (``330122
#: 19800202 0029``, ``330122-19800202-0029``); letters around it do not hide it (``ID…``,
#: ``sfz…``), only more digits do (a longer number is something else).
_ID_18 = re.compile(r"(?<!\d)\d(?:[ \-\u00a0\u3000]?\d){16}[ \-\u00a0\u3000]?[\dXx](?![\dXx])")
#: A 15-digit legacy number, written in one piece.
_ID_15 = re.compile(r"(?<!\d)\d{15}(?![\dXx])")
_GROUPING = re.compile(r"[ \-\u00a0\u3000]")


def mask_in_text(text: str) -> str:
    """Mask every ID number found inside a text (free text, a cell typed in the wrong column).

    An 18-character token is masked even when mistyped, unless it is a valid 统一社会信用代码
    that is not also a valid ID number; written in groups, only when it is a valid number (a
    row of amounts or dates is not an ID). A 15-digit token only when it is a valid legacy
    number (old 15-digit registration numbers are common in such texts).

    >>> mask_in_text("李某（身份证号11010519491231002X）")
    '李某（身份证号1101**********002X）'
    >>> mask_in_text("代码91350100M000100Y43，注册号330106000012345")
    '代码91350100M000100Y43，注册号330106000012345'
    >>> mask_in_text("号码110105194912310021有误")
    '号码1101**********0021有误'
    >>> mask_in_text("ID11010519491231002X、110105-19491231-002x、110105 19491231 002X号")
    'ID1101**********002X、1101**********002X、1101**********002X号'
    >>> mask_in_text("金额100 200 300 400 500 600元，卡号6222021234567890123")
    '金额100 200 300 400 500 600元，卡号6222021234567890123'
    """
    from xinyong.core import uscc

    def eighteen(match: re.Match[str]) -> str:
        token = match.group(0)
        number = _GROUPING.sub("", token).upper()
        if number != token.upper():
            return mask(number) if is_valid(number) else token
        if uscc.is_valid(number) and not is_valid(number):
            return token
        return mask(token)

    def fifteen(match: re.Match[str]) -> str:
        token = match.group(0)
        return mask(token) if is_valid(token) else token

    return _ID_15.sub(fifteen, _ID_18.sub(eighteen, text))
