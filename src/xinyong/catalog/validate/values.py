"""Shared constants, the result types, and value helpers (text, dates, spreadsheet cells)."""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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
