"""Local lists: entries need the department's criteria; expiry; removal (R-LST-1…4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from tests.lists.conftest import company, company_code, person_id

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.lists.models import EntrySource, EntryStatus, EventKind, ListCriterion, ListEntry
from xinyong.lists.services import ListError, ResponsiblePerson, add_entry, expire_due, remove_entry


def _add(user, department, criteria, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "list_code": "serious",
        "subject": company("示范县壬食品有限公司", company_code(101)),
        "department": department,
        "reason": "生产经营添加非食用物质的食品，受到较重行政处罚",
        "legal_basis": "《市场监督管理严重违法失信名单管理办法》第九条",
        "criteria": criteria,
        "doc_no": "示市监严失〔2026〕1号",
        "start_date": dt.date(2026, 1, 5),
    }
    values.update(overrides)
    return add_entry(user, **values)


def test_an_entry_needs_criteria(market_submitter, market_dept) -> None:
    with pytest.raises(ListError, match="认定标准"):
        _add(market_submitter, market_dept, [])


def test_criteria_must_be_the_departments_own_and_in_force(
    market_submitter, market_dept, tax_dept, criterion: ListCriterion
) -> None:
    other = ListCriterion.objects.create(
        department=tax_dept,
        list_code="serious",
        code="SW-1",
        title="偷税",
        text="偷税",
        legal_basis="征管法",
        effective_from=dt.date(2020, 1, 1),
    )
    with pytest.raises(ListError, match="不是示范县市场监督管理局"):
        _add(market_submitter, market_dept, [other])
    criterion.effective_to = dt.date(2025, 12, 31)
    criterion.save()
    with pytest.raises(ListError, match="不在有效期内"):
        _add(market_submitter, market_dept, [criterion])


def test_a_criterion_of_another_list_does_not_count(
    market_submitter, market_dept, red_criterion: ListCriterion
) -> None:
    with pytest.raises(ListError, match="不是"):
        _add(market_submitter, market_dept, [red_criterion])


def test_it_refuses_a_submitter_of_another_department_and_audits_it(
    tax_submitter, market_dept, criterion: ListCriterion
) -> None:
    with pytest.raises(PermissionDenied):
        _add(tax_submitter, market_dept, [criterion])
    denied = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert "列入严重失信主体名单" in denied.summary
    assert not ListEntry.objects.exists()


def test_responsible_persons_get_entries_that_are_not_public(
    market_submitter, market_dept, criterion: ListCriterion, today: dt.date
) -> None:
    entry = _add(
        market_submitter,
        market_dept,
        [criterion],
        start_date=today,
        responsible=[ResponsiblePerson("钱某", person_id(5), "法定代表人")],
    )
    assert entry.public and entry.status == EntryStatus.ACTIVE
    assert entry.end_date is not None and entry.end_date > today
    related = entry.related_entries.get()
    assert related.source == EntrySource.RELATED and not related.public
    assert related.subject is not None and related.subject.name == "钱某"
    assert related.listed_code == related.subject.id_masked
    assert ListEntry.objects.public(today).count() == 1
    assert related.events.get().kind == EventKind.ENTER


def test_the_same_entry_twice_is_refused(
    market_submitter, market_dept, criterion: ListCriterion
) -> None:
    _add(market_submitter, market_dept, [criterion])
    with pytest.raises(ListError, match="请勿重复列入"):
        _add(market_submitter, market_dept, [criterion])


def test_removing_an_entry_takes_its_persons_with_it(
    market_submitter, tax_submitter, market_dept, criterion: ListCriterion
) -> None:
    entry = _add(
        market_submitter,
        market_dept,
        [criterion],
        responsible=[ResponsiblePerson("孙某", person_id(6), "实际控制人")],
    )
    with pytest.raises(PermissionDenied):
        remove_entry(tax_submitter, entry, "误列")
    with pytest.raises(ListError, match="说明原因"):
        remove_entry(market_submitter, entry, " ")
    event = remove_entry(market_submitter, entry, "行政处罚决定被撤销")
    assert event.kind == EventKind.LEAVE
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED
    assert entry.related_entries.get().status == EntryStatus.REMOVED


def test_expiry_is_idempotent(
    market_submitter, market_dept, criterion: ListCriterion, today: dt.date
) -> None:
    entry = _add(
        market_submitter,
        market_dept,
        [criterion],
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2024, 12, 31),
        responsible=[ResponsiblePerson("周某", person_id(8), "主要负责人")],
    )
    kept = _add(
        market_submitter,
        market_dept,
        [criterion],
        doc_no="示市监严失〔2026〕2号",
        start_date=today,
    )
    assert expire_due(today) == 1
    entry.refresh_from_db()
    assert entry.status == EntryStatus.EXPIRED
    expire = entry.events.get(kind=EventKind.EXPIRE)
    assert expire.date == dt.date(2025, 1, 1)
    assert entry.related_entries.get().status == EntryStatus.EXPIRED
    events = entry.events.count()
    assert expire_due(today) == 0
    assert entry.events.count() == events
    kept.refresh_from_db()
    assert kept.status == EntryStatus.ACTIVE


def test_a_national_list_is_not_entered_by_hand(
    operator, market_dept, criterion: ListCriterion
) -> None:
    with pytest.raises(ListError, match="只能从公布的名单文件导入"):
        _add(operator, market_dept, [criterion], list_code="sxbzxr")
