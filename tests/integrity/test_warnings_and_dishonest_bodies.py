"""Warnings (预警), the dishonest-bodies list with its 6-month escalation and 3-year honours bar,
and the events the arrears ledger, the court list and complaints give the archive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from xinyong.arrears import services as arrears
from xinyong.arrears.models import DebtorKind
from xinyong.audit.models import AuditEvent
from xinyong.casework import due_after
from xinyong.complaints import services as complaints
from xinyong.complaints.models import Category, Finding
from xinyong.integrity import archive, dishonest, sources
from xinyong.integrity.alerts import close_warning
from xinyong.integrity.models import (
    DishonestItem,
    Evaluation,
    GovBody,
    IntegrityEvent,
    SourceChannel,
    Warning,
    WarningStatus,
)
from xinyong.integrity.services import IntegrityError, evaluate_month, register_body
from xinyong.jrp.models import Notice
from xinyong.lists.models import EntrySource, ListEntry
from xinyong.lists.services import name_key
from xinyong.subjects.models import Subject, SubjectKind

SHARED = SourceChannel.SHARED


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def market_body(market_dept) -> GovBody:  # type: ignore[no-untyped-def]
    """The market regulator, a platform department, under evaluation."""
    subject = Subject.objects.create(
        kind=SubjectKind.GOVERNMENT, name=market_dept.name, uscc=market_dept.code
    )
    return register_body(subject, "county_dept", department=market_dept)


def month_score(body: GovBody, month: str) -> Decimal:
    evaluate_month(dt.date.fromisoformat(f"{month}-01"))
    return Evaluation.objects.get(body=body, month=f"{month}-01").score


# -- warnings --------------------------------------------------------------------------------


def test_a_serious_event_raises_a_warning_to_the_body_with_a_working_day_deadline(
    market_body, market_dept
) -> None:  # type: ignore[no-untyped-def]
    event = archive.add_event(
        market_body, "mass_incident", dt.date(2026, 10, 9), channel=SHARED, source_doc="舆情专报"
    )
    warning = Warning.objects.get(event=event)
    today = dt.date.today()
    assert warning.status == WarningStatus.OPEN and warning.raised_on == today
    assert warning.deadline == due_after(today, 5)
    assert "5个工作日" in warning.rule and "不履职引发群体性事件" in warning.rule
    notice = Notice.objects.get(department=market_dept, kind="integrity_warning")
    assert "预警" in notice.title and warning.rule in notice.body
    assert AuditEvent.objects.filter(object_type="integrity.warning").count() == 1


def test_an_ordinary_event_raises_no_warning_and_an_origin_is_warned_once(
    bodies,
) -> None:  # type: ignore[no-untyped-def]
    archive.add_event(bodies["edu"], "rating_bad", dt.date(2026, 10, 9), channel=SHARED)
    assert not Warning.objects.exists()
    for _ in range(2):
        archive.add_event(
            bodies["edu"], "fraud", dt.date(2026, 10, 9), channel=SHARED, origin="test:1"
        )
    assert IntegrityEvent.objects.filter(origin="test:1").count() == 1
    assert Warning.objects.count() == 1


def test_a_warning_is_closed_by_its_own_body_or_by_rectification(
    market_body, market_submitter, tax_submitter, bodies
) -> None:  # type: ignore[no-untyped-def]
    event = archive.add_event(market_body, "fraud", dt.date(2026, 10, 9), channel=SHARED)
    warning = Warning.objects.get(event=event)
    with pytest.raises(IntegrityError, match="只能处置本单位"):
        close_warning(warning, "已核实", tax_submitter)
    with pytest.raises(IntegrityError, match="处置情况"):
        close_warning(warning, " ", market_submitter)
    close_warning(warning, "已约谈相关责任人并整改", market_submitter)
    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED and warning.closed_by == market_submitter

    other = archive.add_event(bodies["fin"], "sxbzxr", dt.date(2026, 10, 1), channel=SHARED)
    archive.clear_event(other, repaired_on=dt.date(2026, 10, 20))
    assert Warning.objects.get(event=other).status == WarningStatus.CLOSED


def test_events_are_checked_against_the_model(bodies) -> None:  # type: ignore[no-untyped-def]
    body = bodies["edu"]
    with pytest.raises(IntegrityError, match="事件类别“flood”"):
        archive.add_event(body, "flood", dt.date(2026, 10, 1), channel=SHARED)
    with pytest.raises(IntegrityError, match="须注明级别"):
        archive.add_event(body, "honour", dt.date(2026, 10, 1), channel=SHARED)
    with pytest.raises(IntegrityError, match="信息来源"):
        archive.add_event(body, "fraud", dt.date(2026, 10, 1), channel="rumour")
    assert not IntegrityEvent.objects.exists()


# -- the dishonest-bodies list ---------------------------------------------------------------


def test_a_dishonest_item_not_rectified_in_six_months_escalates_the_body(
    bodies,
) -> None:  # type: ignore[no-untyped-def]
    body = bodies["water"]
    event = archive.add_event(body, "breach_ruling", dt.date(2026, 3, 15), channel=SHARED)
    item = DishonestItem.objects.get(event=event)
    assert item.found_on == dt.date(2026, 3, 15) and item.rectify_by == dt.date(2026, 9, 15)
    other = archive.add_event(body, "rating_bad", dt.date(2026, 3, 15), channel=SHARED)
    assert not DishonestItem.objects.filter(event=other).exists()  # not a dishonesty kind

    assert dishonest.escalate_due(dt.date(2026, 9, 15)).escalated == []  # last day to rectify
    sweep = dishonest.escalate_due(dt.date(2026, 9, 16))
    assert [i.pk for i in sweep.escalated] == [item.pk] and "1项" in sweep.explain()
    item.refresh_from_db()
    assert item.escalated_on == dt.date(2026, 9, 16)
    entry = item.list_entry
    assert entry is not None and entry.list_code == "zfsx" and entry.public
    assert entry.start_date == dt.date(2026, 9, 16) and entry.end_date == dt.date(2029, 9, 15)
    assert entry.source == EntrySource.RULE and "逾期未整改" in entry.reason
    assert "3年内不得参加评先评优" in entry.legal_basis
    assert dishonest.escalate_due(dt.date(2026, 9, 17)).escalated == []
    assert ListEntry.objects.filter(list_code="zfsx").count() == 1


def test_an_item_rectified_in_time_does_not_escalate(bodies) -> None:  # type: ignore[no-untyped-def]
    body = bodies["fin"]
    event = archive.add_event(body, "commitment_unkept", dt.date(2026, 1, 31), channel=SHARED)
    assert DishonestItem.objects.get(event=event).rectify_by == dt.date(2026, 7, 31)
    archive.clear_event(event, rectified_on=dt.date(2026, 7, 31))
    assert DishonestItem.objects.get(event=event).rectified_on == dt.date(2026, 7, 31)
    assert dishonest.escalate_due(dt.date(2026, 11, 1)).escalated == []
    assert list(dishonest.open_items()) == []


def test_honours_during_the_three_year_bar_do_not_count(bodies) -> None:  # type: ignore[no-untyped-def]
    barred, free = bodies["water"], bodies["edu"]
    archive.add_event(barred, "breach_ruling", dt.date(2026, 3, 15), channel=SHARED)
    dishonest.escalate_due(dt.date(2026, 9, 16))
    for body in (barred, free):
        archive.add_event(body, "honour", dt.date(2026, 10, 8), channel=SHARED, level="省级")
    evaluate_month(dt.date(2026, 10, 1))
    mine = Evaluation.objects.get(body=barred, month="2026-10-01").contributions["items"]
    honour = next(i for i in mine if i["item"] == "QZGX-3")
    assert honour["points"] == "0.00" and honour["rules"] == ["honour_barred"]
    assert len(honour["events"]) == 1
    theirs = Evaluation.objects.get(body=free, month="2026-10-01").contributions["items"]
    assert next(i for i in theirs if i["item"] == "QZGX-3")["points"] == "2.00"


# -- events from the platform's registers ----------------------------------------------------


def test_an_arrear_past_due_counts_until_repaid_then_stops_the_month_after(
    operator, market_dept, market_body
) -> None:  # type: ignore[no-untyped-def]
    arrear = arrears.record_arrear(
        operator,
        debtor_kind=DebtorKind.DEPARTMENT,
        debtor_department=market_dept,
        creditor_name="示范县甲建筑工程有限公司",
        creditor_uscc="91350100M000100Y43",
        amount="80",
        due_date=dt.date(2026, 6, 30),
        basis="《办公楼改造工程施工合同》",
        today=dt.date(2026, 5, 1),
    )
    assert not IntegrityEvent.objects.exists()  # not yet due
    assert sources.sync_all(dt.date(2026, 6, 30)).arrears == 0
    counts = sources.sync_all(dt.date(2026, 7, 1))
    event = IntegrityEvent.objects.get(origin=f"arrear:{arrear.pk}")
    assert counts.arrears == 1 and event.kind == "arrears" and event.channel == SHARED
    assert event.event_date == dt.date(2026, 7, 1)
    assert Warning.objects.filter(event=event).exists()
    assert DishonestItem.objects.filter(event=event).exists()
    sources.sync_all(dt.date(2026, 7, 2))
    assert IntegrityEvent.objects.count() == 1

    arrears.repay(
        operator, arrear, dt.date(2026, 8, 10), "80", "转账凭证", today=dt.date(2026, 8, 10)
    )
    event.refresh_from_db()
    assert event.repaired_on == dt.date(2026, 8, 10)
    assert month_score(market_body, "2026-08") == Decimal("97.00")
    assert month_score(market_body, "2026-09") == Decimal("100.00")


def test_a_disputed_arrear_does_not_count(operator, market_dept, market_body) -> None:  # type: ignore[no-untyped-def]
    arrear = arrears.record_arrear(
        operator,
        debtor_kind=DebtorKind.DEPARTMENT,
        debtor_department=market_dept,
        creditor_name="示范县甲建筑工程有限公司",
        creditor_uscc="91350100M000100Y43",
        amount="30",
        due_date=dt.date(2026, 6, 30),
        basis="《物业服务合同》",
        today=dt.date(2026, 5, 1),
        disputed=True,
        dispute_note="服务质量存在争议",
    )
    sources.sync_all(dt.date(2026, 7, 5))
    assert not IntegrityEvent.objects.filter(origin=f"arrear:{arrear.pk}").exists()


def test_a_court_listed_body_gets_one_warning_and_its_event_is_repaired_on_exit(
    market_dept, market_body
) -> None:  # type: ignore[no-untyped-def]
    subject = market_body.subject
    entry = ListEntry.objects.create(
        list_code="sxbzxr",
        rules_version="2026.1",
        subject=subject,
        listed_name=subject.name,
        listed_code=subject.uscc,
        name_key=name_key(subject.name),
        entry_key="(2026)浙0101执99号|gov",
        reason="有履行能力而拒不履行生效法律文书确定义务",
        authority_name="示范县人民法院",
        doc_no="(2026)浙0101执99号",
        start_date=dt.date(2026, 10, 12),
        source=EntrySource.IMPORT,
    )
    arrears.court_listed_bodies(dt.date(2026, 10, 12))
    event = IntegrityEvent.objects.get(kind="sxbzxr")
    assert event.event_date == dt.date(2026, 10, 12) and "执99号" in event.source_doc
    assert Notice.objects.filter(department=market_dept).count() == 1
    assert Warning.objects.filter(event=event).count() == 1
    entry.status = "removed"
    entry.save()
    arrears.court_listed_bodies(dt.date(2026, 10, 26))
    event.refresh_from_db()
    assert event.repaired_on == dt.date(2026, 10, 26)


def test_a_substantiated_complaint_counts_against_the_body_it_was_assigned_to(
    operator, market_submitter, market_dept, market_body
) -> None:  # type: ignore[no-untyped-def]
    complaint, _ = complaints.file_complaint(
        complainant=complaints.Complainant(
            name="示范县甲建筑工程有限公司",
            uscc="91350100M000100Y43",
            contact="张经理",
            phone="0571-88880000",
        ),
        category=Category.PROMISE,
        facts="招商引资协议约定的厂房租金减免至今未兑现，多次催告无果",
        target_department=market_dept,
        today=dt.date(2026, 6, 1),
    )
    complaints.assign(operator, complaint, market_dept, "请核实", today=dt.date(2026, 6, 1))
    complaint.refresh_from_db()
    complaints.answer(
        market_submitter,
        complaint,
        "协议约定的减免确未兑现，已报县政府研究整改",
        today=dt.date(2026, 6, 3),
    )
    complaint.refresh_from_db()
    complaints.close(
        operator, complaint, Finding.SUBSTANTIATED, "协议减免未兑现属实", today=dt.date(2026, 6, 4)
    )
    event = IntegrityEvent.objects.get(origin=f"complaint:{complaint.pk}")
    assert event.kind == "complaint" and event.event_date == dt.date(2026, 6, 4)
    assert month_score(market_body, "2026-06") == Decimal("99.00")


# -- withdrawal and correction ---------------------------------------------------------------


def test_a_withdrawn_event_stops_counting_and_voids_its_warning_item_and_escalation(
    bodies,
) -> None:  # type: ignore[no-untyped-def]
    body = bodies["water"]
    event = archive.add_event(body, "fraud", dt.date(2026, 3, 2), channel=SHARED, origin="feed:1")
    dishonest.escalate_due(dt.date(2026, 9, 3))
    item = DishonestItem.objects.get(event=event)
    assert item.list_entry is not None and item.list_entry.status == "active"
    assert month_score(body, "2026-03") == Decimal("95.00")

    assert archive.remove_event("feed:1", "经核实为不实报道")
    assert not archive.remove_event("feed:1", "again")  # twice: nothing more
    event.refresh_from_db()
    item.refresh_from_db()
    assert event.withdrawn_on is not None and event.withdraw_reason == "经核实为不实报道"
    assert item.voided_on is not None and "不实报道" in item.void_reason
    assert item.rectified_on is None  # voided, not "rectified"
    assert item.list_entry is not None and item.list_entry.status == "removed"
    warning = Warning.objects.get(event=event)
    assert warning.status == WarningStatus.CLOSED and "已撤销" in warning.response
    assert month_score(body, "2026-03") == Decimal("100.00")  # re-run: no longer counts
    assert IntegrityEvent.objects.filter(origin="feed:1").exists()  # history kept

    archive.add_event(body, "fraud", dt.date(2026, 3, 2), channel=SHARED, origin="feed:1")
    event.refresh_from_db()
    assert event.withdrawn_on is None  # the source came back: it counts again
    assert month_score(body, "2026-03") == Decimal("95.00")


def test_a_corrected_origin_moves_its_warning_and_item_to_the_right_body(
    bodies,
) -> None:  # type: ignore[no-untyped-def]
    wrong, right = bodies["edu"], bodies["water"]
    event = archive.add_event(wrong, "fraud", dt.date(2026, 9, 2), channel=SHARED, origin="x:1")
    archive.add_event(right, "fraud", dt.date(2026, 9, 5), channel=SHARED, origin="x:1")
    warning = Warning.objects.get(event=event)
    item = DishonestItem.objects.get(event=event)
    assert warning.body == right and right.name in warning.title
    assert item.body == right and item.rectify_by == dt.date(2027, 3, 5)

    archive.add_event(right, "rating_bad", dt.date(2026, 9, 5), channel=SHARED, origin="x:1")
    warning.refresh_from_db()
    item.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED and "不再属于预警类别" in warning.response
    assert item.voided_on is not None


def test_a_register_sync_keeps_a_rectification_it_does_not_own(
    bodies,
) -> None:  # type: ignore[no-untyped-def]
    body = bodies["fin"]
    event = archive.add_event(body, "arrears", dt.date(2026, 7, 1), channel=SHARED, origin="a:1")
    archive.clear_event(event, rectified_on=dt.date(2026, 8, 1))
    archive.add_event(body, "arrears", dt.date(2026, 7, 1), channel=SHARED, origin="a:1")
    event.refresh_from_db()
    assert event.rectified_on == dt.date(2026, 8, 1)
    assert DishonestItem.objects.get(event=event).rectified_on == dt.date(2026, 8, 1)


def test_the_honours_bar_ends_when_the_body_leaves_the_list_early(
    bodies,
) -> None:  # type: ignore[no-untyped-def]
    from xinyong.lists.models import EntryStatus
    from xinyong.lists.models import EventKind as ListEventKind
    from xinyong.lists.services import change_status

    body = bodies["water"]
    archive.add_event(body, "breach_ruling", dt.date(2026, 1, 10), channel=SHARED)
    dishonest.escalate_due(dt.date(2026, 7, 11))
    entry = ListEntry.objects.get(list_code="zfsx")
    assert entry.end_date == dt.date(2029, 7, 10)  # the model's 3 years
    change_status(
        entry,
        EntryStatus.REMOVED,
        ListEventKind.LEAVE,
        "信用修复",
        "信用办",
        day=dt.date(2026, 9, 1),
    )
    assert dishonest.honour_bars()[body.pk] == [(dt.date(2026, 7, 11), dt.date(2026, 8, 31))]
