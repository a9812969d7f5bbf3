"""Complaint deadlines in working days, the flow to closing, and the monthly figures."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.complaints.conftest import file

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.complaints import services
from xinyong.complaints.models import Category, Finding, Status, StepKind
from xinyong.complaints.rules import rule_on

BEFORE_NATIONAL_DAY = dt.date(2026, 9, 30)


def test_the_rules_are_data_with_assumed_working_day_deadlines() -> None:
    rule = rule_on(dt.date(2026, 9, 30))
    assert rule.steps == {"assign": 2, "answer": 10, "close": 2}
    assert "假设" in rule.basis


def test_deadlines_count_working_days_over_national_day(operator, market_dept) -> None:  # type: ignore[no-untyped-def]
    complaint, _ = file(market_dept, day=BEFORE_NATIONAL_DAY)
    # 10-01…10-08 are holidays: two working days after 09-30 end on 10-09.
    assert complaint.due_date == dt.date(2026, 10, 9)
    assert services.countdown(complaint.due_date, dt.date(2026, 10, 1)) == "剩余2个工作日"
    assert services.countdown(complaint.due_date, dt.date(2026, 10, 9)) == "今日到期"
    # 10-10 (a Saturday) is a working day in lieu: one working day late.
    assert services.countdown(complaint.due_date, dt.date(2026, 10, 10)) == "已超期1个工作日"
    assert services.is_overdue(complaint, dt.date(2026, 10, 10))
    assert not services.is_overdue(complaint, dt.date(2026, 10, 9))

    complaint = services.assign(operator, complaint, market_dept, today=dt.date(2026, 10, 9))
    assert complaint.due_date == dt.date(2026, 10, 22)  # 10 working days, 10-10 counted
    complaint = services.answer(
        operator, complaint, "经核查，租金减免已列入预算，将于本月兑现", today=dt.date(2026, 10, 22)
    )
    assert complaint.due_date == dt.date(2026, 10, 26)  # over the weekend
    complaint = services.close(
        operator,
        complaint,
        Finding.SUBSTANTIATED,
        "承诺未按期兑现属实",
        today=dt.date(2026, 10, 23),
    )
    assert complaint.status == Status.CLOSED and complaint.due_date is None
    assert not services.is_overdue(complaint, dt.date(2027, 1, 1))


def test_every_step_is_kept_audited_and_shown_to_the_complainant(  # type: ignore[no-untyped-def]
    operator, market_submitter, market_dept
) -> None:
    complaint, code = file(market_dept)
    services.assign(
        operator, complaint, market_dept, "请核实协议履行情况", today=complaint.filed_on
    )
    complaint.refresh_from_db()
    services.answer(
        market_submitter,
        complaint,
        "协议第五条约定的减免确未执行，已报请县政府研究",
        today=dt.date(2026, 6, 3),
    )
    complaint.refresh_from_db()
    services.close(
        operator, complaint, Finding.UNSUBSTANTIATED, "减免条件尚未成就", today=dt.date(2026, 6, 4)
    )
    seen = services.check_access(complaint.number, code)
    steps = services.steps_of(seen)
    assert [s.kind for s in steps] == [
        StepKind.FILE,
        StepKind.ASSIGN,
        StepKind.ANSWER,
        StepKind.CLOSE,
    ]
    # The complainant sees units, never staff accounts.
    assert [s.actor_name for s in steps] == ["投诉企业", "信用办", market_dept.name, "信用办"]
    assert "减免条件尚未成就" in steps[-1].note
    events = AuditEvent.objects.filter(object_type="complaints.complaint", object_id=str(seen.pk))
    assert events.filter(action=AuditAction.CREATE).count() == 1
    assert events.filter(action=AuditAction.UPDATE).count() == 3
    assert events.filter(action=AuditAction.READ).count() == 1


def test_steps_out_of_order_are_refused(operator, market_dept) -> None:  # type: ignore[no-untyped-def]
    complaint, _ = file(market_dept)
    with pytest.raises(services.ComplaintError, match="不能答复"):
        services.answer(operator, complaint, "尚未转办就答复的情况说明", today=complaint.filed_on)
    with pytest.raises(services.ComplaintError, match="不能办结"):
        services.close(operator, complaint, Finding.SUBSTANTIATED, "理由充分的说明")


def test_it_checks_the_enterprise_code_and_the_compensation_claim(market_dept) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.ComplaintError, match="统一社会信用代码无效"):
        file(market_dept, which=("某公司", "91350100M000100Y44"))
    with pytest.raises(services.ComplaintError, match="补偿或救治"):
        file(market_dept, category=Category.POLICY)
    complaint, _ = file(
        market_dept, category=Category.POLICY, claim="请求按原规划补偿搬迁损失120万元"
    )
    assert complaint.claim.startswith("请求")


def test_a_government_body_is_found_by_its_code(market_dept) -> None:  # type: ignore[no-untyped-def]
    from xinyong.subjects.models import Subject, SubjectKind

    body = Subject.objects.create(
        kind=SubjectKind.GOVERNMENT, name="示范县某某镇人民政府", uscc="11330100MB00000434"
    )
    complaint, _ = file(None, target_code="11330100mb00000434")
    assert complaint.target_subject == body and complaint.target_name == body.name
    # A department's code finds the department itself.
    complaint, _ = file(None, target_name="随便写的名字", target_code=market_dept.code)
    assert complaint.target_department == market_dept
    with pytest.raises(services.ComplaintError, match="被投诉单位"):
        file(None)


def test_complaints_for_month_counts_filed_and_substantiated(  # type: ignore[no-untyped-def]
    operator, market_dept, tax_dept
) -> None:
    first, _ = file(market_dept, day=dt.date(2026, 9, 30))
    second, _ = file(market_dept, day=dt.date(2026, 10, 12))
    third, _ = file(tax_dept, day=dt.date(2026, 10, 13))
    file(None, day=dt.date(2026, 10, 14), target_name="外县某局")  # not a department: left out
    # The first (filed in September) is assigned to the tax office and closed in October.
    services.assign(operator, first, tax_dept, today=dt.date(2026, 10, 9))
    first.refresh_from_db()
    services.answer(operator, first, "经核实，投诉反映情况属实", today=dt.date(2026, 10, 12))
    first.refresh_from_db()
    services.close(
        operator, first, Finding.SUBSTANTIATED, "承诺未兑现属实", today=dt.date(2026, 10, 13)
    )

    october = services.complaints_for_month("2026-10")
    assert october == sorted(
        [(market_dept.pk, 1, []), (tax_dept.pk, 1, [first.pk])], key=lambda row: row[0]
    )
    assert services.complaints_for_month(dt.date(2026, 9, 15)) == [(tax_dept.pk, 1, [])]
    assert services.complaints_for_month("2026-10") == october  # the same answer again
    assert second.pk and third.pk
    with pytest.raises(services.ComplaintError, match="月份"):
        services.complaints_for_month("2026-13")
