"""The working-day calendar: year schedules, the errors, arithmetic and the bundled years."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

__all__ = [
    "WEEKDAY_NAMES",
    "DayInfo",
    "ScheduleError",
    "ScheduleIssue",
    "ScheduleMissing",
    "WorkCalendar",
    "YearSchedule",
    "bundled_calendar",
    "bundled_schedules",
]

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

Origin = Literal["bundled", "loaded"]


# --- errors --------------------------------------------------------------------------------


class ScheduleMissing(LookupError):
    """A date falls in a year for which no holiday schedule has been loaded.

    >>> error = ScheduleMissing(2027)
    >>> error.year, str(error)
    (2027, '2027年的法定节假日安排尚未录入，请管理员先导入该年度安排（xinyong workdays load FILE）')
    """

    __module__ = "xinyong.core.workdays"  # its public home, as before the split

    def __init__(self, year: int) -> None:
        self.year = year
        self.message = (
            f"{year}年的法定节假日安排尚未录入，"
            "请管理员先导入该年度安排（xinyong workdays load FILE）"
        )
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ScheduleIssue:
    """One problem in a schedule file; ``line`` is 1-based, ``None`` when not tied to a line."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.message}" if self.line else self.message


class ScheduleError(ValueError):
    """A schedule (file) is invalid; ``issues`` lists every problem found, each with its line."""

    __module__ = "xinyong.core.workdays"  # its public home, as before the split

    def __init__(self, issues: Iterable[ScheduleIssue | str]) -> None:
        self.issues: list[ScheduleIssue] = [
            i if isinstance(i, ScheduleIssue) else ScheduleIssue(None, i) for i in issues
        ]
        super().__init__(str(self))

    @property
    def messages(self) -> list[str]:
        return [str(i) for i in self.issues]

    def __str__(self) -> str:
        return "节假日安排有误：\n" + "\n".join(f"  {m}" for m in self.messages)


# --- one year's schedule -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class YearSchedule:
    """The official schedule of one year: holidays and weekend make-up working days, by date.

    ``origin`` is ``"bundled"`` (shipped with the software) or ``"loaded"`` (added by an
    operator).
    """

    year: int
    holidays: Mapping[date, str]
    workdays: Mapping[date, str] = field(default_factory=dict)
    source: str = ""
    note: str = ""
    origin: Origin = "loaded"

    def problems(self) -> list[str]:
        """Rule violations (dates outside the year, a weekday make-up day, a day in both sets)."""
        found = []
        for d in sorted({*self.holidays, *self.workdays}):
            if d.year != self.year:
                found.append(f"日期{d.isoformat()}不在{self.year}年内")
        for d in sorted(self.workdays):
            if d.weekday() < 5:
                found.append(
                    f"调休上班日{d.isoformat()}是{WEEKDAY_NAMES[d.weekday()]}，"
                    "调休上班日必须是周六或周日"
                )
            if d in self.holidays:
                found.append(f"{d.isoformat()}既列为放假日又列为调休上班日")
        return found

    def check(self) -> YearSchedule:
        problems = self.problems()
        if problems:
            raise ScheduleError(problems)
        return self


@dataclass(frozen=True)
class DayInfo:
    """What a calendar says about one day.

    ``kind`` is ``"holiday"`` (放假), ``"makeup"`` (调休上班), ``"weekend"`` or ``"weekday"``.
    """

    date: date
    is_workday: bool
    kind: Literal["holiday", "makeup", "weekend", "weekday"]
    name: str = ""

    def __str__(self) -> str:
        label = "工作日" if self.is_workday else "休息日"
        weekday = WEEKDAY_NAMES[self.date.weekday()]
        if self.kind == "holiday":
            return f"{self.date.isoformat()} {label} {self.name}（{weekday}，法定节假日放假）"
        if self.kind == "makeup":
            return f"{self.date.isoformat()} {label} {self.name}（{weekday}，调休上班）"
        return f"{self.date.isoformat()} {label}（{weekday}）"


# --- the calendar --------------------------------------------------------------------------


