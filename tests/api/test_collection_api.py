"""The collection API (/api/v1/records, /files, /batches): rows, files, verdicts, revocation."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from tests.ingest.factories import penalty, to_csv, to_xlsx

from xinyong.audit.models import AuditEvent
from xinyong.catalog.model import default_catalog
from xinyong.departments.models import ApiToken, Department, User
from xinyong.ingest.models import Batch, BatchStatus
from xinyong.ingest.services import submit_file
from xinyong.records.models import CreditRecord, RecordStatus, Source


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def market_key(market_submitter: User) -> dict[str, str]:
    return bearer(ApiToken.issue(market_submitter, "处罚系统对接")[1])


@pytest.fixture
def tax_key(tax_submitter: User) -> dict[str, str]:
    return bearer(ApiToken.issue(tax_submitter, "税务系统对接")[1])


@pytest.fixture
def operator_key(operator: User) -> dict[str, str]:
    return bearer(ApiToken.issue(operator, "信用办")[1])


def post_rows(
    client: Client,
    headers: dict[str, str],
    rows: list[dict[str, Any]],
    department: str | None = None,
    type_code: str = "xzcf",
) -> Any:
    body: dict[str, Any] = {"rows": rows}
    if department is not None:
        body["department"] = department
    return client.post(
        f"/api/v1/records/{type_code}", body, content_type="application/json", headers=headers
    )


def by_keys(row: dict[str, Any]) -> dict[str, Any]:
    """The same row keyed by field keys instead of Chinese labels."""
    labels = {f.label: f.key for f in default_catalog().type("xzcf").fields}
    return {labels[k]: v for k, v in row.items()}


# -- rows -------------------------------------------------------------------------------------


def test_posting_rows_returns_a_verdict_for_every_row(
    client: Client, market_key: dict[str, str], market_dept: Department
) -> None:
    code = market_dept.code
    rows = [
        penalty(1, code),
        penalty(2, code, **{"处罚决定日期": "2026-02-30", "罚款金额（万元）": "五千元"}),
        by_keys(penalty(3, code)),
    ]
    response = post_rows(client, market_key, rows, department=code)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["submitted"], body["accepted"], body["rejected"]) == (3, 2, 1)
    assert body["accepted"] + body["rejected"] == body["submitted"]
    assert body["created"] == 2
    verdicts = {v["row"]: v for v in body["rows"]}
    assert verdicts[1]["accepted"] and verdicts[1]["action"] == "create"
    assert verdicts[1]["action_display"] == "新增"
    assert CreditRecord.objects.filter(pk=verdicts[1]["record_id"]).exists()
    assert verdicts[3]["accepted"] and verdicts[3]["record_id"] is not None
    rejected = verdicts[2]
    assert rejected["accepted"] is False and rejected["record_id"] is None
    assert {"field": "处罚决定日期", "message": "日期“2026-02-30”不存在"} in rejected["errors"]
    assert {"field": "罚款金额（万元）", "message": "金额“五千元”不是数字"} in rejected["errors"]
    batch = Batch.objects.get(pk=body["batch"])
    assert batch.source == Source.API and batch.department == market_dept


def test_a_submitter_may_leave_out_its_own_department(
    client: Client, market_key: dict[str, str], market_dept: Department
) -> None:
    response = post_rows(client, market_key, [penalty(1, market_dept.code)])
    assert response.status_code == 200
    assert CreditRecord.objects.get().department == market_dept


def test_the_market_token_posting_for_the_tax_department_gets_403_with_the_reason(
    client: Client, market_key: dict[str, str], tax_dept: Department
) -> None:
    response = post_rows(client, market_key, [penalty(1, tax_dept.code)], department=tax_dept.code)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "forbidden"
    assert (
        body["message"] == "您属于“示范县市场监督管理局”，无权操作“国家税务总局示范县税务局”的数据"
    )
    assert CreditRecord.objects.count() == 0 and Batch.objects.count() == 0
    assert AuditEvent.objects.filter(action="denied").exists()


def test_more_than_5000_rows_in_one_call_are_refused_with_413(
    client: Client, market_key: dict[str, str], market_dept: Department
) -> None:
    response = post_rows(client, market_key, [{}] * 5001, department=market_dept.code)
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_many_rows" and "5000" in body["message"]
    assert Batch.objects.count() == 0


def test_empty_rows_an_unknown_type_and_an_unknown_department_are_refused_in_chinese(
    client: Client, market_key: dict[str, str], market_dept: Department
) -> None:
    empty = post_rows(client, market_key, [], department=market_dept.code)
    assert empty.status_code == 422 and empty.json()["message"] == "没有提交任何记录"
    unknown = post_rows(client, market_key, [penalty(1, market_dept.code)], type_code="nope")
    assert unknown.status_code == 404 and "不在目录中" in unknown.json()["message"]
    nobody = post_rows(client, market_key, [penalty(1, "x")], department="91330100MA0000012X")
    assert nobody.status_code == 422 and "没有统一社会信用代码为" in nobody.json()["message"]
    assert CreditRecord.objects.count() == 0


def test_resubmitting_by_api_updates_then_counts_unchanged(
    client: Client, market_key: dict[str, str], market_dept: Department
) -> None:
    code = market_dept.code
    first = post_rows(client, market_key, [penalty(1, code)]).json()
    changed = penalty(1, code, **{"处罚内容": "罚款人民币九千元", "罚款金额（万元）": "0.9"})
    second = post_rows(client, market_key, [changed]).json()
    assert second["updated"] == 1 and second["rows"][0]["action"] == "update"
    assert second["rows"][0]["record_id"] == first["rows"][0]["record_id"]
    third = post_rows(client, market_key, [changed]).json()
    assert third["unchanged"] == 1 and third["rows"][0]["action"] == "unchanged"

    detail = client.get(f"/api/v1/records/{first['rows'][0]['record_id']}", headers=market_key)
    body = detail.json()
    assert body["version"] == 2
    assert [v["action"] for v in body["versions"]] == ["create", "update", "unchanged"]
    assert body["versions"][0]["data"]["penalty_content"] == "罚款人民币五千元"
    assert body["data"]["penalty_content"] == "罚款人民币九千元"
    assert body["batch"] == second["batch"] and body["source"] == "api"
    assert body["submitter"] == "scjg" and len(body["content_hash"]) == 64


# -- files ------------------------------------------------------------------------------------


def test_uploading_a_file_returns_the_batch_summary(
    client: Client, market_key: dict[str, str], market_dept: Department
) -> None:
    rows = [penalty(n, market_dept.code) for n in range(1, 4)]
    rows.append(penalty(4, market_dept.code, **{"处罚决定日期": "2026-02-30"}))
    response = client.post(
        "/api/v1/files/xzcf",
        {"department": market_dept.code, "file": io.BytesIO(to_xlsx(rows))},
        headers=market_key,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done" and body["status_display"] == "已完成"
    assert (body["submitted"], body["accepted"], body["rejected"]) == (4, 3, 1)
    assert body["department"]["code"] == market_dept.code and body["type_name"] == "行政处罚"

    batch = client.get(f"/api/v1/batches/{body['id']}", headers=market_key).json()
    assert batch["rejected_rows"] == [
        {"row": 5, "errors": [{"field": "处罚决定日期", "message": "日期“2026-02-30”不存在"}]}
    ]


def test_a_gbk_csv_upload_by_api_is_collected(
    client: Client, market_key: dict[str, str], market_dept: Department
) -> None:
    data = io.BytesIO(to_csv([penalty(1, market_dept.code)], "gbk"))
    data.name = "处罚.csv"
    body = client.post("/api/v1/files/xzcf", {"file": data}, headers=market_key).json()
    assert body["accepted"] == 1 and body["encoding"] == "GBK/GB18030"


def test_a_file_that_is_not_a_spreadsheet_is_refused_by_the_api(
    client: Client, market_key: dict[str, str], market_dept: Department
) -> None:
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    png.name = "处罚.xlsx"
    response = client.post("/api/v1/files/xzcf", {"file": png}, headers=market_key)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "file_rejected" and "文件不是电子表格" in body["message"]
    assert Batch.objects.get(pk=body["detail"]["batch"]).status == BatchStatus.FAILED
    assert CreditRecord.objects.count() == 0


# -- batches and records ----------------------------------------------------------------------


@pytest.fixture
def tax_batch(tax_submitter: User, tax_dept: Department) -> Batch:
    data = io.BytesIO(to_csv([penalty(1, tax_dept.code)]))
    return submit_file(tax_submitter, tax_dept, "xzcf", data, "税务.csv")


def test_another_departments_batch_and_record_are_forbidden(
    client: Client, market_key: dict[str, str], tax_batch: Batch
) -> None:
    record = CreditRecord.objects.get(batch=tax_batch)
    for response in (
        client.get(f"/api/v1/batches/{tax_batch.pk}", headers=market_key),
        client.get(f"/api/v1/records/{record.pk}", headers=market_key),
        client.post(
            f"/api/v1/records/{record.pk}/revoke",
            {"reason": "越权"},
            content_type="application/json",
            headers=market_key,
        ),
    ):
        assert response.status_code == 403
        assert "无权操作“国家税务总局示范县税务局”的数据" in response.json()["message"]
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE


def test_the_record_list_holds_the_own_departments_records_and_the_operator_sees_all(
    client: Client,
    market_key: dict[str, str],
    operator_key: dict[str, str],
    market_dept: Department,
    tax_batch: Batch,
) -> None:
    post_rows(client, market_key, [penalty(n, market_dept.code) for n in range(1, 4)])
    own = client.get("/api/v1/records?type=xzcf&page_size=2", headers=market_key).json()
    assert own["total"] == 3 and own["pages"] == 2 and len(own["items"]) == 2
    assert {item["department"]["code"] for item in own["items"]} == {market_dept.code}
    second = client.get("/api/v1/records?type=xzcf&page_size=2&page=2", headers=market_key)
    assert len(second.json()["items"]) == 1
    everything = client.get("/api/v1/records", headers=operator_key).json()
    assert everything["total"] == 4
    none = client.get("/api/v1/records?type=xzxk", headers=market_key).json()
    assert none["total"] == 0 and none["items"] == []


def test_revoking_by_api_needs_a_reason_and_keeps_the_versions(
    client: Client, market_key: dict[str, str], market_dept: Department
) -> None:
    record_id = post_rows(client, market_key, [penalty(1, market_dept.code)]).json()["rows"][0][
        "record_id"
    ]
    url = f"/api/v1/records/{record_id}/revoke"
    missing = client.post(url, {"reason": ""}, content_type="application/json", headers=market_key)
    assert missing.status_code == 422
    blank = client.post(url, {"reason": "   "}, content_type="application/json", headers=market_key)
    assert blank.status_code == 422 and blank.json()["message"] == "撤销须填写原因"

    done = client.post(
        url, {"reason": "复议撤销"}, content_type="application/json", headers=market_key
    )
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "revoked" and body["revoked_reason"] == "复议撤销"
    assert [v["action"] for v in body["versions"]] == ["create", "revoke"]
    assert not CreditRecord.objects.public().filter(pk=record_id).exists()

    again = client.post(
        url, {"reason": "再撤"}, content_type="application/json", headers=market_key
    )
    assert again.status_code == 409 and again.json()["message"] == "该记录已撤销"


def test_the_collection_endpoints_are_documented_in_chinese(client: Client, db: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert paths["/api/v1/records/{type_code}"]["post"]["summary"] == "按行报送信用记录"
    assert "post" in paths["/api/v1/files/{type_code}"]
    assert "get" in paths["/api/v1/batches/{batch_id}"]
    assert "get" in paths["/api/v1/records"]
    assert "get" in paths["/api/v1/records/{record_id}"]
    assert "post" in paths["/api/v1/records/{record_id}/revoke"]
    schemas = document["components"]["schemas"]
    assert (
        schemas["RowVerdictOut"]["properties"]["errors"]["description"]
        == "拒绝原因：每个有误字段一条"
    )


def test_calls_without_credentials_get_401(client: Client, db: Any) -> None:
    response = client.post("/api/v1/records/xzcf", {"rows": []}, content_type="application/json")
    assert response.status_code == 401
