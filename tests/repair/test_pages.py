"""The portal's repair box, application, confirmation and progress pages; the office queue and
decisions; the departments' API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.repair.factories import COMPANY_CODE, apply_values

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.core.publicity import add_months
from xinyong.departments.models import ApiToken
from xinyong.records.models import RecordStatus
from xinyong.repair import services
from xinyong.repair.models import RepairApplication, RepairStatus

PDF = b"%PDF-1.4\n%%EOF\n"


def form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "subject_code": COMPANY_CODE,
        "applicant_name": "李经办",
        "applicant_phone": "13800000000",
        "statement": "罚款已缴清，已整改。",
        "obligations_fulfilled": "on",
        "commitment_signed": "on",
        "commitment_signer": "张法人",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_record_page_shows_tier_earliest_date_conditions_and_the_button(
    client, company, make_penalty, today
):
    due = make_penalty(company, add_months(today, -4))
    page = client.get(f"/record/{due.pk}/").content.decode()
    assert "一般失信" in page and "按公布的规则推定" in page
    assert f"{due.decision_date:%Y}" in page
    assert "已满最短公示期3个月" in page
    assert "作出信用修复承诺" in page
    assert f'href="/repair/record/{due.pk}/apply/"' in page and "申请信用修复" in page

    early = make_penalty(company, today - dt.timedelta(days=10), tier="严重")
    page = client.get(f"/record/{early.pk}/").content.decode()
    earliest = add_months(early.decision_date, 12)
    assert f"{earliest:%Y年%m月%d日}起可申请信用修复" in page
    assert f"/repair/record/{early.pk}/apply/" not in page


def test_a_licence_page_has_no_repair_box(client, company, market_dept):
    from tests.portal.factories import make_record

    licence = make_record(company, market_dept, "xzxk")
    assert "申请信用修复" not in client.get(f"/record/{licence.pk}/").content.decode()


def test_a_visitor_applies_sees_the_tracking_number_once_and_follows_progress(
    client, company, make_penalty, today, market_submitter
):
    record = make_penalty(company, add_months(today, -4))
    url = f"/repair/record/{record.pk}/apply/"
    assert "信用修复承诺书" in client.get(url).content.decode()
    refused = client.post(url, form(commitment_signed=None))
    assert refused.status_code == 400
    assert "信用修复承诺书" in refused.content.decode()

    response = client.post(
        url, {**form(), "materials": SimpleUploadedFile("凭证.pdf", PDF)}, follow=True
    )
    page = response.content.decode()
    application = RepairApplication.objects.get()
    assert application.tracking_no in page and "查询码" in page
    assert application.materials.count() == 1
    assert client.get("/repair/submitted/").status_code == 302  # the code is shown only once

    progress = client.get(f"/repair/track/{application.tracking_no}/").content.decode()
    assert "已提交，待受理" in progress and "提交申请" in progress
    services.refuse(market_submitter, application, "缴款凭证不清晰")
    progress = client.get(f"/repair/track/{application.tracking_no}/").content.decode()
    assert "不予修复理由" in progress and "缴款凭证不清晰" in progress


def test_another_visitor_cannot_open_an_application_without_its_code(
    client, company, make_penalty, today
):
    application, code = services.submit_application(
        record=make_penalty(company, add_months(today, -4)), **apply_values()
    )
    url = f"/repair/track/{application.tracking_no}/"
    assert client.get(url).status_code == 302
    wrong = client.post(
        "/repair/track/", {"tracking_no": application.tracking_no, "access_code": "AAAAAAAA"}
    )
    assert wrong.status_code == 400 and "不正确" in wrong.content.decode()
    assert client.get(url).status_code == 302
    right = client.post(
        "/repair/track/", {"tracking_no": application.tracking_no, "access_code": code}
    )
    assert right.status_code == 302 and right["Location"] == url
    assert client.get(url).status_code == 200


def test_the_office_queue_shows_only_the_own_departments_applications(
    client, company, make_penalty, today, market_submitter, tax_submitter, operator
):
    application, _ = services.submit_application(
        record=make_penalty(company, add_months(today, -4)), **apply_values()
    )
    client.force_login(tax_submitter)
    assert application.tracking_no not in client.get("/office/repair/").content.decode()
    denied = client.get(f"/office/repair/{application.pk}/")
    assert denied.status_code == 403 and "无权操作" in denied.content.decode()
    assert client.post(f"/office/repair/{application.pk}/approve/").status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=tax_submitter).count() == 2
    application.refresh_from_db()
    assert application.status == RepairStatus.SUBMITTED

    client.force_login(operator)
    assert application.tracking_no in client.get("/office/repair/").content.decode()

    client.force_login(market_submitter)
    page = client.get(f"/office/repair/{application.pk}/").content.decode()
    assert "受理期限" in page and "剩余" in page
    # the rule the conditions came from, by its name
    assert "国家发展改革委令" in page and application.condition_rule not in page
    client.post(f"/office/repair/{application.pk}/refuse/", {"reason": ""})
    application.refresh_from_db()
    assert application.status == RepairStatus.SUBMITTED
    client.post(f"/office/repair/{application.pk}/review/", {"reason": "材料齐全"})
    client.post(f"/office/repair/{application.pk}/approve/", {"reason": "符合条件"})
    application.refresh_from_db()
    assert application.status == RepairStatus.APPROVED
    assert application.record is not None
    assert application.record.status == RecordStatus.REPAIRED


@pytest.fixture
def keys(market_submitter, tax_submitter):
    return {
        "market": {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(market_submitter, 't')[1]}"},
        "tax": {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(tax_submitter, 't')[1]}"},
    }


def test_departments_list_and_decide_their_own_applications_by_api(
    client, company, make_penalty, today, keys
):
    record = make_penalty(company, add_months(today, -4))
    application, _ = services.submit_application(record=record, **apply_values())
    assert client.get("/api/v1/repair/applications", **keys["tax"]).json() == []
    listed = client.get("/api/v1/repair/applications", **keys["market"]).json()
    assert [a["tracking_no"] for a in listed] == [application.tracking_no]
    assert listed[0]["workdays_left"] is not None and listed[0]["deadline"].startswith("受理期限")

    url = f"/api/v1/repair/applications/{application.pk}/decision"
    refuse = {"decision": "refuse", "reason": ""}
    denied = client.post(
        url, json.dumps({"decision": "approve"}), content_type="application/json", **keys["tax"]
    )
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    empty = client.post(url, json.dumps(refuse), content_type="application/json", **keys["market"])
    assert empty.status_code == 422 and "理由" in empty.json()["message"]
    done = client.post(
        url,
        json.dumps({"decision": "approve", "reason": "已缴清"}),
        content_type="application/json",
        **keys["market"],
    )
    assert done.status_code == 200 and done.json()["status"] == "approved"
    again = client.post(
        url, json.dumps({"decision": "approve"}), content_type="application/json", **keys["market"]
    )
    assert again.status_code == 409

    info = client.get(f"/api/v1/repair/records/{record.pk}", **keys["market"]).json()
    assert info["tier"] == "一般" and info["status"] == "repaired" and info["eligible"] is False
    assert client.get(f"/api/v1/repair/records/{record.pk}", **keys["tax"]).status_code == 403


def test_downloading_an_applications_material_is_audited(
    client, company, make_penalty, today, market_submitter
):
    application, _ = services.submit_application(
        record=make_penalty(company, add_months(today, -4)),
        files=[SimpleUploadedFile("缴款凭证.pdf", PDF, content_type="application/pdf")],
        **apply_values(),
    )
    material = application.materials.get()
    client.force_login(market_submitter)
    response = client.get(f"/office/repair/{application.pk}/materials/{material.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    read = AuditEvent.objects.get(
        action=AuditAction.READ, actor=market_submitter, summary__contains="下载申请材料"
    )
    assert "缴款凭证.pdf" in read.summary and application.tracking_no in read.summary
