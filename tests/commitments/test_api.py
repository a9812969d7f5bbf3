"""The commitments API (/api/v1/commitments): sign, list own, verify, materials; permissions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from xinyong.audit.models import AuditEvent
from xinyong.commitments.models import Commitment, CommitmentStatus
from xinyong.departments.models import ApiToken, User
from xinyong.records.models import Source
from xinyong.workdays.services import get_calendar

URL = "/api/v1/commitments"


def key(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user, '承诺系统')[1]}"}


def body(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "sqxk",
        "subject": {"name": "示范县绿源建材有限公司", "code": "91350100M000100Y43"},
        "matter": "建筑施工企业安全生产许可",
        "signer": "王五",
    }
    data.update(extra)
    return data


def test_a_department_signs_lists_its_own_and_verifies_by_api(
    client: Client, market_submitter: User, tax_submitter: User
) -> None:
    headers = key(market_submitter)
    signed = body(signed_at="2025-03-03T10:00:00+08:00")
    response = client.post(URL, signed, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["kind_name"] == "涉企经营许可事项告知承诺" and out["public"] is True
    due = get_calendar().add(dt.date(2025, 3, 3), 40)
    assert out["verify_by"] == due.isoformat() and "40个工作日内" in out["explanation"]
    number = out["number"]
    assert Commitment.objects.get(number=number).channel == "api"
    # the tax department's own commitment is not in the market department's list
    client.post(URL, body(kind="zmsx"), content_type="application/json", headers=key(tax_submitter))
    listed = client.get(URL, headers=headers).json()
    assert [c["number"] for c in listed["items"]] == [number] and listed["total"] == 1

    response = client.post(
        f"{URL}/{number}/verifications",
        {"result": "untrue", "note": "经核查，安全生产管理人员证书系伪造"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["status"] == "untrue" and out["record_id"]
    assert out["verifications"][0]["result_display"] == "不实"
    c = Commitment.objects.select_related("record").get(number=number)
    assert c.record is not None and c.record.source == Source.API


def test_a_department_cannot_verify_another_departments_commitment_by_api(
    client: Client, market_submitter: User, tax_submitter: User
) -> None:
    number = client.post(
        URL, body(), content_type="application/json", headers=key(market_submitter)
    ).json()["number"]
    response = client.post(
        f"{URL}/{number}/verifications",
        {"result": "untrue", "note": "不实"},
        content_type="application/json",
        headers=key(tax_submitter),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden" and "无权操作" in response.json()["message"]
    assert AuditEvent.objects.filter(
        action="denied", actor=tax_submitter, summary__contains=number
    ).exists()
    assert Commitment.objects.get(number=number).status == CommitmentStatus.ACTIVE
    # nor read it
    assert client.get(f"{URL}/{number}", headers=key(tax_submitter)).status_code == 404


def test_a_bad_code_or_kind_is_refused_in_chinese(client: Client, market_submitter: User) -> None:
    headers = key(market_submitter)
    bad = body(subject={"name": "某公司", "code": "91350100M000100Y4X"})
    response = client.post(URL, bad, content_type="application/json", headers=headers)
    assert response.status_code == 422 and "统一社会信用代码" in response.json()["message"]
    response = client.post(URL, body(kind="xxx"), content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert not Commitment.objects.exists()


def test_materials_reported_in_time_fulfil_a_rongque_commitment(
    client: Client, market_submitter: User
) -> None:
    headers = key(market_submitter)
    out = client.post(
        URL, body(kind="rqsl"), content_type="application/json", headers=headers
    ).json()
    assert out["due_date"] and out["public"] is False
    response = client.post(
        f"{URL}/{out['number']}/materials",
        {"note": "已补交"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["status"] == "fulfilled"
