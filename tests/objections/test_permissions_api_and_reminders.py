"""Who may see and answer an objection (pages and API), and the daily reminders."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from tests.objections.helpers import DAY, file_on

from xinyong.audit.models import AuditEvent
from xinyong.departments.models import User
from xinyong.jrp.models import Notice
from xinyong.objections import services
from xinyong.objections.models import Outcome, Status
from xinyong.records.models import CreditRecord

ACCEPTED = dt.date(2026, 6, 2)


def _accepted(operator: User, record: CreditRecord) -> object:
    objection, _ = file_on(record)
    return services.accept(operator, objection, today=ACCEPTED)


def test_a_department_cannot_answer_another_departments_objection(
    client: Client, operator: User, tax_submitter: User, record: CreditRecord
) -> None:
    objection = _accepted(operator, record)
    client.force_login(tax_submitter)
    page = client.get(f"/office/objections/{objection.pk}/")  # type: ignore[attr-defined]
    assert page.status_code == 403
    assert "无权" in page.content.decode()
    posted = client.post(
        f"/api/v1/objections/{objection.pk}/answer",  # type: ignore[attr-defined]
        data=json.dumps({"outcome": "upheld", "reason": "维持"}),
        content_type="application/json",
    )
    assert posted.status_code == 403
    assert posted.json()["code"] == "forbidden"
    objection.refresh_from_db()  # type: ignore[attr-defined]
    assert objection.status == Status.VERIFYING  # type: ignore[attr-defined]
    denied = AuditEvent.objects.filter(action="denied", actor=tax_submitter)
    assert denied.count() == 2
    assert client.get("/api/v1/objections").json() == []


def test_the_providing_department_lists_and_answers_its_objection_by_api(
    client: Client, operator: User, market_submitter: User, record: CreditRecord
) -> None:
    objection = _accepted(operator, record)
    client.force_login(market_submitter)
    listed = client.get("/api/v1/objections").json()
    assert [o["number"] for o in listed] == [objection.number]  # type: ignore[attr-defined]
    assert listed[0]["department"] == record.department.name
    answered = client.post(
        f"/api/v1/objections/{objection.pk}/answer",  # type: ignore[attr-defined]
        data=json.dumps(
            {
                "outcome": "corrected",
                "reason": "金额录入有误",
                "corrections": {"罚款金额（万元）": "0.2"},
            }
        ),
        content_type="application/json",
    )
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert body["status"] == "answered"
    assert body["outcome"] == Outcome.CORRECTED
    assert [s["kind"] for s in body["steps"]][-2:] == ["answer", "apply"]
    again = client.post(
        f"/api/v1/objections/{objection.pk}/answer",  # type: ignore[attr-defined]
        data=json.dumps({"outcome": "upheld", "reason": "维持"}),
        content_type="application/json",
    )
    assert again.status_code == 409


def test_the_office_queue_shows_due_dates_and_overdue_flags(
    client: Client,
    operator: User,
    market_submitter: User,
    tax_submitter: User,
    record: CreditRecord,
) -> None:
    late, _ = file_on(record, day=DAY)  # acceptance was due 2026-06-03
    client.force_login(operator)
    page = client.get("/office/objections/").content.decode()
    assert late.number in page
    assert "已超期" in page
    # a department sees nothing before acceptance, and never another department's
    client.force_login(tax_submitter)
    assert late.number not in client.get("/office/objections/").content.decode()


def test_the_operator_pages_take_every_step(
    client: Client, operator: User, market_submitter: User, record: CreditRecord
) -> None:
    objection, _ = file_on(record, day=dt.date.today())
    client.force_login(operator)
    detail = client.get(f"/office/objections/{objection.pk}/")
    assert "受理并转交核查" in detail.content.decode()
    assert AuditEvent.objects.filter(
        action="read", object_id=str(objection.pk), summary__contains="异议人信息"
    ).exists()
    client.post(f"/office/objections/{objection.pk}/accept/", {"reason": ""})
    client.force_login(market_submitter)
    page = client.get(f"/office/objections/{objection.pk}/").content.decode()
    assert "核查答复" in page
    client.post(
        f"/office/objections/{objection.pk}/answer/",
        {"outcome": "corrected", "reason": "内容有误", "fix_penalty_content": "警告"},
    )
    objection.refresh_from_db()
    assert objection.status == Status.ANSWERED
    assert objection.corrected_values == {"penalty_content": "警告"}
    client.force_login(operator)
    client.post(f"/office/objections/{objection.pk}/close/", {"reason": ""})
    objection.refresh_from_db()
    assert objection.status == Status.CLOSED
    corrections = client.get("/objections/corrections/").content.decode()
    assert "更正" in corrections and record.subject.name in corrections
    record_page = client.get(f"/record/{record.pk}/").content.decode()
    assert "更正公告" in record_page
    subject_page = client.get(f"/subject/{record.subject_id}/").content.decode()
    assert "更正公告" in subject_page


def test_the_correction_form_offers_values_as_typed_and_only_a_changed_field_is_corrected(
    client: Client, operator: User, market_submitter: User, record: CreditRecord
) -> None:
    import re

    objection, _ = file_on(record, day=dt.date.today())
    client.force_login(operator)
    client.post(f"/office/objections/{objection.pk}/accept/", {"reason": ""})
    client.force_login(market_submitter)
    page = client.get(f"/office/objections/{objection.pk}/").content.decode()
    inputs = dict(re.findall(r'name="(fix_[a-z_]+)" value="([^"]*)"', page))
    assert inputs["fix_penalty_category"] == "罚款"  # not the stored list's Python text
    assert "[&#x27;" not in page
    # the browser sends every field back; only the one the department changed is a correction
    sent = {**inputs, "fix_penalty_content": "警告", "outcome": "corrected", "reason": "内容有误"}
    client.post(f"/office/objections/{objection.pk}/answer/", sent)
    objection.refresh_from_db()
    assert objection.corrected_values == {"penalty_content": "警告"}


def test_the_daily_reminder_tells_the_department_once_a_day(
    operator: User, record: CreditRecord
) -> None:
    objection = _accepted(operator, record)  # due 2026-06-09
    assert services.remind(dt.date(2026, 6, 4)) == []  # not yet within 1 working day
    lines = services.remind(dt.date(2026, 6, 8))
    assert len(lines) == 1
    assert record.department.name in lines[0]
    assert "剩余1个工作日" in lines[0]
    notices = Notice.objects.filter(department=record.department, kind="objection_due")
    assert notices.count() == 1
    assert services.remind(dt.date(2026, 6, 8)) == []  # the same day again: nothing more
    assert notices.count() == 1
    services.remind(dt.date(2026, 6, 10))  # overdue: a new day, a new reminder
    assert notices.count() == 2
    assert "已超期1个工作日" in notices.first().title  # type: ignore[union-attr]
    reminder_steps = objection.steps.filter(kind="remind")  # type: ignore[attr-defined]
    assert reminder_steps.count() == 2
    assert not any(s.visible_to_objector for s in reminder_steps)


def test_the_credit_office_steps_are_listed_by_the_reminder(record: CreditRecord) -> None:
    file_on(record, day=DAY)  # acceptance due 2026-06-03
    lines = services.remind(dt.date(2026, 6, 3))
    assert len(lines) == 1 and lines[0].startswith("信用办")
    assert not Notice.objects.exists()