class _Segment:
    """A run of consecutive covered years with precomputed working-day indexes."""

    __slots__ = ("cum", "end", "first_year", "flags", "last_year", "ords", "start")

    def __init__(self, first_year: int, last_year: int, schedules: Mapping[int, YearSchedule]):
        self.first_year = first_year
        self.last_year = last_year
        self.start = date(first_year, 1, 1).toordinal()
        self.end = date(last_year, 12, 31).toordinal()
        size = self.end - self.start + 1
        flags = bytearray(size)
        for i in range(size):  # date.weekday() == (ordinal + 6) % 7
            flags[i] = 1 if (self.start + i + 6) % 7 < 5 else 0
        for year in range(first_year, last_year + 1):
            sched = schedules[year]
            for d in sched.holidays:
                flags[d.toordinal() - self.start] = 0
            for d in sched.workdays:
                flags[d.toordinal() - self.start] = 1
        cum = [0] * (size + 1)
        running = 0
        ords = []
        for i, flag in enumerate(flags):
            cum[i] = running
            if flag:
                running += 1
                ords.append(self.start + i)
        cum[size] = running
        self.flags = flags
        self.cum = cum  # cum[i]: working days in [start, start + i)
        self.ords = ords  # ordinals of the working days, ascending


class WorkCalendar:
    """Working-day arithmetic over the covered years.  Immutable; build a new one to change it.

    ``schedules`` may repeat a year: a later schedule replaces an earlier one (operator-loaded
    years override the bundled ones).

    >>> cal = WorkCalendar([YearSchedule(2030, {date(2030, 1, 1): "元旦"})])
    >>> cal.years
    (2030,)
    >>> cal.next_workday(date(2029, 12, 31))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    xinyong.core.workdays.ScheduleMissing: 2029年的法定节假日安排尚未录入...
    >>> cal.next_workday(date(2030, 1, 1)), cal.between(date(2030, 1, 1), date(2030, 1, 8))
    (datetime.date(2030, 1, 2), 5)
    """

    def __init__(self, schedules: Iterable[YearSchedule] = ()) -> None:
        by_year: dict[int, YearSchedule] = {}
        for sched in schedules:
            sched.check()
            by_year[sched.year] = sched
        self._schedules = dict(sorted(by_year.items()))
        self._names: dict[int, tuple[str, str]] = {}
        for sched in self._schedules.values():
            for d, name in sched.holidays.items():
                self._names[d.toordinal()] = ("holiday", name)
            for d, name in sched.workdays.items():
                self._names[d.toordinal()] = ("makeup", name)
        self._segments: dict[int, _Segment] = {}
        years = list(self._schedules)
        i = 0
        while i < len(years):
            j = i
            while j + 1 < len(years) and years[j + 1] == years[j] + 1:
                j += 1
            seg = _Segment(years[i], years[j], self._schedules)
            for y in range(years[i], years[j] + 1):
                self._segments[y] = seg
            i = j + 1

    # -- coverage --

    @property
    def years(self) -> tuple[int, ...]:
        """The covered years, ascending."""
        return tuple(self._schedules)

    @property
    def schedules(self) -> tuple[YearSchedule, ...]:
        return tuple(self._schedules.values())

    def covers(self, year: int) -> bool:
        return year in self._schedules

    def schedule(self, year: int) -> YearSchedule:
        try:
            return self._schedules[year]
        except KeyError:
            raise ScheduleMissing(year) from None

    def with_schedules(self, schedules: Iterable[YearSchedule]) -> WorkCalendar:
        """A new calendar with ``schedules`` added, replacing this calendar's same years."""
        return WorkCalendar([*self._schedules.values(), *schedules])

    def __repr__(self) -> str:
        if not self._schedules:
            return "WorkCalendar(years=())"
        return f"WorkCalendar(years={self.years[0]}..{self.years[-1]}, n={len(self._schedules)})"

    # -- lookups --

    def _segment(self, d: date) -> _Segment:
        if type(d) is not date:
            _reject_non_date(d)
        seg = self._segments.get(d.year)
        if seg is None:
            raise ScheduleMissing(d.year)
        return seg

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day (工作日)."""
        seg = self._segment(d)
        return bool(seg.flags[d.toordinal() - seg.start])

    def holiday_name(self, d: date) -> str | None:
        """The holiday's name for a holiday, the make-up day's name for a make-up working day."""
        self._segment(d)
        entry = self._names.get(d.toordinal())
        return entry[1] if entry else None

    def day(self, d: date) -> DayInfo:
        """Everything the calendar knows about ``d``."""
        workday = self.is_workday(d)
        entry = self._names.get(d.toordinal())
        if entry:
            if entry[0] == "holiday":
                return DayInfo(d, workday, "holiday", entry[1])
            return DayInfo(d, workday, "makeup", entry[1])
        return DayInfo(d, workday, "weekday" if d.weekday() < 5 else "weekend")

    # -- arithmetic --

    def add(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (before it when ``n < 0``); ``add(d, 0) == d``."""
        seg = self._segment(d)
        if n == 0:
            return d
        i = d.toordinal() - seg.start
        if n > 0:
            k = seg.cum[i + 1] + n - 1
            if k >= len(seg.ords):
                raise ScheduleMissing(seg.last_year + 1)
        else:
            k = seg.cum[i] + n
            if k < 0:
                raise ScheduleMissing(seg.first_year - 1)
        return date.fromordinal(seg.ords[k])

    def between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b < a``.

        For ``b < a`` the result is minus the working days in ``[b, a)``, so that
        ``between(d, add(d, n)) == n`` always holds.
        """
        sa = self._segment(a)
        sb = self._segment(b)
        if sa is not sb:
            raise ScheduleMissing(min(sa.last_year, sb.last_year) + 1)
        oa = a.toordinal() - sa.start
        ob = b.toordinal() - sa.start
        if ob >= oa:
            return sa.cum[ob + 1] - sa.cum[oa + 1]
        return sa.cum[ob] - sa.cum[oa]

    def next_workday(self, d: date, *, inclusive: bool = False) -> date:
        """The first working day after ``d`` (or ``d`` itself if ``inclusive`` and a workday)."""
        if inclusive and self.is_workday(d):
            return d
        return self.add(d, 1)

    def previous_workday(self, d: date, *, inclusive: bool = False) -> date:
        """The last working day before ``d`` (or ``d`` itself if ``inclusive`` and a workday)."""
        if inclusive and self.is_workday(d):
            return d
        return self.add(d, -1)

    def workdays_in_year(self, year: int) -> int:
        seg = self._segments.get(year)
        if seg is None:
            raise ScheduleMissing(year)
        first = date(year, 1, 1).toordinal() - seg.start
        last = date(year, 12, 31).toordinal() - seg.start
        return seg.cum[last + 1] - seg.cum[first]


def _reject_non_date(d: object) -> None:
    if isinstance(d, datetime):
        raise TypeError(
            "工作日计算需要日期（date），不接受带时间的datetime；"
            "请先换算为本地日期，例如 django.utils.timezone.localdate(value)"
        )
    if not isinstance(d, date):
        raise TypeError(f"工作日计算需要日期（date），收到的是{type(d).__name__}")


# --- bundled years (from chinese_calendar's data tables) ----------------------------------

_CC_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@functools.cache
def bundled_schedules() -> tuple[YearSchedule, ...]:
    """One schedule per year covered by the installed ``chinese_calendar`` data tables."""
    import chinese_calendar
    from chinese_calendar import constants

    def chinese(name: str) -> str:
        if name in _CC_NAMES:
            return _CC_NAMES[name]
        try:
            return str(constants.Holiday(name).chinese)
        except ValueError:
            return name

    version = getattr(chinese_calendar, "__version__", "")
    holidays: dict[int, dict[date, str]] = {}
    workdays: dict[int, dict[date, str]] = {}
    for d, name in constants.holidays.items():
        holidays.setdefault(d.year, {})[d] = chinese(name)
    for d, name in constants.workdays.items():
        workdays.setdefault(d.year, {})[d] = f"{chinese(name)}调休"
    # Only years the tables mention: a year they skip is missing, never weekend-only.
    years = sorted({*holidays, *workdays})
    return tuple(
        YearSchedule(
            year,
            dict(sorted(holidays.get(year, {}).items())),
            dict(sorted(workdays.get(year, {}).items())),
            source=f"国务院办公厅{year}年部分节假日安排（随软件内置，chinese_calendar {version}）",
            origin="bundled",
        )
        for year in years
    )


@functools.cache
def bundled_calendar() -> WorkCalendar:
    """The calendar of the bundled years only (no operator-loaded years)."""
    return WorkCalendar(bundled_schedules())


# --- schedule files (YAML or CSV) ----------------------------------------------------------
