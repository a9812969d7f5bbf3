"""Repair test data: penalties stored as the collection pipeline stores them, checkers, list
entries and what an applicant fills in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from tests.portal.factories import make_record

from xinyong.core import publicity
from xinyong.departments.models import Department
from xinyong.jrp.models import Check, CheckItem
from xinyong.lists.models import EntrySource, ListEntry
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject

COMPANY_CODE = "91350100M000100Y43"
PERSON_NUMBER = "11010519491231002X"


def penalty(
    subject: Subject,
    department: Department,
    decided: dt.date,
    *,
    tier: str | None = None,
    category: str = "罚款",
    doc_no: str | None = None,
) -> CreditRecord:
    """A 行政处罚 with tier and window set as the pipeline sets them (tier given when ``tier``)."""
    data: dict[str, Any] = {"tier": tier} if tier else {}
    window = publicity.publicity_window(
        "xzcf", decided, None, {**data, "penalty_category": category}
    )
    record = make_record(
        subject,
        department,
        "xzcf",
        decision_date=decided,
        penalty_category=category,
        doc_no=doc_no,
        data=data,
        published=window.published or window.tier == "轻微",
        start=decided,
        end=window.longest_end - dt.timedelta(days=1) if window.longest_end else None,
    )
    record.tier = window.tier or ""
    record.publicity_rule = window.rule_id
    if window.tier == "轻微" and not window.longest_end:
        # a 轻微 record the department chose to publish: at most 3 months (令第36号)
        record.publicity_end = publicity.add_months(decided, 3) - dt.timedelta(days=1)
    record.save(update_fields=["tier", "publicity_rule", "publicity_end"])
    return record


def checked_by(department: Department, subject: Subject) -> Check:
    """``department`` checked ``subject`` (so it is told when the subject's record changes)."""
    run = Check.objects.create(
        department=department,
        scenario="xzxk",
        via="api",
        checked_on=timezone.localdate(),
        queries=1,
        hits=1,
        measures_version="test",
    )
    CheckItem.objects.create(check_run=run, position=1, subject=subject, query_code="x")
    return run


def entry(
    subject: Subject,
    list_code: str,
    *,
    department: Department | None = None,
    record: CreditRecord | None = None,
    start: dt.date,
    end: dt.date | None = None,
    key: str = "",
) -> ListEntry:
    """A list entry stored directly (the lists app's own tests cover how entries are added)."""
    return ListEntry.objects.create(
        list_code=list_code,
        rules_version="test",
        subject=subject,
        listed_name=subject.name,
        listed_code=subject.uscc or "",
        name_key=subject.name,
        entry_key=key or f"{list_code}:{subject.pk}:{start}",
        reason="列入事由",
        department=department,
        authority_name=department.name if department else "人民法院",
        doc_no=f"认定〔{start.year}〕{subject.pk}号",
        start_date=start,
        end_date=end,
        source=EntrySource.MANUAL if department else EntrySource.IMPORT,
        record=record,
    )


def apply_values(code: str = COMPANY_CODE, **overrides: Any) -> dict[str, Any]:
    """What an applicant fills in the form."""
    values: dict[str, Any] = {
        "subject_code": code,
        "applicant_name": "李经办",
        "applicant_phone": "13800000000",
        "statement": "罚款已于当月缴清，违法行为已整改。",
        "obligations_fulfilled": True,
        "training_done": True,
        "commitment_signed": True,
        "commitment_signer": "张法人",
    }
    values.update(overrides)
    return values
