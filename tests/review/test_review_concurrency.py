"""Two departments importing at once (background upload threads, several web workers)."""

from __future__ import annotations

import io
import threading

import pytest
from django.db import connection
from tests.ingest.factories import penalty, to_csv

from xinyong.ingest import pipeline
from xinyong.ingest.models import Batch, BatchStatus
from xinyong.ingest.services import SubmissionError, submit_file
from xinyong.records.models import CreditRecord, RecordVersion
from xinyong.subjects.models import Subject


@pytest.mark.django_db(transaction=True)
def test_two_departments_importing_the_same_companies_at_once(
    market_submitter, market_dept, tax_submitter, tax_dept, monkeypatch
):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite test databases are in memory, not shared with threads")
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 50)
    n = 400
    files = {
        "market": to_csv([penalty(i, market_dept.code) for i in range(1, n + 1)]),
        "tax": to_csv(
            [
                penalty(
                    i,
                    tax_dept.code,
                    **{"行政处罚决定书文号": f"税罚〔2026〕{i}号", "处罚机关": tax_dept.name},
                )
                for i in range(1, n + 1)
            ]
        ),
    }
    who = {"market": (market_submitter, market_dept), "tax": (tax_submitter, tax_dept)}
    start = threading.Barrier(2)
    errors: dict[str, str] = {}

    def run(name: str) -> None:
        user, dept = who[name]
        start.wait()
        try:
            submit_file(user, dept, "xzcf", io.BytesIO(files[name]), f"{name}.csv")
        except SubmissionError as exc:
            errors[name] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == {}
    assert set(Batch.objects.values_list("status", flat=True)) == {BatchStatus.DONE}
    assert Subject.objects.count() == n
    assert CreditRecord.objects.count() == 2 * n


@pytest.mark.django_db(transaction=True)
def test_the_same_decision_resubmitted_twice_at_once_keeps_a_clean_history(
    market_submitter, market_dept, monkeypatch
):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite test databases are in memory, not shared with threads")
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 50)
    n = 300
    first = to_csv([penalty(i, market_dept.code) for i in range(1, n + 1)])
    submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(first), "v1.csv")
    versions = [
        to_csv([penalty(i, market_dept.code, **{"处罚内容": f"第{v}版"}) for i in range(1, n + 1)])
        for v in (2, 3)
    ]
    start = threading.Barrier(2)
    errors: list[str] = []

    def run(data: bytes) -> None:
        start.wait()
        try:
            submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(data), "v.csv")
        except SubmissionError as exc:
            errors.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(data,)) for data in versions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for record in CreditRecord.objects.all():
        numbers = list(
            RecordVersion.objects.filter(record=record)
            .order_by("pk")
            .values_list("version", flat=True)
        )
        assert numbers == [1, 2, 3], (record.pk, numbers)
        assert record.version == 3
