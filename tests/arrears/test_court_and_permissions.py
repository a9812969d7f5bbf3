"""发现一起、预警一起、退出一起, and who may see and change which arrears."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.arrears.conftest import CREDITOR, owed_by

from xinyong.arrears import services
from xinyong.arrears.models import Arrear, CourtWatch, EventKind
from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.permissions import PermissionDenied
from xinyong.jrp.models import Notice
from xinyong.lists.models import EntrySource, EntryStatus, ListEntry
from xinyong.lists.models import EventKind as ListEventKind
from xinyong.lists.services import change_status, name_key


def _court_list(subject, start: dt.date = dt.date(2026, 10, 12)) -> ListEntry:  # type: ignore[no-untyped-def]
    return ListEntry.objects.create(
        list_code="sxbzxr",
        rules_version="2026.1",
        subject=subject,
        listed_name=subject.name,
        listed_code=subject.uscc,
        name_key=name_key(subject.name),
        entry_key="(2026)浙0101执88号|gov",
        reason="有履行能力而拒不履行生效法律文书确定义务",
        authority_name="示范县人民法院",
        doc_no="(2026)浙0101执88号",
        start_date=start,
        source=EntrySource.IMPORT,
    )


def test_a_court_listed_body_is_found_warned_and_exits(operator, market_dept, market_body) -> None:  # type: ignore[no-untyped-def]
    arrear = owed_by(operator, market_dept)
    assert arrear.debtor_subject == market_body and not arrear.court_listed
    entry = _court_list(market_body)

    assert services.court_listed_bodies(dt.date(2026, 10, 11)).found == []  # not yet listed
    sweep = services.court_listed_bodies(dt.date(2026, 10, 12))
    assert [w.subject for w in sweep.found] == [market_body]
    watch = sweep.found[0]
    assert watch.department == market_dept and watch.case_no == "(2026)浙0101执88号"
    notice = Notice.objects.get(department=market_dept)
    assert "失信被执行人" in notice.title and "100万元" in notice.body
    arrear.refresh_from_db()
    assert arrear.court_listed
    assert arrear.events.filter(kind=EventKind.LISTED).count() == 1

    again = services.court_listed_bodies(dt.date(2026, 10, 12))
    assert again.found == [] and [w.pk for w in again.listed] == [watch.pk]
    assert Notice.objects.filter(department=market_dept).count() == 1

    services.repay(
        operator, arrear, dt.date(2026, 10, 20), "100", "执行款", today=dt.date(2026, 10, 20)
    )
    change_status(
        entry, EntryStatus.REMOVED, ListEventKind.LEAVE, "已履行，法院删除失信信息", "法院"
    )
    sweep = services.court_listed_bodies(dt.date(2026, 10, 26))
    assert [w.pk for w in sweep.exited] == [watch.pk] and sweep.listed == []
    watch.refresh_from_db()
    assert watch.exited_on == dt.date(2026, 10, 26)
    assert Notice.objects.filter(department=market_dept).count() == 2
    arrear.refresh_from_db()
    assert not arrear.court_listed
    assert "2家" not in sweep.explain() and "退出1家" in sweep.explain()
    assert CourtWatch.objects.count() == 1


def test_other_subjects_on_the_court_list_are_not_tracked(operator) -> None:  # type: ignore[no-untyped-def]
    from xinyong.subjects.models import Subject, SubjectKind

    company = Subject.objects.create(kind=SubjectKind.LEGAL, name=CREDITOR[0], uscc=CREDITOR[1])
    _court_list(company)
    assert services.court_listed_bodies(dt.date(2026, 10, 12)).found == []


def test_departments_see_and_change_only_their_own_arrears(  # type: ignore[no-untyped-def]
    client, operator, market_submitter, tax_submitter, market_dept, tax_dept
) -> None:
    mine = owed_by(market_submitter, market_dept)
    with pytest.raises(PermissionDenied):
        owed_by(tax_submitter, market_dept)
    theirs = owed_by(operator, tax_dept, amount="5")

    client.force_login(market_submitter)
    page = client.get("/office/arrears/").content.decode()
    assert f"/office/arrears/{mine.pk}/" in page and f"/office/arrears/{theirs.pk}/" not in page
    assert client.get(f"/office/arrears/{mine.pk}/").status_code == 200

    denied = AuditEvent.objects.filter(action=AuditAction.DENIED).count()
    assert client.get(f"/office/arrears/{theirs.pk}/").status_code == 403
    response = client.post(
        f"/office/arrears/{theirs.pk}/repay/",
        {"paid_on": "2026-07-01", "amount": "5", "proof": "越权登记"},
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == denied + 2
    theirs.refresh_from_db()
    assert theirs.paid == 0

    # The debtor department reports its own repayment through the simple form.
    response = client.post(
        f"/office/arrears/{mine.pk}/repay/",
        {"paid_on": "2026-07-01", "amount": "25", "proof": "国库集中支付凭证123"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "partial"

    client.force_login(operator)
    page = client.get("/office/arrears/").content.decode()
    assert f"/office/arrears/{theirs.pk}/" in page and f"/office/arrears/{mine.pk}/" in page


def test_the_operator_records_a_state_enterprise_arrear_by_form(
    client, operator, market_dept
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(operator)
    assert client.get("/office/arrears/new/").status_code == 200
    response = client.post(
        "/office/arrears/new/",
        {
            "debtor_kind": "state",
            "debtor_name": "示范县城市建设投资集团有限公司",
            "debtor_uscc": "91330100MA2ABCDF8G",
            "department": market_dept.pk,
            "creditor_name": CREDITOR[0],
            "creditor_uscc": CREDITOR[1],
            "creditor_sme": "on",
            "amount": "12.345678",
            "due_date": "2026-03-31",
            "basis": "道路工程施工合同",
        },
    )
    assert response.status_code == 302, response.content.decode()
    arrear = Arrear.objects.get()
    assert arrear.department == market_dept and arrear.debtor_kind == "state"
    response = client.post(
        f"/office/arrears/{arrear.pk}/plan/",
        {"lines": "2026-12-31 10\n2027-03-31 2.345678", "note": "分两期"},
    )
    assert response.status_code == 302
    page = client.get(f"/office/arrears/{arrear.pk}/").content.decode()
    assert "2027-03-31" in page and "制定还款计划" in page
    assert client.get("/office/arrears/court/").status_code == 200


def test_the_daily_command_finds_and_warns(operator, market_dept, market_body) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import call_command

    owed_by(operator, market_dept)
    _court_list(market_body)
    out = StringIO()
    call_command("arrears", "court-watch", "--date", "2026-10-12", stdout=out)
    assert "发现并预警" in out.getvalue() and "新发现1家" in out.getvalue()
    out = StringIO()
    call_command("arrears", "court-watch", "--date", "2026-10-12", stdout=out)
    assert "新发现0家" in out.getvalue() and "仍在名单1家" in out.getvalue()
