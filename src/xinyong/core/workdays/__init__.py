"""Working days (工作日) following the official holiday schedule (法定节假日与调休), R-ING-3.

A :class:`WorkCalendar` is built from one :class:`YearSchedule` per covered year: the holidays
(放假日, each with its name such as 国庆节) and the make-up working days (调休上班日, always a
Saturday or Sunday).  Inside a covered year a day is a working day when it is a make-up working
day, or a Monday–Friday that is not a holiday.  A date in a year without a schedule is never
guessed: every question about it raises :class:`ScheduleMissing`, whose Chinese message names the
year and says how to load it.

The bundled years come from the ``chinese_calendar`` package's data tables
(:func:`bundled_schedules`); operators add later years with schedule files in YAML or CSV
(:func:`parse_schedule`).

Arithmetic (all O(1) after a one-off precomputation per calendar):

* ``add(d, n)``: the n-th working day after ``d`` (``n > 0``), the ``|n|``-th working day before
  ``d`` (``n < 0``), and ``d`` itself for ``n == 0`` (whether or not ``d`` is a working day).
* ``between(a, b)``: the number of working days after ``a`` up to and including ``b`` (for
  ``b >= a``); for ``b < a`` it is minus the number of working days from ``b`` up to but
  excluding ``a``.  So ``between(d, add(d, n)) == n`` for every ``n``, and a record received on
  ``r`` for a decision dated ``d`` is within 7 working days exactly when ``between(d, r) <= 7``.

>>> cal = bundled_calendar()
>>> cal.is_workday(date(2024, 10, 1)), cal.holiday_name(date(2024, 10, 1))
(False, '国庆节')
>>> cal.is_workday(date(2024, 9, 29))          # a Sunday, but 国庆节调休 make-up day
True
>>> cal.add(date(2024, 9, 30), 1)              # Oct 1–7 off
datetime.date(2024, 10, 8)
>>> cal.between(date(2024, 9, 30), date(2024, 10, 8))
1
>>> cal.add(date(2024, 10, 8), -1)
datetime.date(2024, 9, 30)
>>> cal.add(date(2099, 1, 4), 1)  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
xinyong.core.workdays.ScheduleMissing: 2099年的法定节假日安排尚未录入，请管理员先导入该年度安排...
"""

from __future__ import annotations

from datetime import date  # noqa: F401  (used by the doctest above)

from xinyong.core.workdays.schedule_files import parse_schedule, schedule_to_yaml
from xinyong.core.workdays.work_calendar import (
    WEEKDAY_NAMES,
    DayInfo,
    ScheduleError,
    ScheduleIssue,
    ScheduleMissing,
    WorkCalendar,
    YearSchedule,
    bundled_calendar,
    bundled_schedules,
)

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
    "parse_schedule",
    "schedule_to_yaml",
]
