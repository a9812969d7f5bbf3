"""信用承诺覆盖率 on a hand-built month: which licences a commitment covers, and why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from tests.commitments.helpers import at, company, sign
from tests.portal.factories import make_record

from xinyong.commitments import services
from xinyong.commitments.coverage import coverage
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import PermissionDenied
from xinyong.ingest.services import revoke_record
from xinyong.subjects.models import Subject

MONTH = dt.date(2025, 6, 1)


def licence(subject: Subject, department: Department, day: dt.date, doc_no: str) -> int:
    return make_record(subject, department, "xzxk", decision_date=day, doc_no=doc_no).pk


@pytest.fixture
def june(
    market_submitter: User, market_dept: Department, tax_submitter: User, tax_dept: Department
) -> dict[str, int]:
    """Market: 5 licences in June 2025, 2 covered; tax: 1 licence, covered."""
    a, b, c, d, e, f = (company(n) for n in range(1, 7))
    # A: signed 10 days before its licence → covered
    sign(market_submitter, market_dept, "zmsx", a, signed_at=at(dt.date(2025, 6, 5)))
    # B: 容缺 signed the same day → covered
    sign(market_submitter, market_dept, "rqsl", b, signed_at=at(dt.date(2025, 6, 20)))
    # C: a commitment signed with the TAX department → not covered for market
    sign(tax_submitter, tax_dept, "zmsx", c, signed_at=at(dt.date(2025, 6, 1)))
    # D: signed 100 days before (beyond 90) → not covered
    sign(market_submitter, market_dept, "zmsx", d, signed_at=at(dt.date(2025, 3, 1)))
    # E: a 主动型承诺 (not a coverage kind) → not covered
    sign(market_submitter, market_dept, "zdx", e, signed_at=at(dt.date(2025, 6, 1)))
    # F: covered, but its licence was revoked → not counted at all
    sign(market_submitter, market_dept, "zmsx", f, signed_at=at(dt.date(2025, 6, 1)))
    subjects = {s.uscc: s for s in Subject.objects.all()}

    def subj(x):  # type: ignore[no-untyped-def]
        return subjects[x.code]

    ids = {
        "a": licence(subj(a), market_dept, dt.date(2025, 6, 15), "许A"),
        "b": licence(subj(b), market_dept, dt.date(2025, 6, 20), "许B"),
        "c": licence(subj(c), market_dept, dt.date(2025, 6, 10), "许C"),
        "d": licence(subj(d), market_dept, dt.date(2025, 6, 9), "许D"),
        "e": licence(subj(e), market_dept, dt.date(2025, 6, 3), "许E"),
        "c_tax": licence(subj(c), tax_dept, dt.date(2025, 6, 30), "税许C"),
        # July: outside the month
        "a_july": licence(subj(a), market_dept, dt.date(2025, 7, 1), "许A7"),
    }
    from xinyong.records.models import CreditRecord

    revoked = CreditRecord.objects.get(pk=licence(subj(f), market_dept, dt.date(2025, 6, 2), "许F"))
    revoke_record(market_submitter, revoked, "许可被依法撤销")
    return ids


def test_coverage_per_department_and_overall_on_a_hand_built_month(
    june: dict[str, int], operator: User, market_dept: Department, tax_dept: Department
) -> None:
    report = coverage(operator, MONTH, items=True)
    rows = {f.department.code: f for f in report.rows if f.department}
    market, tax = rows[market_dept.code], rows[tax_dept.code]
    assert (market.licences, market.covered, market.rate) == (5, 2, 40.0)
    assert (tax.licences, tax.covered, tax.rate) == (1, 1, 100.0)
    assert (report.total.licences, report.total.covered, report.total.rate) == (6, 3, 50.0)
    assert "2 ÷ 5 = 40.0%" in market.explanation
    reasons = {item.doc_no: item for item in market.items}
    assert reasons["许A"].covered and "决定前10天" in reasons["许A"].reason
    assert reasons["许B"].covered and "决定当日" in reasons["许B"].reason
    assert not reasons["许C"].covered and "未在本部门签署" in reasons["许C"].reason
    assert not reasons["许D"].covered and "90天" in reasons["许D"].reason
    assert not reasons["许E"].covered
    assert "许F" not in reasons and "许A7" not in reasons


def test_a_commitment_naming_the_licence_covers_it_whenever_signed(
    market_submitter: User, market_dept: Department, operator: User
) -> None:
    who = company(9)
    sign(
        market_submitter,
        market_dept,
        "sqxk",
        who,
        signed_at=at(dt.date(2024, 1, 5)),
        licence_doc_no="许Z",
    )
    subject = Subject.objects.get(uscc=who.code)
    licence(subject, market_dept, dt.date(2025, 6, 15), "许Z")
    figure = coverage(operator, MONTH, department=market_dept, items=True).rows[0]
    assert figure.covered == 1 and "载明许可决定文书号许Z" in figure.items[0].reason


def test_a_withdrawn_commitment_covers_nothing(
    june: dict[str, int], market_submitter: User, market_dept: Department, operator: User
) -> None:
    first = (
        services.visible_commitments(operator)
        .filter(kind="zmsx", department=market_dept)
        .order_by("signed_at")
        .last()
    )
    assert first is not None
    services.withdraw(market_submitter, first, reason="申请人撤回申请")
    market = coverage(operator, MONTH, department=market_dept).rows[0]
    assert market.covered == 1


def test_a_department_sees_only_its_own_coverage(
    june: dict[str, int], market_submitter: User, tax_dept: Department
) -> None:
    report = coverage(market_submitter, MONTH)
    assert [f.department.name for f in report.rows if f.department] == ["示范县市场监督管理局"]
    with pytest.raises(PermissionDenied):
        coverage(market_submitter, MONTH, department=tax_dept)


def test_the_coverage_page_shows_the_figure_and_the_licences_behind_it(
    june: dict[str, int], client: Client, market_submitter: User
) -> None:
    client.force_login(market_submitter)
    page = client.get("/office/commitments/coverage/?month=2025-06").content.decode()
    assert "40.0%" in page and "口径" in page
    assert "许A" in page and "未覆盖" in page
