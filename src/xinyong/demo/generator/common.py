"""Shared constants and small helpers: amounts and durations in words, working days."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable
from decimal import Decimal

from xinyong.core.workdays import ScheduleMissing, WorkCalendar

DEFAULT_PASSWORD = "demo12345"  # noqa: S105 - the demo's published password
OPERATOR_USERNAME = "xyb"
YEARS = 3

LEGAL = "法人及非法人组织"
INDIVIDUAL = "个体工商户"
NATURAL = "自然人"

Log = Callable[[str], None]


# ---------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_CN_NUMBERS = "零一二三四五六七八九十"


def yuan_in_words(amount: int) -> str:
    """An amount of yuan in the capital numerals of decisions (大写金额).

    >>> yuan_in_words(5000), yuan_in_words(12500), yuan_in_words(100200), yuan_in_words(0)
    ('伍仟元整', '壹万贰仟伍佰元整', '壹拾万零贰佰元整', '零元整')
    """
    if amount == 0:
        return "零元整"

    def section(n: int) -> str:
        out = ""
        zero = False
        for pos in range(3, -1, -1):
            d = n // 10**pos % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            out += _DIGITS[d] + _SMALL_UNITS[pos]
        return out

    parts: list[str] = []
    units = ("", "万", "亿")
    n = amount
    i = 0
    sections: list[tuple[int, int]] = []
    while n:
        sections.append((n % 10000, i))
        n //= 10000
        i += 1
    previous_low = False
    for value, idx in reversed(sections):
        if value == 0:
            previous_low = True
            continue
        if parts and (previous_low or value < 1000):
            parts.append("零")
        parts.append(section(value) + units[idx])
        previous_low = False
    return "".join(parts) + "元整"


def days_in_words(n: int) -> str:
    """Small numbers as written in decisions: 5 → 五, 10 → 十, 15 → 十五, 20 → 二十."""
    if n <= 10:
        return _CN_NUMBERS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUMBERS[tens]) + "十" + (_CN_NUMBERS[ones] if ones else "")


def wan(yuan: int) -> str:
    """Yuan as the 万元 figure of the 双公示 standard: 5000 → '0.5'."""
    return format(Decimal(yuan).scaleb(-4).normalize(), "f")


def nice(value: float) -> int:
    """Round an amount the way fines are set: to 50, 100, 1000 or 10000 yuan."""
    step = 50 if value < 1000 else 100 if value < 10000 else 1000 if value < 100000 else 10000
    return max(step, round(value / step) * step)


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class Days:
    """The working-day calendar, falling back to Monday–Friday for years it does not cover."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.cal = calendar

    def is_workday(self, d: dt.date) -> bool:
        try:
            return self.cal.is_workday(d)
        except ScheduleMissing:
            return d.weekday() < 5

    def add(self, d: dt.date, n: int) -> dt.date:
        try:
            return self.cal.add(d, n)
        except ScheduleMissing:
            step = 1 if n > 0 else -1
            while n:
                d += dt.timedelta(days=step)
                if self.is_workday(d):
                    n -= step
            return d


def _placeholders(template: str) -> tuple[str, ...]:
    # Sorted, not set order: set order of strings changes with each process's hash seed,
    # and the random draws made per placeholder must not (same seed, same county).
    return tuple(sorted({name for _, name, _, _ in string.Formatter().parse(template) if name}))


_PLACEHOLDERS: dict[str, tuple[str, ...]] = {}


def _fields_of(template: str) -> tuple[str, ...]:
    found = _PLACEHOLDERS.get(template)
    if found is None:
        found = _PLACEHOLDERS[template] = _placeholders(template)
    return found
