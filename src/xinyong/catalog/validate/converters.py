"""Field converters, compiled once per field: text, dates, amounts, code lists and codes."""

from __future__ import annotations

import datetime
import functools
import math
import operator
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from xinyong.catalog.model import Field
from xinyong.catalog.validate.values import (
    _CACHE_LIMIT,
    _GROUPED_RE,
    _INSTITUTION_RE,
    _NUMBER_RE,
    _ORG_CODE_RE,
    _REG_NO_RE,
    _STRIP,
    INDIVIDUAL_BUSINESS,
    NATURAL_PERSON,
    ORGANISATION,
    RESIDENT_ID,
    _as_text,
    _convert_date,
    _Invalid,
    _Warn,
)

Converter = Callable[[Any], Any]
Deferred = Callable[[Any, dict[str, Any], datetime.date], Any]


def _text_converter(f: Field) -> Converter:
    limit = f.max_length

    def convert(v: Any) -> str:
        if v.__class__ is not str:
            v = _as_text(v).strip(_STRIP)
        if limit is not None and len(v) > limit:
            raise _Invalid(f"内容有{len(v)}个字，超过{limit}个字的上限")
        return v  # type: ignore[no-any-return]

    return convert


def _date_converter(f: Field) -> Converter:
    open_ended = frozenset(f.open_ended)
    if not open_ended:
        return _convert_date

    def convert(v: Any) -> datetime.date | None:
        if v.__class__ is str and v in open_ended:
            return None
        return _convert_date(v)

    return convert


def _decimal_converter(f: Field) -> Converter:
    noun = "金额" if f.unit else "数值"
    places = f.decimals
    minimum = Decimal(f.min) if f.min is not None else None
    unit = f.unit

    def parse(v: Any) -> Decimal:
        cls = v.__class__
        if cls is str:
            text = v
            if unit and text.endswith(unit):
                text = text[: -len(unit)].rstrip(_STRIP)
            if _NUMBER_RE.fullmatch(text):
                return Decimal(text)
            if _GROUPED_RE.fullmatch(text):
                return Decimal(text.replace(",", ""))
            numeric_yuan = text.endswith("元") and _NUMBER_RE.fullmatch(text[:-1].rstrip(_STRIP))
            hint = f"（单位为{unit}，只填写数字）" if unit and numeric_yuan else ""
            raise _Invalid(f"{noun}“{v}”不是数字{hint}")
        if cls is int:
            return Decimal(v)
        if cls is float:
            if not math.isfinite(v):
                raise _Invalid(f"{noun}“{v}”不是数字")
            number = Decimal(repr(v))
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > places:
                rounded = Decimal(format(v, f".{places}f"))
                if abs(float(rounded) - v) <= 1e-9 * max(1.0, abs(v)):
                    return rounded  # binary floating-point noise from a spreadsheet
            return number
        if cls is Decimal:
            if not v.is_finite():
                raise _Invalid(f"{noun}“{v}”不是数字")
            return v  # type: ignore[no-any-return]
        if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
            raise _Invalid(f"{noun}“{_as_text(v)}”不是数字")
        return Decimal(str(v))

    def convert(v: Any) -> Decimal:
        number = parse(v)
        if minimum is not None and number < minimum:
            if minimum == 0:
                raise _Invalid(f"{noun}“{_as_text(v)}”不能为负数")
            raise _Invalid(f"{noun}“{_as_text(v)}”不能小于{minimum}")
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            unit_text = f"（单位：{unit}）" if unit else ""
            raise _Invalid(f"{noun}“{_as_text(v)}”最多保留{places}位小数{unit_text}")
        return number

    return convert


