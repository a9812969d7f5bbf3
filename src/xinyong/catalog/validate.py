"""Header mapping and row validation for a record type, compiled once per type for speed.

A file's header row is matched to the type's fields by label, key and aliases after folding
whitespace, full-width forms and the BOM (:func:`map_headers`). Each row is then checked and
cleaned field by field (:class:`RowValidator`): every error names the field's Chinese label
and says what is wrong in plain Chinese; nothing is altered silently (legacy values that are
mapped produce warnings).

Values are kept as submitted text where they are text: HTML is escaped when rendered, and a
formula-like text (``=1+1``) is never evaluated — :func:`safe_cell` prefixes it with an
apostrophe when it is written back to a spreadsheet.

>>> from xinyong.catalog.model import default_catalog
>>> xzcf = default_catalog().type("xzcf")
>>> result = xzcf.validate_row({"处罚决定日期": "2026-02-30", "罚款金额（万元）": "五千元"})
>>> [str(error) for error in result.errors if error.key in ("decision_date", "fine_amount")]
['罚款金额（万元）：金额“五千元”不是数字', '处罚决定日期：日期“2026-02-30”不存在']
"""

from __future__ import annotations

import datetime
import functools
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xinyong.catalog.model import Field, normalise_header

if TYPE_CHECKING:
    from xinyong.catalog.model import RecordType

__all__ = [
    "FieldError",
    "HeaderMap",
    "RowResult",
    "RowValidator",
    "ValidationContext",
    "map_headers",
    "parse_date",
    "safe_cell",
]

NATURAL_PERSON = "自然人"
INDIVIDUAL_BUSINESS = "个体工商户"
ORGANISATION = "法人及非法人组织"
RESIDENT_ID = "身份证"

#: Characters trimmed from both ends of every value: all Unicode whitespace, BOM, zero-width.
_STRIP = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + (
    "\ufeff\u200b\u200c\u200d\u2060"
)
_MISSING = object()
_FORMULA_START = frozenset("=+-@\t\r")

_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED_RE = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_ORG_CODE_RE = re.compile(r"[0-9A-Z]{8}[0-9X]")
_REG_NO_RE = re.compile(r"\d{6}[0-9A-Z]{8}[0-9X]")
_INSTITUTION_RE = re.compile(r"\d{12}")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_MIN_YEAR = 1900
_CACHE_LIMIT = 200_000


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


class _Warn(Exception):
    """A value accepted with a warning (raised on the rare path only)."""

    def __init__(self, value: Any, message: str) -> None:
        self.value = value
        self.message = message


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem with one field of one row: the field's Chinese label and the message."""

    field_label: str
    message: str
    key: str = ""

    def __str__(self) -> str:
        return f"{self.field_label}：{self.message}"


@dataclass(slots=True)
class RowResult:
    """A validated row: cleaned values by field key, errors and warnings."""

    clean: dict[str, Any]
    errors: list[FieldError]
    warnings: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ValidationContext:
    """What a row is checked against besides its own values."""

    #: dates after this day are "in the future"
    today: datetime.date = field(default_factory=datetime.date.today)


# ---------------------------------------------------------------------------
# value helpers
# ---------------------------------------------------------------------------


