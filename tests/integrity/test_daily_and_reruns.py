"""The integrity duties of the daily job, and a re-run month moving the next month's change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from xinyong.integrity import archive
from xinyong.integrity.daily import monthly_due
from xinyong.integrity.models import DishonestItem, Evaluation, EvaluationRun, SourceChannel
from xinyong.integrity.services import evaluate_month
from xinyong.lists.models import ListEntry

SHARED = SourceChannel.SHARED


def daily(day: str) -> str:
    out = StringIO()
    call_command("daily", "--date", day, stdout=out)
    return out.getvalue()


def test_the_daily_job_evaluates_last_month_once_after_the_reporting_due_day(
    bodies,
) -> None:  # type: ignore[no-untyped-def]
    archive.add_event(bodies["edu"], "rating_bad", dt.date(2026, 9, 3), channel=SHARED)
    assert monthly_due(dt.date(2026, 10, 10)) is None  # reports for September due by the 10th
    assert "本日无需运行" in daily("2026-10-10")
    assert not EvaluationRun.objects.exists()

    out = daily("2026-10-11")
    assert "已评价2026年09月，5个评价对象、1条事件" in out
    assert Evaluation.objects.get(body=bodies["edu"], month="2026-09-01").score == Decimal("99.50")
    assert "本日无需运行" in daily("2026-10-11")  # twice the same day: nothing more
    assert "本日无需运行" in daily("2026-10-12")
    assert EvaluationRun.objects.count() == 1


def test_the_daily_job_escalates_overdue_dishonesty_items_once(bodies) -> None:  # type: ignore[no-untyped-def]
    archive.add_event(bodies["fin"], "commitment_unkept", dt.date(2026, 4, 2), channel=SHARED)
    assert "1项失信事项逾期未整改" in daily("2026-10-03")
    assert "0项失信事项逾期未整改" in daily("2026-10-03")
    assert ListEntry.objects.filter(list_code="zfsx").count() == 1
    assert DishonestItem.objects.get().escalated_on == dt.date(2026, 10, 3)


def test_a_month_re_run_after_late_data_moves_the_next_months_change(bodies) -> None:  # type: ignore[no-untyped-def]
    body = bodies["water"]
    evaluate_month(dt.date(2026, 8, 1))
    evaluate_month(dt.date(2026, 9, 1))
    september = Evaluation.objects.get(body=body, month="2026-09-01")
    assert september.delta == Decimal("0.00")

    archive.add_event(body, "violation", dt.date(2026, 8, 20), channel=SHARED)  # reported late
    run = evaluate_month(dt.date(2026, 8, 1))
    assert [c["name"] for c in run.changes] == [body.name]
    assert Evaluation.objects.get(body=body, month="2026-08-01").score == Decimal("97.00")
    september.refresh_from_db()
    # September itself still stands until re-run; its change is against the corrected August.
    assert september.score == Decimal("100.00") and september.delta == Decimal("3.00")


def test_a_preview_run_before_the_due_day_does_not_stop_the_official_run(
    bodies,
) -> None:  # type: ignore[no-untyped-def]
    run = evaluate_month(dt.date(2026, 10, 1))  # an operator's preview…
    EvaluationRun.objects.filter(pk=run.pk).update(
        started_at=dt.datetime(2026, 11, 5, 9, tzinfo=dt.UTC)  # …made on 5 November
    )
    assert monthly_due(dt.date(2026, 11, 11)) == dt.date(2026, 10, 1)
    EvaluationRun.objects.filter(pk=run.pk).update(
        started_at=dt.datetime(2026, 11, 11, 1, tzinfo=dt.UTC)  # after the due day: official
    )
    assert monthly_due(dt.date(2026, 11, 12)) is None
