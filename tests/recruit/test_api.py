"""The recruit API: a unit files and reads its own requests; the answer is yes/no only."""

from __future__ import annotations

import json

from tests.recruit.conftest import CLEAR_ID, LISTED_ID
from tests.recruit.helpers import review_all_and_release

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.recruit.models import RecruitRequest


def _file(client):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/recruit/requests",
        data=json.dumps(
            {
                "doc_no": "示市监函〔2026〕12号",
                "title": "关于查询拟录用人员社会信用记录的函",
                "purpose": "hire",
                "persons": [
                    {"name": "张三", "id_number": LISTED_ID},
                    {"name": "赵六", "id_number": CLEAR_ID},
                ],
            }
        ),
        content_type="application/json",
    )


def test_a_unit_files_and_reads_the_yes_no_answer_by_api(
    client, market_submitter, operator, operator2, entries
) -> None:
    client.force_login(market_submitter)
    created = _file(client)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["countdown"] == "剩余3个工作日"
    assert body["answer"] == []
    req = RecruitRequest.objects.get(pk=body["id"])
    assert client.get(f"/api/v1/recruit/requests/{req.pk}").json()["answer"] == []
    review_all_and_release(req, operator, operator2)
    got = client.get(f"/api/v1/recruit/requests/{req.pk}").json()
    assert [(a["name"], a["result_display"]) for a in got["answer"]] == [
        ("张三", "有失信记录"),
        ("赵六", "无失信记录"),
    ]
    assert set(got["answer"][0]) == {
        "position",
        "name",
        "id_masked",
        "result",
        "result_display",
        "objection_until",
    }
    assert "秘密事由" not in json.dumps(got, ensure_ascii=False)
    assert [r["id"] for r in client.get("/api/v1/recruit/requests").json()] == [req.pk]
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, actor=market_submitter, object_id=str(req.pk)
    ).exists()


def test_another_unit_gets_403_by_api_and_invalid_numbers_422(
    client, market_submitter, tax_submitter, entries
) -> None:
    client.force_login(market_submitter)
    req_id = _file(client).json()["id"]
    client.force_login(tax_submitter)
    response = client.get(f"/api/v1/recruit/requests/{req_id}")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=tax_submitter).exists()
    assert client.get("/api/v1/recruit/requests").json() == []
    bad = client.post(
        "/api/v1/recruit/requests",
        data=json.dumps(
            {
                "doc_no": "示税函1号",
                "title": "函",
                "purpose": "transfer",
                "persons": [{"name": "张三", "id_number": "330102199001010013"}],
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "第1人（张三）：身份证号码无效" in bad.json()["message"]
