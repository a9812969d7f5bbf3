"""Applying, reviewing, approving and refusing credit repair (R-REP-1, R-REP-2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.repair.factories import PERSON_NUMBER, apply_values, checked_by, entry

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.core.publicity import add_months
from xinyong.departments.permissions import PermissionDenied
from xinyong.jrp.models import Notice
from xinyong.lists.models import EntryStatus, EventKind, ListEvent
from xinyong.records.models import CreditRecord, RecordStatus, VersionAction
from xinyong.repair import services
from xinyong.repair.models import RepairStatus
from xinyong.subjects.services import find_subjects

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def due_penalty(company, make_penalty, today):
    """A 一般 penalty of the market department whose shortest period is served."""
    return make_penalty(company, add_months(today, -4))


def test_approval_takes_the_record_off_the_portal_and_search_and_repairs_its_entries(
    person, make_penalty, today, market_dept, tax_dept, market_submitter, client
):
    record = make_penalty(person, add_months(today, -4))
    listed = entry(person, "serious", department=market_dept, record=record, start=today)
    checked_by(tax_dept, person)
    assert find_subjects("王修复", today).exists()
    assert client.get(f"/record/{record.pk}/").status_code == 200

    application, code = services.submit_application(
        record=record,
        **apply_values(PERSON_NUMBER),
        files=[SimpleUploadedFile("缴款凭证.pdf", PDF)],
    )
    assert application.department == market_dept
    assert len(code) == 8 and application.access_hash != code
    assert application.materials.get().filename == "缴款凭证.pdf"
    services.approve(market_submitter, application, "罚款已缴清，符合条件")

    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED and record.repaired_at is not None
    version = record.versions.get(action=VersionAction.REPAIR)
    assert "罚款已缴清" in version.reason and application.tracking_no in version.reason
    assert not CreditRecord.objects.public(today).filter(pk=record.pk).exists()
    assert client.get(f"/record/{record.pk}/").status_code == 404
    # a natural person whose only public record was repaired cannot be found any more
    assert not find_subjects("王修复", today).exists()
    listed.refresh_from_db()
    assert listed.status == EntryStatus.REPAIRED
    assert ListEvent.objects.filter(entry=listed, kind=EventKind.REPAIR).count() == 1
    notice = Notice.objects.get(department=tax_dept, kind="repair")
    assert "完成信用修复" in notice.body
    application.refresh_from_db()
    assert application.status == RepairStatus.APPROVED
    assert application.shared_to == 1 and application.share_due is not None
    assert [s.title for s in application.steps.all()] == ["提交申请", "受理", "准予修复"]
    summaries = AuditEvent.objects.values_list("summary", flat=True)
    assert any(s.startswith("准予信用修复") for s in summaries)
    assert any(s.startswith("信用修复：") for s in summaries)


def test_a_record_under_repair_cannot_be_applied_for_twice(due_penalty):
    services.submit_application(record=due_penalty, **apply_values())
    with pytest.raises(services.RepairError, match="已有修复申请正在办理"):
        services.submit_application(record=due_penalty, **apply_values())


def test_an_application_before_the_earliest_date_is_refused(company, make_penalty, today):
    record = make_penalty(company, today - dt.timedelta(days=20))
    with pytest.raises(services.RepairError, match="起可申请信用修复"):
        services.submit_application(record=record, **apply_values())


def test_the_applicant_must_prove_the_subject_fulfil_obligations_and_sign(due_penalty):
    with pytest.raises(services.RepairError, match="主体代码"):
        services.submit_application(record=due_penalty, **apply_values("91350100M000100Y4X"))
    with pytest.raises(services.RepairError) as caught:
        services.submit_application(
            record=due_penalty,
            **apply_values(obligations_fulfilled=False, commitment_signed=False, statement=""),
        )
    message = str(caught.value)
    assert "须已履行法定责任和义务" in message
    assert "信用修复承诺书" in message
    assert "纠正情况" in message


def test_a_serious_record_needs_the_training(company, make_penalty, today):
    record = make_penalty(company, add_months(today, -13), tier="严重")
    with pytest.raises(services.RepairError, match="信用修复专题培训"):
        services.submit_application(record=record, **apply_values(training_done=False))
    application, _ = services.submit_application(record=record, **apply_values())
    assert application.tier == "严重" and application.training_done


def test_a_minor_record_needs_no_commitment(company, make_penalty, today):
    record = make_penalty(company, today - dt.timedelta(days=3), category="警告")
    application, _ = services.submit_application(
        record=record, **apply_values(commitment_signed=False, commitment_signer="")
    )
    assert application.tier == "轻微" and application.commitment_text == ""


def test_materials_are_checked_for_type_content_and_size(due_penalty, settings):
    with pytest.raises(services.RepairError, match="类型不受支持"):
        services.submit_application(
            record=due_penalty, **apply_values(), files=[SimpleUploadedFile("a.exe", b"MZ..")]
        )
    with pytest.raises(services.RepairError, match="不是PDF文件"):
        services.submit_application(
            record=due_penalty, **apply_values(), files=[SimpleUploadedFile("a.pdf", b"<html>")]
        )
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(services.RepairError, match="超过20MB"):
        services.submit_application(record=due_penalty, **apply_values(), files=[big])
    assert not due_penalty.repair_applications.exists()


def test_refusal_needs_reasons_which_the_applicant_sees(due_penalty, market_submitter):
    application, _ = services.submit_application(record=due_penalty, **apply_values())
    with pytest.raises(services.RepairError, match="须说明理由"):
        services.refuse(market_submitter, application, "  ")
    services.refuse(market_submitter, application, "罚款尚未缴清")
    application.refresh_from_db()
    assert application.status == RepairStatus.REFUSED
    assert application.decision_reason == "罚款尚未缴清"
    due_penalty.refresh_from_db()
    assert due_penalty.status == RecordStatus.ACTIVE
    with pytest.raises(services.RepairError, match="已办结"):
        services.approve(market_submitter, application)


def test_a_department_cannot_decide_another_departments_application(
    due_penalty, tax_submitter, operator
):
    application, _ = services.submit_application(record=due_penalty, **apply_values())
    with pytest.raises(PermissionDenied, match="无权操作"):
        services.approve(tax_submitter, application)
    with pytest.raises(PermissionDenied):
        services.get_for_user(tax_submitter, application.pk)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=tax_submitter).count() == 2
    assert not services.applications_for(tax_submitter).exists()
    assert list(services.applications_for(operator)) == [application]
    services.start_review(operator, application, "材料齐全")
    application.refresh_from_db()
    assert application.status == RepairStatus.REVIEWING


def test_an_applicant_needs_the_access_code_of_their_own_application(
    company, person, make_penalty, today
):
    first, first_code = services.submit_application(
        record=make_penalty(company, add_months(today, -4)), **apply_values()
    )
    second, second_code = services.submit_application(
        record=make_penalty(person, add_months(today, -4)), **apply_values(PERSON_NUMBER)
    )
    assert services.find_application(first.tracking_no, first_code.lower()) == first
    assert services.find_application(first.tracking_no, second_code) is None
    assert services.find_application(second.tracking_no, first_code) is None
    assert AuditEvent.objects.filter(action=AuditAction.READ, object_id=str(first.pk)).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, summary__contains=second.tracking_no
    ).exists()


def test_a_serious_list_entry_is_repaired_through_the_list_service(
    company, market_dept, market_submitter, tax_dept
):
    start = add_months(dt.date.today(), -13)
    listed = entry(company, "serious", department=market_dept, start=start)
    checked_by(tax_dept, company)
    application, _ = services.submit_application(entry=listed, **apply_values())
    services.approve(market_submitter, application, "已整改")
    listed.refresh_from_db()
    assert listed.status == EntryStatus.REPAIRED
    assert listed.events.filter(kind=EventKind.REPAIR).exists()
    assert Notice.objects.filter(department=tax_dept, kind="repair").count() == 1


def test_a_court_list_entry_cannot_be_applied_for(company, today):
    listed = entry(company, "sxbzxr", start=today - dt.timedelta(days=500))
    with pytest.raises(services.RepairError, match="不适用本平台的信用修复"):
        services.submit_application(entry=listed, **apply_values())


def test_deadlines_count_down_in_working_days(company, make_penalty):
    from xinyong.workdays.services import get_calendar

    # fixed dates inside the bundled calendar: 2026-09-30 is the eve of the National Day week
    day = dt.date(2026, 9, 30)
    record = make_penalty(company, dt.date(2026, 5, 20))
    application, _ = services.submit_application(record=record, **apply_values(), today=day)
    calendar = get_calendar()
    assert application.accept_due == calendar.add(day, 3)
    assert application.accept_due > dt.date(2026, 10, 8)  # the holiday week does not count
    assert application.review_due == calendar.add(day, 10)
    assert not application.due_estimated
    deadline = services.deadline(application, day)
    assert deadline is not None and deadline.left == 3 and "剩余3个工作日" in deadline.text
    late = services.deadline(application, calendar.add(day, 5))
    assert late is not None and late.overdue and "已超期2个工作日" in late.text
