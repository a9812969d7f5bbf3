"""Objection fixtures: a 行政处罚 record submitted through the collection pipeline, a serious-
dishonesty entry based on it, and a national-list entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import MARKET_CODE
from tests.ingest.factories import penalty
from tests.objections.helpers import DAY

from xinyong.departments.models import Department, User
from xinyong.ingest.services import submit_rows
from xinyong.lists.models import EntrySource, ListCriterion, ListEntry
from xinyong.lists.services import add_entry, name_key
from xinyong.records.models import CreditRecord, Source


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path: Path, schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    settings.XINYONG_INGEST_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def record(market_submitter: User, market_dept: Department) -> CreditRecord:
    """A public penalty of the market regulator, submitted through the pipeline."""
    _, verdicts = submit_rows(
        market_submitter, market_dept, "xzcf", [penalty(1, MARKET_CODE)], source=Source.API
    )
    assert verdicts[0].accepted, verdicts[0].errors
    found = CreditRecord.objects.get(pk=verdicts[0].record_id)
    assert found.is_public_on(DAY)
    return found


@pytest.fixture
def entry(record: CreditRecord, market_submitter: User, market_dept: Department) -> ListEntry:
    """A serious-dishonesty entry decided on the basis of ``record``."""
    criterion = ListCriterion.objects.create(
        department=market_dept,
        list_code="serious",
        code="SC-1",
        title="食品安全严重违法",
        text="因食品安全违法受到较重行政处罚的",
        legal_basis="《市场监督管理严重违法失信名单管理办法》",
        effective_from=dt.date(2020, 1, 1),
    )
    return add_entry(
        market_submitter,
        list_code="serious",
        subject=record.subject,
        department=market_dept,
        reason="销售过期食品，情节严重",
        legal_basis="《市场监督管理严重违法失信名单管理办法》第二条",
        criteria=[criterion],
        doc_no="示市监严失〔2026〕1号",
        start_date=dt.date(2026, 3, 10),
        record=record,
    )


@pytest.fixture
def national_entry(record: CreditRecord) -> ListEntry:
    """A 失信被执行人 entry imported from the national file (no department of ours)."""
    return ListEntry.objects.create(
        list_code="sxbzxr",
        rules_version="2026.1",
        subject=record.subject,
        listed_name=record.subject.name,
        listed_code=record.subject.public_code,
        name_key=name_key(record.subject.name),
        entry_key="(2026)浙0101执1号|x",
        reason="有履行能力而拒不履行生效法律文书确定义务",
        authority_name="示范县人民法院",
        doc_no="(2026)浙0101执1号",
        start_date=dt.date(2026, 2, 1),
        source=EntrySource.IMPORT,
    )