def _enum_converter(f: Field) -> Converter:
    codelist = f.codelist
    assert codelist is not None
    lookup = codelist._lookup
    name = codelist.name
    choices = "、".join(codelist.codes)

    def find(text: str) -> tuple[tuple[str, ...], str] | None:
        found = lookup.get(text)
        if found is None:
            found = codelist.lookup(text)
        return found

    if not f.multiple:

        def convert(v: Any) -> str:
            text = v if v.__class__ is str else _as_text(v)
            found = lookup.get(text)
            if found is not None and not found[1] and len(found[0]) == 1:
                return found[0][0]
            found = find(text)
            if found is None:
                raise _Invalid(f"“{text}”不是《{name}》中的值（可选：{choices}）")
            targets, note = found
            if len(targets) != 1:
                raise _Invalid(f"“{text}”对应多个值（{'、'.join(targets)}），此项只能填一个")
            if note:
                raise _Warn(targets[0], note)
            return targets[0]

        return convert

    splitter = re.compile("[" + re.escape(f.separators) + "]")

    memo: dict[str, list[str]] = {}

    def convert_many(v: Any) -> list[str]:
        if v.__class__ is str:
            known = memo.get(v)
            if known is not None:
                return list(known)
            result = _convert_many(v)
            if len(memo) < 10_000:
                memo[v] = result
            return list(result)
        return _convert_many(v)

    def _convert_many(v: Any) -> list[str]:
        if isinstance(v, list | tuple):
            parts = [_as_text(item).strip(_STRIP) for item in v]
            text = "；".join(parts)
        else:
            text = v if v.__class__ is str else _as_text(v)
            found = find(text)
            if found is not None:
                if found[1]:
                    raise _Warn(list(found[0]), found[1])
                return list(found[0])
            parts = [part.strip(_STRIP) for part in splitter.split(text)]
        result: list[str] = []
        unknown: list[str] = []
        notes: list[str] = []
        for part in parts:
            if not part:
                continue
            found = find(part)
            if found is None:
                unknown.append(part)
                continue
            for target in found[0]:
                if target not in result:
                    result.append(target)
            if found[1]:
                notes.append(found[1])
        if unknown:
            listed = "、".join(f"“{part}”" for part in unknown)
            raise _Invalid(f"{listed}不是《{name}》中的值（可选：{choices}）")
        if not result:
            raise _Invalid(f"“{text}”中没有可识别的《{name}》值（可选：{choices}）")
        if notes:
            raise _Warn(result, "；".join(notes))
        return result

    return convert_many


