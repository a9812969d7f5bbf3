"""Who sees a complaint: its complainant with the access code, the credit office, and the
department it was assigned to — nobody else (403 and an audit event)."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.complaints.conftest import ENTERPRISE_B, file

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.complaints import services
from xinyong.complaints.models import Complaint, Status
from xinyong.departments.permissions import PermissionDenied

PDF = b"%PDF-1.4 test material"


def test_a_complainant_cannot_see_another_complaint(market_dept) -> None:  # type: ignore[no-untyped-def]
    mine, my_code = file(market_dept)
    theirs, their_code = file(market_dept, which=ENTERPRISE_B)
    with pytest.raises(services.AccessDenied) as wrong_code:
        services.check_access(theirs.number, my_code)
    with pytest.raises(services.AccessDenied) as wrong_number:
        services.check_access("TS20260601000000", my_code)
    assert str(wrong_code.value) == str(wrong_number.value) == services.ACCESS_DENIED
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 2
    assert services.check_access(mine.number.lower(), my_code.replace("-", "")) == mine

    client = Client()
    page = client.post("/complaint/progress/", {"number": theirs.number, "code": my_code})
    assert page.status_code == 200
    text = page.content.decode()
    assert services.ACCESS_DENIED in text and ENTERPRISE_B[0] not in text
    page = client.post("/complaint/progress/", {"number": theirs.number, "code": their_code})
    assert ENTERPRISE_B[0] in page.content.decode() and "待转办" in page.content.decode()


def test_an_enterprise_files_on_the_portal_with_materials(client, market_dept, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.get("/complaint/")
    assert page.status_code == 200 and "政务失信投诉" in page.content.decode()
    page = client.post(
        "/complaint/",
        {
            "enterprise_name": "示范县甲建筑工程有限公司",
            "enterprise_uscc": "91350100M000100Y43",
            "contact": "李经理",
            "phone": "13800000000",
            "target_department": market_dept.pk,
            "category": "arrears",
            "facts": "工程款300万元验收后两年未支付，多次催告无果",
            "materials": [SimpleUploadedFile("合同.pdf", PDF, "application/pdf")],
        },
    )
    assert page.status_code == 200, page.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.number in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    material = complaint.materials.get()
    assert material.filename == "合同.pdf" and material.size == len(PDF)
    assert str(settings.DATA_DIR) in material.stored_path

    bad = client.post(
        "/complaint/",
        {
            "enterprise_name": "某公司",
            "enterprise_uscc": "123",
            "contact": "李经理",
            "phone": "13800000000",
            "target_name": "某局",
            "category": "promise",
            "facts": "承诺的奖励资金至今没有兑现到位",
        },
    )
    assert "统一社会信用代码无效" in bad.content.decode()
    assert Complaint.objects.count() == 1


def test_departments_see_only_complaints_assigned_to_them(  # type: ignore[no-untyped-def]
    client, operator, market_submitter, tax_submitter, market_dept
) -> None:
    complaint, _ = file(market_dept)
    # Not yet assigned: no department sees it, the refusal is audited.
    client.force_login(market_submitter)
    assert client.get(f"/office/complaints/{complaint.pk}/").status_code == 403
    assert client.get("/office/complaints/").content.decode().count(complaint.number) == 0

    services.assign(operator, complaint, market_dept, today=complaint.filed_on)
    page = client.get("/office/complaints/")
    assert complaint.number in page.content.decode()
    assert client.get(f"/office/complaints/{complaint.pk}/").status_code == 200

    client.force_login(tax_submitter)
    assert complaint.number not in client.get("/office/complaints/").content.decode()
    before = AuditEvent.objects.filter(action=AuditAction.DENIED).count()
    page = client.get(f"/office/complaints/{complaint.pk}/")
    assert page.status_code == 403 and "无权" in page.content.decode()
    page = client.post(f"/office/complaints/{complaint.pk}/answer/", {"text": "越权答复的内容说明"})
    assert page.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == before + 2
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED and complaint.answer == ""

    # A department answers, but never assigns or closes.
    with pytest.raises(PermissionDenied):
        services.assign(market_submitter, complaint, market_dept)
    client.force_login(market_submitter)
    client.post(
        f"/office/complaints/{complaint.pk}/answer/", {"text": "已核实，协议约定的减免将于月底兑现"}
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED
    with pytest.raises(PermissionDenied):
        services.close(market_submitter, complaint, "substantiated", "属实的理由说明")

    client.force_login(operator)
    page = client.post(
        f"/office/complaints/{complaint.pk}/close/",
        {"finding": "substantiated", "reason": "承诺未按期兑现属实"},
    )
    assert page.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.finding == "substantiated"


def test_the_operator_queue_flags_overdue_complaints(client, operator, market_dept) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    complaint, _ = file(market_dept, day=dt.date(2026, 6, 1))
    client.force_login(operator)
    page = client.get("/office/complaints/").content.decode()
    assert complaint.number in page and "已超期" in page
    page = client.get(f"/office/complaints/{complaint.pk}/").content.decode()
    assert "转办" in page and "张经理" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, object_id=str(complaint.pk), object_type="complaints.complaint"
    ).exists()
