"""The daily job: publicity expiry, list expiry, deadline reminders — safe to run twice."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from tests.repair.factories import apply_values, checked_by, entry

from xinyong.audit.models import AuditEvent
from xinyong.core.publicity import add_months
from xinyong.jrp.models import Notice
from xinyong.lists.models import EntryStatus, ListEvent
from xinyong.records.models import CreditRecord, RecordStatus
from xinyong.repair import services
from xinyong.repair.daily import run_daily
from xinyong.repair.models import PublicityExpiry
from xinyong.workdays.services import get_calendar


def _state() -> tuple[object, ...]:
    return (
        sorted(PublicityExpiry.objects.values_list("record_id", "expired_on", "noticed")),
        sorted(Notice.objects.values_list("department_id", "kind", "title")),
        sorted(ListEvent.objects.values_list("entry_id", "kind", "date")),
        AuditEvent.objects.filter(object_type="repair.daily").count(),
    )


def test_the_daily_job_run_twice_leaves_the_same_state(
    company, person, make_penalty, market_dept, tax_dept, today
):
    # a penalty whose longest period (1 year) ended yesterday, one still public
    gone = make_penalty(company, add_months(today, -12) - dt.timedelta(days=1))
    kept = make_penalty(person, add_months(today, -4), department=tax_dept)
    assert gone.publicity_end < today <= kept.publicity_end
    checked_by(tax_dept, company)
    ended = entry(
        company,
        "serious",
        department=market_dept,
        start=today - dt.timedelta(days=900),
        end=today - dt.timedelta(days=1),
    )
    application, _ = services.submit_application(record=kept, **apply_values("11010519491231002X"))
    # the job runs on the last day for accepting the application
    day = application.accept_due

    first = run_daily(day)
    assert first.expired_records == 1
    assert first.expiry_notices == 1
    assert first.expired_entries == 1
    assert first.reminders == 1
    expiry = PublicityExpiry.objects.get()
    assert expiry.record_id == gone.pk and expiry.expired_on == gone.publicity_end + dt.timedelta(1)
    assert expiry.noticed == 1
    assert (
        Notice.objects.get(department=tax_dept, kind="expiry").title == f"公示期满：{company.name}"
    )
    reminder = Notice.objects.get(department=tax_dept, kind="repair_due")
    assert application.tracking_no in reminder.title and "今天到期" in reminder.body
    ended.refresh_from_db()
    assert ended.status == EntryStatus.EXPIRED
    assert not CreditRecord.objects.public(day).filter(pk=gone.pk).exists()
    gone.refresh_from_db()
    assert gone.status == RecordStatus.ACTIVE  # publication stopped by date, history unchanged
    state = _state()

    second = run_daily(day)
    assert (second.expired_records, second.expired_entries, second.reminders) == (0, 0, 0)
    assert _state() == state


def test_an_overdue_application_is_reminded_once_a_day(company, make_penalty, today):
    application, _ = services.submit_application(
        record=make_penalty(company, add_months(today, -4)), **apply_values()
    )
    later = get_calendar().add(today, 4)
    assert run_daily(later).overdue == 1
    assert run_daily(later).reminders == 0
    assert Notice.objects.filter(kind="repair_due").count() == 1
    assert "已超期" in Notice.objects.get(kind="repair_due").title
    assert application.department_id is not None


def test_the_daily_command_prints_what_it_did_in_chinese(company, make_penalty, today):
    make_penalty(company, add_months(today, -12) - dt.timedelta(days=3))
    out = io.StringIO()
    call_command("daily", "--date", today.isoformat(), stdout=out)
    text = out.getvalue()
    assert f"每日任务（{today:%Y年%m月%d日}）" in text
    assert "公示期满停止公示的信用记录：1条" in text
    # one cron line runs every daily job: objections and commitments too
    assert "异议处理期限提醒：0件" in text and "没有逾期未补齐材料的容缺受理承诺" in text
    out = io.StringIO()
    call_command("daily", "--date", today.isoformat(), stdout=out)
    assert "公示期满停止公示的信用记录：0条" in out.getvalue()