# USCC results are cached: authority and source codes repeat on every row of a batch.
_uscc_cache: dict[str, tuple[str, str | None]] = {}
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {char: value for value, char in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES = {char: int(char) for char in "0123456789"} | {
    chr(code): code - 55 for code in range(ord("A"), ord("Z") + 1)
}
_USCC_VALUE = _USCC_VALUES.__getitem__
_ORG_VALUE = _ORG_VALUES.__getitem__


@functools.cache
def _uscc_tables() -> tuple[frozenset[str], frozenset[str]]:
    """Valid (department + category) pairs and region prefixes, from core.uscc's table."""
    from xinyong.core import uscc

    table = uscc.table()
    pairs = frozenset(
        department + category
        for department, categories in table.categories.items()
        for category in categories
    )
    prefixes = frozenset(
        f"{n:02d}" for n in range(100) if table.region_prefix_name(f"{n:02d}") is not None
    )
    return pairs, prefixes


def _uscc_is_valid_fast(code: str) -> bool:
    """True only for a compact, fully valid code (the same checks as core.uscc.explain)."""
    if len(code) != 18:
        return False
    try:
        values = list(map(_USCC_VALUE, code))
        org = sum(map(operator.mul, map(_ORG_VALUE, code[8:16]), _ORG_WEIGHTS))
    except KeyError:
        return False
    if values[17] != (31 - sum(map(operator.mul, values, _USCC_WEIGHTS)) % 31) % 31:
        return False
    check = 11 - org % 11
    if code[16] != ("X" if check == 10 else "0" if check == 11 else str(check)):
        return False
    pairs, prefixes = _uscc_tables()
    region = code[2:8]
    return code[:2] in pairs and region.isdigit() and region[:2] in prefixes


def _check_uscc(text: str) -> tuple[str, str | None]:
    """(compacted code, Chinese error or None), cached."""
    cached = _uscc_cache.get(text)
    if cached is not None:
        return cached
    if _uscc_is_valid_fast(text):
        value: tuple[str, str | None] = (text, None)
    else:
        from xinyong.core import uscc

        result = uscc.explain(text)
        error = "；".join(result.messages) if result.errors else None
        value = (result.code, error)
    if len(_uscc_cache) >= _CACHE_LIMIT:
        _uscc_cache.clear()
    _uscc_cache[text] = value
    return value


def _uscc_converter(f: Field) -> Converter:
    def convert(v: Any) -> str:
        text = v if v.__class__ is str else _as_text(v)
        code, error = _check_uscc(text)
        if error is not None:
            raise _Invalid(f"统一社会信用代码“{code}”无效：{error}")
        return code

    return convert


def _looks_like_ric(code: str) -> bool:
    return len(code) == 18 and code[:17].isdigit() and (code[17].isdigit() or code[17] == "X")


def _subject_code_converter(f: Field, kind_key: str) -> Deferred:
    legacy = f.legacy_codes
    limit = f.max_length
    legacy_hint = "（或尚未换发的旧代码：15位工商注册号、9位组织机构代码等）" if legacy else ""

    def convert(v: Any, clean: dict[str, Any], today: datetime.date) -> str:
        text = v if v.__class__ is str else _as_text(v)
        kind = clean.get(kind_key)
        if kind == NATURAL_PERSON:
            raise _Invalid(
                "行政相对人类别为自然人时不填写行政相对人代码（身份证号码请填在“证件号码”）"
            )
        from xinyong.core import ric, uscc

        code = text if len(text) == 18 else uscc.compact(text)
        if limit is not None and len(code) > limit:
            raise _Invalid(f"代码有{len(code)}个字符，超过{limit}个字符的上限")
        if len(code) == 18:
            code, error = _check_uscc(code)
            if error is None:
                prefix = code[:2]
                if kind == INDIVIDUAL_BUSINESS and prefix != "92":
                    raise _Warn(
                        code,
                        f"代码“{code}”前两位为“{prefix}”，个体工商户的代码通常以“92”开头，请核对",
                    )
                if kind == ORGANISATION and prefix == "92":
                    raise _Warn(
                        code,
                        f"代码“{code}”以“92”开头，是个体工商户的代码，与行政相对人类别不符，请核对",
                    )
                return code
            if _looks_like_ric(code) and ric.is_valid(code, today):
                raise _Invalid(
                    f"“{ric.mask(code)}”是居民身份证号码，不是统一社会信用代码；"
                    f"{kind or '法人及非法人组织'}应填写统一社会信用代码"
                )
            raise _Invalid(f"统一社会信用代码“{code}”无效：{error}")
        if legacy:
            if _ORG_CODE_RE.fullmatch(code):
                expected = uscc.calc_org_check_digit(code[:8])
                if code[8] != expected:
                    raise _Invalid(f"组织机构代码“{code}”的校验位应为“{expected}”，实为“{code[8]}”")
                raise _Warn(code, f"“{code}”是旧的组织机构代码，请尽快更新为统一社会信用代码")
            if _REG_NO_RE.fullmatch(code):
                raise _Warn(
                    code, f"“{code}”是旧的工商注册号（或税务登记号），请尽快更新为统一社会信用代码"
                )
            if _INSTITUTION_RE.fullmatch(code):
                raise _Warn(code, f"“{code}”是旧的事业单位证书号，请尽快更新为统一社会信用代码")
        raise _Invalid(f"代码“{code}”有{len(code)}位，应为18位统一社会信用代码{legacy_hint}")

    return convert


_RIC_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_RIC_DIGITS = frozenset("0123456789")


@functools.lru_cache(maxsize=4096)
def _known_address(address: str) -> bool:
    """A 6-digit address code in the county table, under a GB/T 2260 province."""
    from xinyong.core import ric, uscc

    return bool(uscc.table().provinces.get(address[:2])) and ric.address_name(address) is not None


def _ric_is_valid_fast(code: str, today: datetime.date) -> bool:
    """True only for a compact 18-character number that ``core.ric.explain`` passes without
    errors or warnings; anything else (including what this does not check) goes the slow way."""
    if len(code) != 18 or not _RIC_DIGITS.issuperset(code[:17]):
        return False
    total = sum(map(operator.mul, map(int, code[:17]), _RIC_WEIGHTS))
    check = (12 - total % 11) % 11
    if code[17] != ("X" if check == 10 else str(check)):
        return False
    try:
        birth = datetime.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return birth.year >= 1900 and birth <= today and _known_address(code[:6])


def _idnumber_converter(f: Field) -> Deferred:
    type_key = f.id_type_field
    limit = f.max_length

    def convert(v: Any, clean: dict[str, Any], today: datetime.date) -> str:
        text = v if v.__class__ is str else _as_text(v)
        id_type = clean.get(type_key) if type_key else RESIDENT_ID
        if id_type == RESIDENT_ID or (id_type is None and len(text) in (15, 18)):
            if _ric_is_valid_fast(text, today):
                return text  # the common case, without building a full report
            from xinyong.core import ric

            result = ric.explain(text, today)
            if result.errors:
                raise _Invalid(
                    f"身份证号码“{ric.mask(result.code)}”无效：{'；'.join(result.messages)}"
                )
            if result.warnings:
                raise _Warn(result.code, "；".join(result.warnings))
            return result.code
        if limit is not None and len(text) > limit:
            raise _Invalid(f"证件号码有{len(text)}个字符，超过{limit}个字符的上限")
        return text

    return convert
