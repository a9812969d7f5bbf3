"""Commitment services: signing each kind from the rule data, 容缺 deadlines in working days,
the daily overdue check, verification and breach into a dishonesty record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.commitments.helpers import COMPANY, PERSON, at, sign

from xinyong.audit.models import AuditEvent
from xinyong.commitments import rules, services
from xinyong.commitments.models import Commitment, CommitmentEvent, CommitmentStatus, EventKind
from xinyong.core import publicity
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import PermissionDenied
from xinyong.records.models import CreditRecord, RecordVersion
from xinyong.workdays.services import get_calendar


@pytest.mark.parametrize("kind", [k.code for k in rules.kinds()])
def test_each_kind_is_signed_with_the_text_flags_and_deadlines_of_its_rule(
    kind: str, market_submitter: User, market_dept: Department
) -> None:
    rule = rules.kind(kind)
    day = dt.date(2025, 3, 3)
    c = sign(market_submitter, market_dept, kind, signed_at=at(day))
    assert c.kind_name == rule.name and c.rule_version == rule.version
    assert c.public is rule.public
    assert c.status == CommitmentStatus.ACTIVE and c.number.startswith("CN")
    # the signed text is the template filled in, with the standard clauses
    assert COMPANY.name in c.text and market_dept.name in c.text
    for word in ("真实", "条件", "核查", "失信"):
        assert word in c.text
    calendar = get_calendar()
    if rule.materials_workdays:
        assert c.due_date == calendar.add(day, rule.materials_workdays)
    else:
        assert c.due_date is None
    if rule.verify_workdays:
        assert c.verify_by == calendar.add(day, rule.verify_workdays)
    else:
        assert c.verify_by is None
    sign_event = c.events.get()
    assert sign_event.kind == EventKind.SIGN and rule.name in sign_event.note
    assert AuditEvent.objects.filter(
        object_type="commitments.commitment", object_id=str(c.pk)
    ).exists()


def test_the_rule_data_has_the_six_kinds_with_the_rongque_seven_working_days() -> None:
    names = [k.name for k in rules.kinds()]
    assert names == [
        "证明事项告知承诺",
        "涉企经营许可事项告知承诺",
        "容缺受理承诺",
        "主动型承诺",
        "行业自律承诺",
        "信用修复承诺",
    ]
    assert rules.kind("rqsl").materials_workdays == 7


def test_a_broken_rule_file_names_the_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = rules.DATA.read_text(encoding="utf-8").replace("public: true", "public: 是", 1)
    broken = tmp_path / "commitments.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(
        rules.CommitmentRuleError, match=r"commitments.yaml第\d+行：“public”应为true或false"
    ):
        rules.load(broken)


def test_a_template_without_the_standard_clause_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = rules.DATA.read_text(encoding="utf-8").replace("愿意接受行政机关的核查", "愿意配合", 1)
    broken = tmp_path / "commitments.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(rules.CommitmentRuleError, match="缺少标准条款“接受核查”"):
        rules.load(broken)


def test_rongque_materials_are_due_seven_working_days_later_over_the_national_day_holiday(
    market_submitter: User, market_dept: Department
) -> None:
    # 2025-09-30 (Tue); 10-01…10-08 are holidays, 10-11 (Sat) a make-up working day:
    # 10-09, 10-10, 10-11, 10-13, 10-14, 10-15, 10-16 → due 2025-10-16.
    c = sign(market_submitter, market_dept, "rqsl", signed_at=at(dt.date(2025, 9, 30)))
    assert c.due_date == dt.date(2025, 10, 16)
    assert "2025-10-16" in c.text


def test_the_daily_check_marks_overdue_rongque_once_and_a_second_run_changes_nothing(
    market_submitter: User, market_dept: Department
) -> None:
    late = sign(market_submitter, market_dept, "rqsl", signed_at=at(dt.date(2025, 9, 30)))
    supplied = sign(market_submitter, market_dept, "rqsl", signed_at=at(dt.date(2025, 9, 30)))
    services.supply_materials(market_submitter, supplied, on=dt.date(2025, 10, 16))
    on_due_day = services.check_overdue(dt.date(2025, 10, 16))
    assert on_due_day.marked == []  # the due date itself is still in time
    first = services.check_overdue(dt.date(2025, 10, 17))
    assert [c.number for c in first.marked] == [late.number]
    assert "未履约" in first.explain()
    second = services.check_overdue(dt.date(2025, 10, 17))
    assert second.marked == []
    late.refresh_from_db()
    supplied.refresh_from_db()
    assert late.status == CommitmentStatus.UNFULFILLED
    assert supplied.status == CommitmentStatus.FULFILLED
    assert late.events.filter(kind=EventKind.OVERDUE).count() == 1


def test_the_check_command_states_the_rule_and_is_idempotent(
    market_submitter: User, market_dept: Department
) -> None:
    from io import StringIO

    from django.core.management import call_command

    c = sign(market_submitter, market_dept, "rqsl", signed_at=at(dt.date(2025, 9, 30)))
    out = StringIO()
    call_command("commitments", "check", "--date", "2025-10-20", stdout=out)
    assert c.number in out.getvalue()
    out = StringIO()
    call_command("commitments", "check", "--date", "2025-10-20", stdout=out)
    assert "没有逾期" in out.getvalue()
    from xinyong.commitments.management.commands.commitments import Command

    assert "7个工作日" in Command.help and "可重复运行" in Command.help


def test_materials_supplied_after_the_due_date_leave_the_commitment_unfulfilled(
    market_submitter: User, market_dept: Department
) -> None:
    c = sign(market_submitter, market_dept, "rqsl", signed_at=at(dt.date(2025, 9, 30)))
    services.supply_materials(market_submitter, c, on=dt.date(2025, 10, 17))
    c.refresh_from_db()
    assert c.status == CommitmentStatus.UNFULFILLED
    assert "已超过期限2025-10-16" in c.events.get(kind=EventKind.MATERIALS).note


def test_a_true_verification_fulfils_the_commitment(
    market_submitter: User, market_dept: Department
) -> None:
    c = sign(market_submitter, market_dept, "zmsx")
    v = services.verify(market_submitter, c, result="true", note="经电话核实，场地证明属实")
    c.refresh_from_db()
    assert v.on_time and c.status == CommitmentStatus.FULFILLED
    assert c.record is None


def test_a_false_commitment_becomes_a_published_dishonesty_record_with_provenance(
    market_submitter: User, market_dept: Department
) -> None:
    c = sign(market_submitter, market_dept, "zmsx")
    services.verify(
        market_submitter, c, result="untrue", note="经核查，承诺已取得的场地使用证明不存在"
    )
    c.refresh_from_db()
    assert c.status == CommitmentStatus.UNTRUE
    record = c.record
    assert record is not None
    today = timezone.localdate()
    assert record.type_code == "xycn" and record.subject_id == c.subject_id
    assert record.department_id == market_dept.pk and record.tier == "一般"
    # the window of a 一般 dishonesty record decided today, as the publicity rule says
    window = publicity.publicity_window("xzcf", today, "一般")
    assert record.published and record.publicity_start == today
    assert record.publicity_end == window.longest_end - dt.timedelta(days=1)
    # provenance: a batch of the pipeline, the submitter, a version, the commitment number
    assert record.batch is not None and record.batch.type_code == "xycn"
    assert record.submitter_id == market_submitter.pk
    assert RecordVersion.objects.filter(record=record, batch=record.batch).count() == 1
    assert record.data["commitment_no"] == c.number and record.data["breach"] == "虚假承诺"
    assert CreditRecord.objects.public(today).filter(pk=record.pk).exists()
    assert c.events.filter(kind=EventKind.BREACH).exists()


def test_a_natural_persons_breach_record_keeps_the_id_number_masked(
    market_submitter: User, market_dept: Department
) -> None:
    c = sign(market_submitter, market_dept, "zmsx", who=PERSON)
    record = services.breach(market_submitter, c, kind="untrue", facts="学历证明系伪造")
    assert record.data["id_number"] == "1101**********002X"
    assert "11010519491231002X" not in str(record.data)


def test_an_unfulfilled_rongque_is_a_minor_record_kept_but_not_published(
    market_submitter: User, market_dept: Department
) -> None:
    c = sign(market_submitter, market_dept, "rqsl", signed_at=at(dt.date(2025, 9, 30)))
    services.check_overdue(dt.date(2025, 10, 20))
    c.refresh_from_db()
    record = services.breach(
        market_submitter, c, kind="unfulfilled", facts="逾期未补齐消防验收材料"
    )
    assert record.tier == "轻微" and not record.published
    assert not CreditRecord.objects.public().filter(pk=record.pk).exists()


def test_another_tier_than_the_rules_needs_a_reason(
    market_submitter: User, market_dept: Department
) -> None:
    c = sign(market_submitter, market_dept, "zmsx")
    with pytest.raises(services.CommitmentError, match="须说明理由"):
        services.breach(market_submitter, c, kind="untrue", facts="伪造证明", tier="严重")
    record = services.breach(
        market_submitter, c, kind="untrue", facts="伪造证明", tier="严重", tier_reason="伪造公文"
    )
    assert record.tier == "严重" and "伪造公文" in record.data["remarks"]
    with pytest.raises(services.CommitmentError, match="已认定失信"):
        services.breach(market_submitter, c, kind="untrue", facts="再次")


def test_a_department_cannot_verify_another_departments_commitment(
    market_submitter: User, market_dept: Department, tax_submitter: User
) -> None:
    c = sign(market_submitter, market_dept, "zmsx")
    with pytest.raises(PermissionDenied, match="无权操作"):
        services.verify(tax_submitter, c, result="untrue", note="不实")
    denied = AuditEvent.objects.filter(action="denied", actor=tax_submitter).get()
    assert c.number in denied.summary
    c.refresh_from_db()
    assert c.status == CommitmentStatus.ACTIVE and not c.verifications.exists()


def test_a_withdrawn_commitment_cannot_be_verified_and_leaves_the_public_list(
    market_submitter: User, market_dept: Department
) -> None:
    c = sign(market_submitter, market_dept, "zmsx")
    assert Commitment.objects.public().filter(pk=c.pk).exists()
    services.withdraw(market_submitter, c, reason="申请人撤回申请")
    assert not Commitment.objects.public().filter(pk=c.pk).exists()
    with pytest.raises(services.CommitmentError, match="已撤回"):
        services.verify(market_submitter, c, result="true")


def test_a_portal_commitment_is_public_only_after_the_department_confirms(
    market_submitter: User, market_dept: Department
) -> None:
    c = services.submit_on_portal(
        department=market_dept,
        kind="zdx",
        subject=COMPANY,
        matter="守法诚信经营",
        signer="李经理",
        contact="0571-88888888",
    )
    assert not c.confirmed and not Commitment.objects.public().filter(pk=c.pk).exists()
    services.confirm(market_submitter, c)
    assert Commitment.objects.public().filter(pk=c.pk).exists()
    assert CommitmentEvent.objects.filter(commitment=c, kind=EventKind.CONFIRM).exists()
    with pytest.raises(services.CommitmentError, match="须到受理部门办理"):
        services.submit_on_portal(
            department=market_dept,
            kind="zmsx",
            subject=COMPANY,
            matter="x",
            signer="y",
            contact="1",
        )
