"""The platform's calendar: bundled years plus operator-loaded years (xinyong.workdays)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import xinyong.workdays
from xinyong.audit.models import AuditEvent
from xinyong.core.workdays import ScheduleError, ScheduleMissing
from xinyong.departments.models import User
from xinyong.workdays import services
from xinyong.workdays.models import HolidaySchedule, ScheduleDay

EXAMPLE = Path(xinyong.workdays.__file__).parent / "examples" / "2027-example.yaml"
D = date.fromisoformat

pytestmark = pytest.mark.django_db


def test_without_loaded_years_the_calendar_is_the_bundled_one() -> None:
    cal = services.get_calendar()
    assert cal.years[0] == 2004 and cal.years[-1] == 2026
    with pytest.raises(ScheduleMissing, match="2027年"):
        cal.add(D("2027-01-04"), 1)


def test_loading_a_year_extends_the_calendar_and_is_audited(operator: User) -> None:
    before = services.get_calendar()
    schedule = services.load_schedule(EXAMPLE, operator)
    assert schedule.year == 2027 and schedule.loaded_by == operator
    assert ScheduleDay.objects.filter(schedule=schedule).count() == 29 + 5
    cal = services.get_calendar()
    assert cal is not before and cal.covers(2027)
    assert cal.add(D("2027-09-30"), 1) == D("2027-10-08")
    assert cal.is_workday(D("2027-10-09"))  # example make-up Saturday
    assert cal.between(D("2026-12-31"), D("2027-01-04")) == 1
    event = AuditEvent.objects.get(object_type="workdays.holidayschedule")
    assert event.action == "create" and event.actor == operator
    assert "2027年" in event.summary and event.detail["holidays"] == 29


def test_loading_the_same_year_again_replaces_it_and_is_an_update(operator: User) -> None:
    services.load_schedule(EXAMPLE, operator)
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "    dates: [2027-06-09]\n", "    dates: [2027-06-10]\n"
    )
    services.load_schedule(text, operator)
    assert HolidaySchedule.objects.count() == 1
    cal = services.get_calendar()
    assert cal.is_workday(D("2027-06-09")) and not cal.is_workday(D("2027-06-10"))
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["create", "update"]


def test_a_bad_schedule_changes_nothing(operator: User) -> None:
    services.load_schedule(EXAMPLE, operator)
    bad = EXAMPLE.read_text(encoding="utf-8").replace("date: 2027-10-09", "date: 2027-10-08")
    bad = bad.replace("from: 2027-01-01", "from: 2026-12-31")
    with pytest.raises(ScheduleError) as info:
        services.load_schedule(bad, operator)
    text = str(info.value)
    assert "2026-12-31至2027-01-03跨年" in text and "2027-10-08是星期五" in text
    assert ScheduleDay.objects.filter(date=D("2027-10-09"), kind="workday").exists()
    assert AuditEvent.objects.count() == 1
    assert services.get_calendar().is_workday(D("2027-10-09"))


def test_a_loaded_year_overrides_the_bundled_year_until_deleted(operator: User) -> None:
    text = "year: 2026\nsource: 测试覆盖\nholidays:\n  - {name: 测试假日, date: 2026-03-02}\n"
    schedule = services.load_schedule(text, operator)
    cal = services.get_calendar()
    assert not cal.is_workday(D("2026-03-02")) and cal.is_workday(D("2026-10-01"))
    assert "覆盖内置安排" in AuditEvent.objects.get().summary
    loaded = [y for y in services.covered_years() if y.year == 2026]
    assert loaded[0].origin_label == "已导入（覆盖内置）"
    services.delete_schedule(schedule, operator)
    cal = services.get_calendar()
    assert cal.is_workday(D("2026-03-02")) and not cal.is_workday(D("2026-10-01"))


def test_the_calendar_is_cached_until_a_schedule_changes(
    operator, django_assert_num_queries
) -> None:
    first = services.get_calendar()
    with django_assert_num_queries(1):  # the version check only
        assert services.get_calendar() is first
    schedule = services.load_schedule(EXAMPLE, operator)
    second = services.get_calendar()
    assert second is not first and services.get_calendar() is second
    # An edit made elsewhere (another process, the admin) is seen through the version check.
    ScheduleDay.objects.filter(date=D("2027-06-09")).update(date=D("2027-06-08"))
    services.touch(schedule)
    third = services.get_calendar()
    assert third.is_workday(D("2027-06-09")) and not third.is_workday(D("2027-06-08"))
    assert services.get_calendar(refresh=True) is not third


def test_covered_years_lists_bundled_and_loaded_years(operator: User) -> None:
    services.load_schedule(EXAMPLE, operator)
    years = services.covered_years()
    assert [y.year for y in years] == list(range(2004, 2028))
    assert years[0].origin == "bundled" and years[-1].origin == "loaded"
    assert years[-1].loaded_by == operator.username and years[-1].holidays == 29
