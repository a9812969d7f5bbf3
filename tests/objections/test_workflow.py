"""The objection flow: acceptance and suspension, the three outcomes, closing, notices."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.objections.helpers import file_on

from xinyong.audit.models import AuditEvent
from xinyong.departments.models import User
from xinyong.departments.permissions import PermissionDenied
from xinyong.lists.models import EntryStatus, EventKind, ListEntry
from xinyong.objections import services
from xinyong.objections.models import CorrectionNotice, Outcome, Status, StepKind
from xinyong.records.models import CreditRecord, RecordStatus, RecordVersion

ACCEPTED = dt.date(2026, 6, 2)
ANSWERED = dt.date(2026, 6, 5)
CLOSED = dt.date(2026, 6, 8)


def _through_answer(
    operator: User, user: User, target: CreditRecord | ListEntry, outcome: str, **kwargs: object
) -> object:
    objection, _ = file_on(target)
    services.accept(operator, objection, today=ACCEPTED)
    return services.answer(
        user,
        objection,
        outcome,
        "经核查",
        today=ANSWERED,
        **kwargs,  # type: ignore[arg-type]
    )


def test_acceptance_routes_to_the_providing_department_and_suspends_tied_entries(
    operator: User, record: CreditRecord, entry: ListEntry
) -> None:
    objection, _ = file_on(record)
    assert objection.status == Status.SUBMITTED
    # Filing alone suspends nothing (suspend_from: accept) …
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACTIVE
    objection = services.accept(operator, objection, today=ACCEPTED)
    assert objection.department == record.department
    assert objection.status == Status.VERIFYING
    # … acceptance does: 5 working days after 2026-06-02 is 2026-06-09.
    assert objection.due_date == dt.date(2026, 6, 9)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OBJECTION
    event = entry.events.get(kind=EventKind.OBJECTION)
    assert event.date == ACCEPTED
    assert event.detail["objection"] == objection.pk
    assert objection.suspended == [entry.pk]
    assert services.record_under_objection(record, ACCEPTED)


def test_an_upheld_record_comes_back_with_its_entries_and_no_notice(
    operator: User, market_submitter: User, record: CreditRecord, entry: ListEntry
) -> None:
    objection = _through_answer(operator, market_submitter, record, Outcome.UPHELD)
    objection = services.close(operator, objection, today=CLOSED)  # type: ignore[arg-type]
    assert objection.status == Status.CLOSED
    assert objection.outcome == Outcome.UPHELD
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACTIVE
    resume = entry.events.get(kind=EventKind.RESUME)
    assert resume.date == CLOSED
    assert "维持" in resume.reason
    assert not CorrectionNotice.objects.exists()
    assert not services.record_under_objection(record, CLOSED)


def test_a_corrected_record_gets_a_new_version_through_the_pipeline_and_a_notice(
    operator: User, market_submitter: User, record: CreditRecord, entry: ListEntry
) -> None:
    objection = _through_answer(
        operator,
        market_submitter,
        record,
        Outcome.CORRECTED,
        corrections={"处罚内容": "罚款人民币三千元", "罚款金额（万元）": "0.3"},
    )
    record.refresh_from_db()
    assert record.version == 2
    assert record.data["penalty_content"] == "罚款人民币三千元"
    assert str(record.fine_amount) == "0.300000"
    version = RecordVersion.objects.get(record=record, version=2)
    assert version.action == "update"
    assert version.batch_id is not None  # a real batch of the collection pipeline
    assert str(objection) in version.reason  # type: ignore[operator]
    services.close(operator, objection, today=CLOSED)  # type: ignore[arg-type]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACTIVE  # corrected, not corrected away
    notice = CorrectionNotice.objects.get()
    assert notice.record == record
    assert "罚款人民币三千元" in notice.body
    # the public sees the fields by their names, never the catalog's internal keys
    assert "处罚内容：罚款人民币三千元；罚款金额（万元）：0.3" in notice.body
    assert "penalty_content" not in notice.body and "fine_amount" not in notice.body
    step_notes = " ".join(objection.steps.values_list("note", flat=True))  # type: ignore[union-attr]
    assert "已更正：处罚内容=罚款人民币三千元" in step_notes and "fine_amount" not in step_notes
    # shown at least as long as the wrong record would have been
    assert record.publicity_end is not None
    assert notice.shown_until >= record.publicity_end
    assert services.notices_for_record(record, CLOSED) == [notice]


def test_a_correction_cannot_change_the_decision_number(
    operator: User, market_submitter: User, record: CreditRecord
) -> None:
    objection, _ = file_on(record)
    services.accept(operator, objection, today=ACCEPTED)
    with pytest.raises(services.ObjectionError, match="不能通过更正修改"):
        services.answer(
            market_submitter,
            objection,
            Outcome.CORRECTED,
            "文号有误",
            corrections={"行政处罚决定书文号": "示市监罚〔2026〕999号"},
            today=ANSWERED,
        )
    objection.refresh_from_db()
    assert objection.status == Status.VERIFYING
    assert CreditRecord.objects.get(pk=record.pk).version == 1


def test_an_invalid_correction_is_refused_and_changes_nothing(
    operator: User, market_submitter: User, record: CreditRecord
) -> None:
    objection, _ = file_on(record)
    services.accept(operator, objection, today=ACCEPTED)
    with pytest.raises(services.ObjectionError, match="未通过校验"):
        services.answer(
            market_submitter,
            objection,
            Outcome.CORRECTED,
            "金额有误",
            corrections={"罚款金额（万元）": "很多"},
            today=ANSWERED,
        )
    assert CreditRecord.objects.get(pk=record.pk).version == 1
    assert RecordVersion.objects.filter(record=record).count() == 1


def test_a_revoked_record_leaves_the_portal_and_its_entries_leave_their_list(
    operator: User, market_submitter: User, record: CreditRecord, entry: ListEntry
) -> None:
    objection = _through_answer(operator, market_submitter, record, Outcome.REVOKED)
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED
    assert not record.is_public_on(ANSWERED)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED
    assert entry.events.filter(kind=EventKind.LEAVE).exists()
    services.close(operator, objection, today=CLOSED)  # type: ignore[arg-type]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED  # revoked away: not resumed
    assert not entry.events.filter(kind=EventKind.RESUME).exists()
    notice = CorrectionNotice.objects.get()
    assert "撤销" in notice.title
    assert notice.subject == record.subject


def test_a_revoked_list_entry_is_removed_with_a_notice(
    operator: User, market_submitter: User, entry: ListEntry
) -> None:
    objection = _through_answer(operator, market_submitter, entry, Outcome.REVOKED)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED
    services.close(operator, objection, today=CLOSED)  # type: ignore[arg-type]
    assert CorrectionNotice.objects.get().entry == entry


def test_a_list_entry_cannot_be_corrected_field_by_field(
    operator: User, market_submitter: User, entry: ListEntry
) -> None:
    objection, _ = file_on(entry)
    services.accept(operator, objection, today=ACCEPTED)
    with pytest.raises(services.ObjectionError, match="撤销"):
        services.answer(market_submitter, objection, Outcome.CORRECTED, "有误", today=ANSWERED)


def test_a_national_list_entry_stays_with_the_credit_office(
    operator: User, market_submitter: User, national_entry: ListEntry
) -> None:
    objection, _ = file_on(national_entry)
    objection = services.accept(operator, objection, today=ACCEPTED)
    assert objection.department is None
    assert "人民法院" in objection.routing_note
    assert objection.handler_name == "信用办"
    national_entry.refresh_from_db()
    assert national_entry.status == EntryStatus.OBJECTION
    # no department may answer it; the credit office does
    with pytest.raises(PermissionDenied):
        services.answer(market_submitter, objection, Outcome.UPHELD, "核对无误", today=ANSWERED)
    services.answer(operator, objection, Outcome.UPHELD, "与法院公布信息一致", today=ANSWERED)
    services.close(operator, objection, today=CLOSED)
    national_entry.refresh_from_db()
    assert national_entry.status == EntryStatus.ACTIVE


def test_refusing_acceptance_needs_a_reason_and_tells_the_objector(
    operator: User, record: CreditRecord
) -> None:
    objection, _ = file_on(record)
    with pytest.raises(services.ObjectionError, match="理由"):
        services.refuse(operator, objection, "  ", today=ACCEPTED)
    objection = services.refuse(operator, objection, "异议人与信用主体无关", today=ACCEPTED)
    assert objection.status == Status.REFUSED
    visible = services.visible_steps(objection)
    assert [s.kind for s in visible] == [StepKind.FILE, StepKind.REFUSE]
    assert "异议人与信用主体无关" in visible[-1].note


def test_a_second_open_objection_keeps_the_entry_suspended(
    operator: User, market_submitter: User, record: CreditRecord, entry: ListEntry
) -> None:
    first, _ = file_on(record)
    second, _ = file_on(entry)
    services.accept(operator, first, today=ACCEPTED)
    services.accept(operator, second, today=ACCEPTED)
    services.answer(market_submitter, first, Outcome.UPHELD, "无误", today=ANSWERED)
    services.close(operator, first, today=CLOSED)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OBJECTION  # the entry's own objection is still open
    services.answer(market_submitter, second, Outcome.UPHELD, "无误", today=ANSWERED)
    services.close(operator, second, today=CLOSED)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACTIVE


def test_every_step_is_in_the_audit_log_and_visible_steps_are_shown_to_the_objector(
    operator: User, market_submitter: User, record: CreditRecord, entry: ListEntry
) -> None:
    objection = _through_answer(operator, market_submitter, record, Outcome.UPHELD)
    services.close(operator, objection, today=CLOSED)  # type: ignore[arg-type]
    steps = list(objection.steps.order_by("at", "id"))  # type: ignore[attr-defined]
    kinds = [s.kind for s in steps]
    assert kinds == [
        StepKind.FILE,
        StepKind.ACCEPT,
        StepKind.SUSPEND,
        StepKind.ANSWER,
        StepKind.CLOSE,
        StepKind.RESUME,
    ]
    events = AuditEvent.objects.filter(
        object_type="objections.objection",
        object_id=str(objection.pk),  # type: ignore[attr-defined]
    )
    audited = {e.detail.get("step") for e in events}
    assert {s.pk for s in steps} <= audited
    assert events.filter(action="create").count() == 1
    assert all(s.visible_to_objector for s in steps)


def test_correcting_a_persons_record_keeps_the_real_id_number(
    operator: User, market_submitter: User, market_dept
) -> None:  # type: ignore[no-untyped-def]
    """The personal fields are read back under their own names, so the corrected version is
    submitted with the real number, not the masked one shown on the record."""
    from tests.conftest import MARKET_CODE
    from tests.ingest.factories import penalty, person_id

    from xinyong.core.pii import PiiBox
    from xinyong.ingest.services import submit_rows
    from xinyong.records.models import Source

    number = person_id(7)
    row = penalty(
        7,
        MARKET_CODE,
        行政相对人名称="王某某",
        行政相对人类别="自然人",
        行政相对人代码="",
        法定代表人="",
        证件类型="身份证",
        证件号码=number,
    )
    _, verdicts = submit_rows(market_submitter, market_dept, "xzcf", [row], source=Source.API)
    assert verdicts[0].accepted, verdicts[0].errors
    record = CreditRecord.objects.get(pk=verdicts[0].record_id)
    objection, _ = file_on(record, code=number)
    services.accept(operator, objection, today=ACCEPTED)
    services.answer(
        market_submitter,
        objection,
        Outcome.CORRECTED,
        "经核查",
        today=ANSWERED,
        corrections={"处罚内容": "罚款人民币二百元", "罚款金额（万元）": "0.02"},
    )
    record.refresh_from_db()
    assert record.version == 2
    from django.conf import settings

    assert PiiBox(settings.PII_KEY).decrypt_fields(record.pii_cipher)["id_number"] == number
