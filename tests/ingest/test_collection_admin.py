"""The admin of batches and records: Chinese, read-only, records never deleted."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from tests.ingest.factories import penalty, to_csv

from xinyong.departments.models import Department, User
from xinyong.ingest.models import Batch
from xinyong.ingest.services import submit_file
from xinyong.records.models import CreditRecord, RecordVersion


@pytest.fixture
def batch(market_submitter: User, market_dept: Department) -> Batch:
    rows = [
        penalty(1, market_dept.code),
        penalty(2, market_dept.code, **{"处罚决定日期": "2026-02-30"}),
    ]
    return submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv(rows)), "处罚.csv")


def test_the_operator_reads_batches_records_and_versions_in_the_admin(
    client: Client, operator: User, batch: Batch
) -> None:
    record = CreditRecord.objects.get()
    version = RecordVersion.objects.get()
    client.force_login(operator)
    pages = {
        "/admin/ingest/batch/": "报送批次",
        f"/admin/ingest/batch/{batch.pk}/change/": "被拒绝的行",
        "/admin/records/creditrecord/": "信用记录",
        f"/admin/records/creditrecord/{record.pk}/change/": "历史版本",
        "/admin/records/recordversion/": "记录版本",
        f"/admin/records/recordversion/{version.pk}/change/": "记录版本",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode()
    batch_page = client.get(f"/admin/ingest/batch/{batch.pk}/change/").content.decode()
    assert "日期“2026-02-30”不存在" in batch_page
    assert f"/office/batches/{batch.pk}/" in batch_page


@pytest.mark.parametrize("model", [Batch, CreditRecord, RecordVersion])
def test_nothing_collected_can_be_added_changed_or_deleted_in_the_admin(
    operator: User, model: Any
) -> None:
    request = RequestFactory().get("/admin/")
    request.user = operator
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


def test_a_record_cannot_be_deleted_through_the_admin_url(
    client: Client, operator: User, batch: Batch
) -> None:
    record = CreditRecord.objects.get()
    client.force_login(operator)
    response = client.post(f"/admin/records/creditrecord/{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CreditRecord.objects.filter(pk=record.pk).exists()