def safe_cell(value: Any) -> str:
    """Text for a spreadsheet/CSV cell: a formula-like text gets a leading apostrophe.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-1+2"), safe_cell("正常文本")
    ('\\'=HYPERLINK("http://x")', "'-1+2", '正常文本')
    >>> safe_cell(Decimal("-0.5")), safe_cell(datetime.date(2026, 3, 5)), safe_cell(None)
    ('-0.5', '2026-03-05', '')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, list | tuple):
        text = "；".join(safe_cell(item).lstrip("'") for item in value)
    else:
        return _as_text(value)
    if text and text[0] in _FORMULA_START:
        return "'" + text
    return text


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def parse_date(value: Any) -> datetime.date:
    """A date from text, a date/datetime or a number; ValueError with a Chinese message.

    >>> [parse_date(v).isoformat() for v in ("2026-03-05", "2026/3/5", "20260305", "2026年3月5日")]
    ['2026-03-05', '2026-03-05', '2026-03-05', '2026-03-05']
    >>> parse_date("2026-02-30")
    Traceback (most recent call last):
        ...
    ValueError: 日期“2026-02-30”不存在
    """
    try:
        return _convert_date(value)
    except _Invalid as exc:
        raise ValueError(exc.message) from None
    except _Warn as warn:
        return warn.value  # type: ignore[no-any-return]


def _ymd(text: str, year: str, month: str, day: str) -> datetime.date:
    try:
        result = datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise _Invalid(f"日期“{text}”不存在") from None
    if result.year < _MIN_YEAR:
        raise _Invalid(f"日期“{text}”早于{_MIN_YEAR}年，请核对")
    return result


def _convert_date(v: Any) -> datetime.date:
    cls = v.__class__
    if cls is str:
        if len(v) == 10 and v[4] == "-" and v[7] == "-":
            try:
                result = datetime.date.fromisoformat(v)
            except ValueError:
                pass
            else:
                if result.year >= _MIN_YEAR:
                    return result
        match = _DATE_RE.fullmatch(v) or _COMPACT_DATE_RE.fullmatch(v)
        if match is None:
            raise _Invalid(f"日期“{v}”无法识别，请按“2026-03-05”的格式填写")
        return _ymd(v, *match.groups())
    if cls is datetime.datetime:
        return v.date()  # type: ignore[no-any-return]
    if cls is datetime.date:
        return v  # type: ignore[no-any-return]
    if isinstance(v, datetime.datetime):  # subclasses (pandas Timestamp …)
        return v.date()
    if isinstance(v, datetime.date):
        return v
    if isinstance(v, bool):
        raise _Invalid(f"日期“{v}”无法识别，请按“2026-03-05”的格式填写")
    if isinstance(v, int | float | Decimal):
        if isinstance(v, float) and not math.isfinite(v):
            raise _Invalid(f"日期“{v}”无法识别，请按“2026-03-05”的格式填写")
        whole = int(v)
        if whole == v and 19000101 <= whole <= 99991231:
            text = str(whole)
            return _ymd(text, text[:4], text[4:6], text[6:])
        if 1 <= v < 80000:  # an Excel serial day number (1900 date system)
            day = _EXCEL_EPOCH + datetime.timedelta(days=int(v))
            raise _Warn(day, f"数值“{_as_text(v)}”按Excel日期序号解析为{day.isoformat()}，请核对")
    raise _Invalid(f"日期“{_as_text(v)}”无法识别，请按“2026-03-05”的格式填写")


# ---------------------------------------------------------------------------
# field converters (compiled once per field)
# ---------------------------------------------------------------------------

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


def _idnumber_converter(f: Field) -> Deferred:
    type_key = f.id_type_field
    limit = f.max_length

    def convert(v: Any, clean: dict[str, Any], today: datetime.date) -> str:
        text = v if v.__class__ is str else _as_text(v)
        id_type = clean.get(type_key) if type_key else RESIDENT_ID
        if id_type == RESIDENT_ID or (id_type is None and len(text) in (15, 18)):
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


# ---------------------------------------------------------------------------
# the row validator
# ---------------------------------------------------------------------------


class RowValidator:
    """Checks rows of one record type version; everything is compiled in ``__init__``."""

    def __init__(self, rt: RecordType) -> None:
        self.record_type = rt
        kind_key = rt.roles.get("subject_kind", "")
        plan: list[tuple[str, str, Converter | None, int, Deferred | None]] = []
        for f in rt.fields:
            deferred: Deferred | None = None
            converter: Converter | None = None
            if f.type == "text":
                converter = _text_converter(f)
            elif f.type == "date":
                converter = _date_converter(f)
            elif f.type == "decimal":
                converter = _decimal_converter(f)
            elif f.type == "enum":
                converter = _enum_converter(f)
            elif f.type == "uscc":
                converter = _uscc_converter(f)
            elif f.type == "subject_code":
                deferred = _subject_code_converter(f, kind_key)
            elif f.type == "idnumber":
                deferred = _idnumber_converter(f)
            else:  # pragma: no cover - the loader rejects unknown types
                raise ValueError(f.type)
            # 1: required; 2: required under a condition (remember it was empty); 0: optional
            need = 1 if f.required else 2 if f.required_when else 0
            plan.append((f.key, f.label, converter, need, deferred))
        self._plan = tuple(plan)

        labels = {f.key: f.label for f in rt.fields}
        by_key = {f.key: f for f in rt.fields}
        conditions = []
        for f in rt.fields:
            if not f.required_when:
                continue
            terms = []
            for other_key, values in f.required_when.items():
                other = rt.field(other_key)
                terms.append((other_key, frozenset(values), other.multiple))
            message = f.required_text(by_key)
            conditions.append((f.key, f.label, tuple(terms), message))
        self._conditions = tuple(conditions)

        checks = []
        for check in rt.checks:
            f = rt.field(check.field)
            other_label = labels.get(check.other or "", "")
            checks.append((check.rule, f.key, f.label, check.other, other_label, check.level))
        self._checks = tuple(checks)

        # header lookup: folded header → (field key, priority: label 0, key 1, aliases 2…)
        lookup: dict[str, tuple[str, int]] = {}
        for f in rt.fields:
            for priority, text in enumerate((f.label, f.key, *f.aliases)):
                lookup.setdefault(normalise_header(text), (f.key, priority))
        self.header_lookup = lookup
        self.ignored_headers = frozenset(normalise_header(h) for h in rt.ignore_headers)

    def validate(self, raw: Mapping[str, Any], ctx: ValidationContext | None = None) -> RowResult:
        """Check and clean one row; keys of ``raw`` are field keys (or labels)."""
        today = ctx.today if ctx is not None else datetime.date.today()
        clean: dict[str, Any] = {}
        errors: list[FieldError] = []
        warnings: list[FieldError] = []
        empty: set[str] = set()
        later = []
        get = raw.get
        strip = _STRIP
        for key, label, convert, required, deferred in self._plan:
            v = get(key, _MISSING)
            if v is _MISSING:
                v = get(label)
            if v is not None:
                cls = v.__class__
                if cls is str:
                    v = v.strip(strip)
                    if not v:
                        v = None
                elif cls is float and v != v:  # NaN from a dataframe
                    v = None
            if v is None:
                clean[key] = None
                if required:
                    if required == 1:
                        errors.append(FieldError(label, "必填项，不能为空", key))
                    else:
                        empty.add(key)
                continue
            if deferred is not None:
                clean[key] = None
                later.append((key, label, deferred, v))
                continue
            try:
                clean[key] = convert(v)  # type: ignore[misc]
            except _Invalid as exc:
                clean[key] = None
                errors.append(FieldError(label, exc.message, key))
            except _Warn as warn:
                clean[key] = warn.value
                warnings.append(FieldError(label, warn.message, key))
        for key, label, deferred, v in later:
            try:
                clean[key] = deferred(v, clean, today)
            except _Invalid as exc:
                errors.append(FieldError(label, exc.message, key))
            except _Warn as warn:
                clean[key] = warn.value
                warnings.append(FieldError(label, warn.message, key))
        for key, label, terms, message in self._conditions:
            if key not in empty:
                continue
            for other_key, values, multiple in terms:
                current = clean.get(other_key)
                if current is None:
                    break
                if multiple:
                    if values.isdisjoint(current):
                        break
                elif current not in values:
                    break
            else:
                errors.append(FieldError(label, message, key))
        for rule, key, label, compare_key, other_label, level in self._checks:
            value = clean.get(key)
            if value is None:
                continue
            if rule == "not_future":
                if value > today:
                    message = f"日期{value.isoformat()}晚于今天（{today.isoformat()}）"
                else:
                    continue
            else:
                other = clean.get(compare_key)  # type: ignore[arg-type]
                if other is None or value >= other:
                    continue
                message = f"日期{value.isoformat()}早于{other_label}（{other.isoformat()}）"
            target = errors if level == "error" else warnings
            target.append(FieldError(label, message, key))
        return RowResult(clean, errors, warnings)


# ---------------------------------------------------------------------------
# header mapping
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class HeaderMap:
    """How a file's columns map to a record type's fields.

    ``columns``: field key → column indexes (0-based, best match first); ``unknown`` and
    ``ignored``: headers that map to nothing (reported in ``warnings``); ``errors``: why the
    file cannot be read with this type's template (``ok`` is False then).
    """

    record_type: RecordType
    headers: list[str]
    columns: dict[str, tuple[int, ...]]
    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        multiple = {f.key for f in self.record_type.fields if f.multiple}
        self._single = tuple((k, c[0]) for k, c in self.columns.items() if len(c) == 1)
        self._merged = tuple((k, c, k in multiple) for k, c in self.columns.items() if len(c) > 1)
        self._absent = tuple(k for k in self.record_type.keys if k not in self.columns)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def message(self) -> str:
        """All errors as one Chinese sentence (empty when ok)."""
        return "；".join(self.errors)

    def row(self, values: Sequence[Any]) -> dict[str, Any]:
        """A raw row keyed by field key from a row of cell values (for validate_row)."""
        n = len(values)
        raw: dict[str, Any] = dict.fromkeys(self._absent)
        for key, index in self._single:
            raw[key] = values[index] if index < n else None
        for key, indexes, multiple in self._merged:
            found = []
            for index in indexes:
                if index < n:
                    value = values[index]
                    if value is not None and (value.__class__ is not str or value.strip(_STRIP)):
                        found.append(value)
            if not found:
                raw[key] = None
            elif multiple:
                raw[key] = "；".join(_as_text(value).strip(_STRIP) for value in found)
            else:
                raw[key] = found[0]
        return raw

    def validate(self, values: Sequence[Any], ctx: ValidationContext | None = None) -> RowResult:
        """Map and validate one row of cell values."""
        return self.record_type.validator.validate(self.row(values), ctx)


def map_headers(rt: RecordType, headers: Sequence[Any]) -> HeaderMap:
    """Match a header row to the fields of ``rt``.

    Errors (the file does not fit this template): no column matches, a required column is
    missing, or one header appears twice. Unknown and retired columns are warnings.
    """
    validator = rt.validator
    lookup = validator.header_lookup
    texts = ["" if h is None else _as_text(h).strip(_STRIP) for h in headers]
    found: dict[str, list[tuple[int, int]]] = {}
    seen: dict[str, int] = {}
    unknown: list[str] = []
    ignored: list[str] = []
    errors: list[str] = []
    warnings: list[str] = []
    template = f"《{rt.name}》"
    for index, text in enumerate(texts):
        if not text:
            continue
        folded = normalise_header(text)
        if folded in seen:
            errors.append(f"表头第{seen[folded] + 1}列与第{index + 1}列重复（“{text}”）")
            continue
        seen[folded] = index
        match = lookup.get(folded)
        if match is not None:
            key, priority = match
            found.setdefault(key, []).append((priority, index))
        elif folded in validator.ignored_headers:
            ignored.append(text)
            warnings.append(f"第{index + 1}列“{text}”是旧版模板的列，现已不用，其内容不会导入")
        else:
            unknown.append(text)
            warnings.append(f"第{index + 1}列“{text}”不是{template}模板中的列，其内容不会导入")
    columns: dict[str, tuple[int, ...]] = {}
    for f in rt.fields:
        if f.key not in found:
            continue
        ordered = tuple(index for _, index in sorted(found[f.key]))
        columns[f.key] = ordered
        if len(ordered) > 1:
            names = "、".join(f"“{texts[i]}”" for i in ordered)
            how = "合并各列的值" if f.multiple else "按此顺序取第一个非空值"
            warnings.append(f"{names}都对应字段“{f.label}”，{how}")
    if not columns:
        expected = "、".join(f"“{f.label}”" for f in rt.required_fields[:5])
        errors.insert(
            0, f"表头与{template}模板不符：没有一列能对应模板中的字段（模板的列如{expected}…）"
        )
    else:
        missing = [f.label for f in rt.fields if f.required and f.key not in columns]
        if missing:
            listed = "、".join(f"“{label}”" for label in missing)
            errors.insert(0, f"表头与{template}模板不符：缺少必填列{listed}")
    return HeaderMap(
        record_type=rt,
        headers=texts,
        columns=columns,
        unknown=unknown,
        ignored=ignored,
        errors=errors,
        warnings=warnings,
    )
