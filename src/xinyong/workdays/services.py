"""The working-day calendar of the platform: bundled years plus operator-loaded years.

Call sites that do many computations (an import checking timeliness for every row) take the
calendar once per batch and reuse it::

    cal = get_calendar()
    late = cal.between(decision_date, received_date) > 7

``get_calendar()`` costs one small query (a version check); the calendar is rebuilt only when a
schedule was loaded, edited or deleted since.  A date in a year without a schedule raises
:class:`xinyong.core.workdays.ScheduleMissing`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from xinyong.audit.services import record
from xinyong.core.workdays import (
    ScheduleError,
    ScheduleMissing,
    WorkCalendar,
    YearSchedule,
    bundled_calendar,
    bundled_schedules,
    parse_schedule,
)
from xinyong.workdays.models import DayKind, HolidaySchedule, ScheduleDay

__all__ = [
    "CoveredYear",
    "ScheduleError",
    "ScheduleMissing",
    "covered_years",
    "delete_schedule",
    "get_calendar",
    "invalidate",
    "load_schedule",
    "read_schedule",
    "touch",
]

_lock = threading.Lock()
_cache: tuple[Any, WorkCalendar] | None = None
_generation = 0  # bumped by in-process changes, so they never wait for the version check


def _db_version() -> tuple[Any, ...]:
    agg = HolidaySchedule.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (_generation, agg["n"], agg["last"])


def invalidate() -> None:
    """Forget the cached calendar (called whenever a schedule changes)."""
    global _cache, _generation
    with _lock:
        _generation += 1
        _cache = None


def get_calendar(refresh: bool = False) -> WorkCalendar:
    """The working-day calendar: bundled years, overridden/extended by the loaded years.

    Cached per process; each call checks a cheap version (count and latest change of the loaded
    schedules) and rebuilds only if it changed, or always when ``refresh`` is true.
    """
    global _cache
    version = _db_version()
    with _lock:
        if not refresh and _cache is not None and _cache[0] == version:
            return _cache[1]
    loaded = [s.to_year_schedule() for s in HolidaySchedule.objects.prefetch_related("days")]
    calendar = bundled_calendar().with_schedules(loaded) if loaded else bundled_calendar()
    with _lock:
        _cache = (version, calendar)
    return calendar


def read_schedule(path_or_text: str | Path | bytes, *, filename: str = "") -> YearSchedule:
    """Parse and validate a schedule given as a file path, its text, or its bytes."""
    data: str | bytes
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str)
        and "\n" not in path_or_text
        and (
            path_or_text.lower().endswith((".yaml", ".yml", ".csv")) or Path(path_or_text).is_file()
        )
    ):
        path = Path(path_or_text)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ScheduleError([f"无法读取文件{path}：{exc.strerror or exc}"]) from None
        filename = filename or path.name
    else:
        data = path_or_text
    return parse_schedule(data, filename=filename)


def load_schedule(
    path_or_text: str | Path | bytes | YearSchedule,
    user: Any = None,
    *,
    filename: str = "",
) -> HolidaySchedule:
    """Validate a schedule and replace that year's loaded schedule with it, atomically.

    Raises :class:`ScheduleError` (changing nothing) if the file is invalid.  Writes an audit
    event (``create`` for a new year, ``update`` when replacing one).
    """
    if isinstance(path_or_text, YearSchedule):
        sched = path_or_text.check()
    else:
        sched = read_schedule(path_or_text, filename=filename)
    actor = user if getattr(user, "pk", None) else None
    bundled_years = {s.year for s in bundled_schedules()}
    with transaction.atomic():
        existing = HolidaySchedule.objects.select_for_update().filter(year=sched.year).first()
        before = None
        if existing is None:
            schedule = HolidaySchedule(year=sched.year)
        else:
            schedule = existing
            before = {
                "source": existing.source,
                "holidays": existing.days.filter(kind=DayKind.HOLIDAY).count(),
                "workdays": existing.days.filter(kind=DayKind.WORKDAY).count(),
            }
        schedule.source = sched.source[:300]
        schedule.note = sched.note
        schedule.loaded_at = timezone.now()
        schedule.loaded_by = actor
        schedule.save()
        if existing is not None:
            existing.days.all().delete()
        ScheduleDay.objects.bulk_create(
            [
                ScheduleDay(schedule=schedule, date=d, kind=DayKind.HOLIDAY, name=name)
                for d, name in sched.holidays.items()
            ]
            + [
                ScheduleDay(schedule=schedule, date=d, kind=DayKind.WORKDAY, name=name)
                for d, name in sched.workdays.items()
            ]
        )
        overrides = "，覆盖内置安排" if sched.year in bundled_years else ""
        summary = (
            f"{'更新' if existing else '导入'}{sched.year}年节假日安排："
            f"放假{len(sched.holidays)}天、"
            f"调休上班{len(sched.workdays)}天{overrides}（来源：{sched.source}）"
        )
        record(
            user,
            "update" if existing else "create",
            summary,
            obj=schedule,
            detail={
                "year": sched.year,
                "source": sched.source,
                "holidays": len(sched.holidays),
                "workdays": len(sched.workdays),
                "filename": filename,
                "overrides_bundled": bool(overrides),
                "before": before,
            },
        )
        transaction.on_commit(invalidate)
    invalidate()
    return schedule


def delete_schedule(schedule: HolidaySchedule, user: Any = None) -> None:
    """Delete a loaded year (the bundled schedule of that year, if any, applies again)."""
    with transaction.atomic():
        record(
            user,
            "delete",
            f"删除{schedule.year}年节假日安排（来源：{schedule.source}）",
            obj=schedule,
            detail={"year": schedule.year, "source": schedule.source},
        )
        schedule.delete()
        transaction.on_commit(invalidate)
    invalidate()


def touch(schedule: HolidaySchedule) -> None:
    """Mark a schedule as changed (after editing its days directly) so calendars are rebuilt."""
    HolidaySchedule.objects.filter(pk=schedule.pk).update(updated_at=timezone.now())
    invalidate()


@dataclass(frozen=True)
class CoveredYear:
    year: int
    origin: str  # "bundled" or "loaded"
    source: str
    holidays: int
    workdays: int
    loaded_at: datetime | None = None
    loaded_by: str = ""
    overrides_bundled: bool = False

    @property
    def origin_label(self) -> str:
        if self.origin == "bundled":
            return "内置"
        return "已导入（覆盖内置）" if self.overrides_bundled else "已导入"


def covered_years() -> list[CoveredYear]:
    """Every covered year, ascending, with where its schedule comes from."""
    bundled = {s.year: s for s in bundled_schedules()}
    out: dict[int, CoveredYear] = {
        year: CoveredYear(year, "bundled", s.source, len(s.holidays), len(s.workdays))
        for year, s in bundled.items()
    }
    qs = HolidaySchedule.objects.select_related("loaded_by").annotate(
        n_holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
        n_workdays=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
    )
    for s in qs:
        out[s.year] = CoveredYear(
            s.year,
            "loaded",
            s.source,
            s.n_holidays,
            s.n_workdays,
            loaded_at=s.loaded_at,
            loaded_by=s.loaded_by.get_username() if s.loaded_by else "",
            overrides_bundled=s.year in bundled,
        )
    return [out[y] for y in sorted(out)]
