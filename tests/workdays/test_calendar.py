"""The working-day calendar itself (xinyong.core.workdays), from the bundled years."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.core.workdays import (
    ScheduleMissing,
    WorkCalendar,
    YearSchedule,
    bundled_calendar,
    bundled_schedules,
)

D = date.fromisoformat


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return bundled_calendar()


def days(start: str, end: str) -> list[date]:
    a, b = D(start), D(end)
    return [a + timedelta(i) for i in range((b - a).days + 1)]


def naive_between(cal: WorkCalendar, a: date, b: date) -> int:
    if b >= a:
        return sum(cal.is_workday(a + timedelta(i)) for i in range(1, (b - a).days + 1))
    return -sum(cal.is_workday(b + timedelta(i)) for i in range((a - b).days))


def test_bundled_years_cover_2004_to_2026_from_chinese_calendar(cal: WorkCalendar) -> None:
    assert cal.years == tuple(range(2004, 2027))
    assert all(s.origin == "bundled" for s in bundled_schedules())
    assert "chinese_calendar" in cal.schedule(2024).source


def test_national_day_2024_is_october_1_to_7_with_sep_29_and_oct_12_made_up(
    cal: WorkCalendar,
) -> None:
    for d in days("2024-10-01", "2024-10-07"):
        assert not cal.is_workday(d), d
        assert cal.holiday_name(d) == "国庆节"
    assert D("2024-09-29").weekday() == 6 and cal.is_workday(D("2024-09-29"))
    assert D("2024-10-12").weekday() == 5 and cal.is_workday(D("2024-10-12"))
    assert cal.holiday_name(D("2024-09-29")) == "国庆节调休"
    assert cal.is_workday(D("2024-09-30")) and cal.is_workday(D("2024-10-08"))
    assert not cal.is_workday(D("2024-10-13"))  # an ordinary Sunday


def test_national_day_2025_is_october_1_to_8_with_sep_28_and_oct_11_made_up(
    cal: WorkCalendar,
) -> None:
    for d in days("2025-10-01", "2025-10-08"):
        assert not cal.is_workday(d), d
    # 2025: National Day and Mid-Autumn Festival (Oct 6) together.
    assert cal.holiday_name(D("2025-10-01")) == "国庆节"
    assert cal.holiday_name(D("2025-10-06")) == "中秋节"
    for made_up in ("2025-09-28", "2025-10-11"):
        assert D(made_up).weekday() >= 5
        assert cal.is_workday(D(made_up)), made_up
    assert cal.is_workday(D("2025-10-09"))


def test_spring_festival_2026_is_february_15_to_23_with_feb_14_and_28_made_up(
    cal: WorkCalendar,
) -> None:
    # From chinese_calendar 1.11: 春节 2026-02-15 (Sun) … 2026-02-23 (Mon), 9 days;
    # make-up working days Saturday 2026-02-14 and Saturday 2026-02-28.
    for d in days("2026-02-15", "2026-02-23"):
        assert not cal.is_workday(d), d
        assert cal.holiday_name(d) == "春节"
    assert cal.is_workday(D("2026-02-13"))  # Friday before
    assert cal.is_workday(D("2026-02-14")) and cal.holiday_name(D("2026-02-14")) == "春节调休"
    assert cal.is_workday(D("2026-02-24"))  # Tuesday after
    assert cal.is_workday(D("2026-02-28")) and D("2026-02-28").weekday() == 5
    assert not cal.is_workday(D("2026-03-01"))


def test_an_ordinary_week_has_five_working_days(cal: WorkCalendar) -> None:
    assert [cal.is_workday(d) for d in days("2024-11-04", "2024-11-10")] == [True] * 5 + [False] * 2
    assert cal.holiday_name(D("2024-11-04")) is None


def test_add_skips_the_national_day_week_and_counts_the_make_up_saturday(
    cal: WorkCalendar,
) -> None:
    assert cal.add(D("2024-09-30"), 1) == D("2024-10-08")
    assert cal.add(D("2024-09-28"), 1) == D("2024-09-29")  # Saturday → the make-up Sunday
    assert cal.add(D("2024-09-27"), 7) == D("2024-10-12")  # 29, 30, 8, 9, 10, 11, 12 (Sat)
    assert cal.add(D("2024-10-01"), 5) == D("2024-10-12")
    assert cal.add(D("2025-09-30"), 1) == D("2025-10-09")
    assert cal.add(D("2025-09-26"), 7) == D("2025-10-13")  # 28, 29, 30, 9, 10, 11, 13
    assert cal.add(D("2026-02-13"), 1) == D("2026-02-14")
    assert cal.add(D("2026-02-14"), 1) == D("2026-02-24")


def test_add_with_a_negative_n_goes_back_over_holidays(cal: WorkCalendar) -> None:
    assert cal.add(D("2024-10-08"), -1) == D("2024-09-30")
    assert cal.add(D("2024-10-08"), -2) == D("2024-09-29")
    assert cal.add(D("2024-10-05"), -1) == D("2024-09-30")
    assert cal.add(D("2026-02-24"), -1) == D("2026-02-14")
    assert cal.add(D("2026-02-24"), -2) == D("2026-02-13")


def test_add_zero_returns_the_date_itself_even_on_a_holiday(cal: WorkCalendar) -> None:
    assert cal.add(D("2024-10-03"), 0) == D("2024-10-03")
    assert cal.add(D("2024-10-08"), 0) == D("2024-10-08")


def test_add_crosses_year_boundaries_inside_the_covered_range(cal: WorkCalendar) -> None:
    assert cal.add(D("2025-12-31"), 1) == D("2026-01-04")  # Jan 1–3 off, Sunday Jan 4 made up
    assert cal.add(D("2026-01-04"), -1) == D("2025-12-31")
    assert cal.between(D("2025-12-31"), D("2026-01-05")) == 2


def test_between_counts_working_days_after_a_up_to_and_including_b(cal: WorkCalendar) -> None:
    assert cal.between(D("2024-09-30"), D("2024-09-30")) == 0
    assert cal.between(D("2024-09-30"), D("2024-10-07")) == 0
    assert cal.between(D("2024-09-30"), D("2024-10-08")) == 1
    assert cal.between(D("2024-09-27"), D("2024-10-12")) == 7
    assert cal.between(D("2024-10-12"), D("2024-09-27")) == -7
    # 2024: 262 weekdays − 19 weekday holidays + 8 make-up days = 251 working days; Jan 1 is off.
    assert cal.workdays_in_year(2024) == 251
    assert cal.between(D("2024-01-01"), D("2024-12-31")) == 251
    assert cal.between(D("2023-12-31"), D("2024-12-31")) == 251


def test_a_record_received_within_seven_working_days_is_on_time(cal: WorkCalendar) -> None:
    decision = D("2024-09-27")
    deadline = cal.add(decision, 7)
    assert deadline == D("2024-10-12")
    assert cal.between(decision, D("2024-10-12")) <= 7
    assert cal.between(decision, D("2024-10-13")) <= 7  # Sunday: still no 8th working day
    assert cal.between(decision, D("2024-10-14")) == 8  # late


def test_next_and_previous_workday(cal: WorkCalendar) -> None:
    assert cal.next_workday(D("2024-10-01")) == D("2024-10-08")
    assert cal.next_workday(D("2024-10-08")) == D("2024-10-09")
    assert cal.next_workday(D("2024-10-08"), inclusive=True) == D("2024-10-08")
    assert cal.next_workday(D("2024-10-01"), inclusive=True) == D("2024-10-08")
    assert cal.previous_workday(D("2024-10-08")) == D("2024-09-30")
    assert cal.previous_workday(D("2024-09-30"), inclusive=True) == D("2024-09-30")


def test_a_year_without_a_schedule_raises_with_the_year_in_the_message(
    cal: WorkCalendar,
) -> None:
    for call in (
        lambda: cal.is_workday(D("2027-01-04")),
        lambda: cal.add(D("2027-01-04"), 3),
        lambda: cal.between(D("2027-01-04"), D("2027-01-05")),
        lambda: cal.holiday_name(D("2027-10-01")),
        lambda: cal.next_workday(D("2027-01-04")),
    ):
        with pytest.raises(ScheduleMissing) as info:
            call()
        assert info.value.year == 2027
        assert "2027年的法定节假日安排尚未录入" in str(info.value)
        assert "xinyong workdays load" in str(info.value)
    with pytest.raises(ScheduleMissing, match="2003年"):
        cal.is_workday(D("2003-06-02"))


def test_running_past_the_last_covered_year_names_the_missing_year(cal: WorkCalendar) -> None:
    with pytest.raises(ScheduleMissing) as info:
        cal.add(D("2026-12-28"), 10)
    assert info.value.year == 2027
    with pytest.raises(ScheduleMissing) as info:
        cal.between(D("2026-12-28"), D("2027-01-05"))
    assert info.value.year == 2027
    with pytest.raises(ScheduleMissing) as info:
        cal.add(D("2004-01-05"), -10)
    assert info.value.year == 2003


def test_a_gap_between_covered_years_is_never_guessed() -> None:
    base = bundled_calendar()
    y2028 = YearSchedule(2028, {D("2028-01-03"): "元旦"})
    cal = base.with_schedules([y2028])
    assert cal.covers(2028) and not cal.covers(2027)
    assert cal.add(D("2028-01-01"), 1) == D("2028-01-04")
    with pytest.raises(ScheduleMissing) as info:
        cal.between(D("2026-12-01"), D("2028-01-05"))
    assert info.value.year == 2027
    with pytest.raises(ScheduleMissing) as info:
        cal.add(D("2028-01-04"), -5)
    assert info.value.year == 2027


def test_a_later_schedule_replaces_the_same_year() -> None:
    override = YearSchedule(2026, {D("2026-03-02"): "测试假日"})
    cal = bundled_calendar().with_schedules([override])
    assert not cal.is_workday(D("2026-03-02"))
    assert cal.is_workday(D("2026-10-08"))  # 2026's bundled days are gone
    assert cal.is_workday(D("2026-10-01"))
    assert bundled_calendar().is_workday(D("2026-03-02"))  # the original is unchanged


def test_datetimes_are_refused_so_timezones_are_not_silently_dropped(cal: WorkCalendar) -> None:
    with pytest.raises(TypeError, match="localdate"):
        cal.is_workday(datetime(2024, 10, 8, 12, 0))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cal.add("2024-10-08", 1)  # type: ignore[arg-type]


def test_an_invalid_schedule_cannot_build_a_calendar() -> None:
    from xinyong.core.workdays import ScheduleError

    with pytest.raises(ScheduleError, match="周六或周日"):
        WorkCalendar([YearSchedule(2030, {}, {D("2030-01-02"): "调休"})])
    with pytest.raises(ScheduleError, match="不在2030年内"):
        WorkCalendar([YearSchedule(2030, {D("2031-01-01"): "元旦"})])


covered_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=300, deadline=None)
@given(covered_dates, covered_dates)
def test_between_agrees_with_counting_day_by_day(a: date, b: date) -> None:
    cal = bundled_calendar()
    if abs((b - a).days) > 800:
        b = a + timedelta(days=(b - a).days % 800)
        if b.year > 2026:
            return
    assert cal.between(a, b) == naive_between(cal, a, b)


@settings(max_examples=300, deadline=None)
@given(covered_dates, st.integers(min_value=-300, max_value=300))
def test_add_is_the_inverse_of_between(d: date, n: int) -> None:
    cal = bundled_calendar()
    try:
        e = cal.add(d, n)
    except ScheduleMissing:
        return
    assert cal.between(d, e) == n
    if n > 0:
        assert cal.is_workday(e) and e > d
        assert cal.between(d, e - timedelta(days=1)) == n - 1
    elif n < 0:
        assert cal.is_workday(e) and e < d


def test_two_hundred_thousand_calls_take_well_under_a_second_or_two(cal: WorkCalendar) -> None:
    start = D("2020-01-01")
    dates = [start + timedelta(days=i % 2000) for i in range(100_000)]
    t0 = time.perf_counter()
    for d in dates:
        cal.between(d, cal.add(d, 7))
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0, elapsed
