"""Filing on the portal and by an operator, materials, and the objector's access code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.objections.helpers import DAY, file_on

from xinyong.audit.models import AuditEvent
from xinyong.departments.models import User
from xinyong.departments.permissions import PermissionDenied
from xinyong.objections import services
from xinyong.objections.models import Channel, Material, Objection
from xinyong.records.models import CreditRecord

PDF = b"%PDF-1.4\n% test\n"
FORM = {
    "objector_name": "示范县第1商贸有限公司",
    "objector_code": "",
    "phone": "13800000000",
    "email": "",
    "reasons": "处罚决定已被复议机关变更，公示内容有误",
    "requested": "处罚内容改为警告",
}


def _ends_today(record: CreditRecord, day: dt.date) -> None:
    CreditRecord.objects.filter(pk=record.pk).update(publicity_end=day)
    record.refresh_from_db()


def test_an_objection_filed_on_the_last_day_of_publicity_is_accepted(
    record: CreditRecord,
) -> None:
    _ends_today(record, DAY)
    objection, code = file_on(record, day=DAY)
    assert objection.channel == Channel.PORTAL
    assert objection.target_public
    assert len(code.replace("-", "")) == 12


def test_the_next_day_the_portal_refuses_but_an_operator_can_file(
    record: CreditRecord, operator: User
) -> None:
    _ends_today(record, DAY)
    next_day = DAY + dt.timedelta(days=1)
    with pytest.raises(services.ObjectionError, match="不在公示期内"):
        file_on(record, day=next_day)
    objection, _ = file_on(record, day=next_day, user=operator)
    assert objection.channel == Channel.OFFICE
    assert not objection.target_public
    assert objection.filed_by == operator


def test_a_department_user_cannot_file_for_a_subject(
    record: CreditRecord, market_submitter: User
) -> None:
    with pytest.raises(PermissionDenied, match="只有信用办管理员"):
        file_on(record, user=market_submitter)


def test_the_objector_id_number_is_kept_hashed_and_shown_masked(record: CreditRecord) -> None:
    objection, _ = file_on(record, code="11010519491231002X")
    assert objection.objector_code_masked == "1101**********002X"
    assert "11010519491231002X" not in objection.objector_code_cipher
    assert objection.objector_code_hash and "1101" not in objection.objector_code_hash
    with pytest.raises(services.ObjectionError, match="无效"):
        file_on(record, code="110105194912310021")


def test_the_portal_form_files_with_materials_and_shows_the_code_once(
    client: Client, record: CreditRecord
) -> None:
    page = client.get(f"/objection/record/{record.pk}/")
    assert page.status_code == 200
    assert "信息异议申请" in page.content.decode()
    form = {**FORM, "objector_code": record.subject.uscc}
    form["materials"] = [SimpleUploadedFile("复议决定书.pdf", PDF, "application/pdf")]
    response = client.post(f"/objection/record/{record.pk}/", form)
    assert response.status_code == 200
    text = response.content.decode()
    objection = Objection.objects.get()
    assert objection.number in text
    assert "查询码只显示这一次" in text
    material = Material.objects.get()
    assert material.filename == "复议决定书.pdf"
    assert Path(material.stored_path).read_bytes() == PDF
    assert Path(material.stored_path).is_relative_to(Path(settings.DATA_DIR))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "类型不受支持"),
        ("假的.pdf", b"MZ\x90\x00", "内容不是PDF文件"),
        ("空的.png", b"", "空文件"),
    ],
)
def test_a_bad_material_is_refused_in_chinese_and_nothing_is_stored(
    client: Client, record: CreditRecord, name: str, content: bytes, message: str
) -> None:
    form = {**FORM, "objector_code": record.subject.uscc}
    form["materials"] = [SimpleUploadedFile(name, content)]
    response = client.post(f"/objection/record/{record.pk}/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Objection.objects.exists()
    assert not Material.objects.exists()
    assert not (Path(settings.DATA_DIR) / "objections").exists() or not any(
        (Path(settings.DATA_DIR) / "objections").rglob("*.*")
    )


def test_too_large_a_material_is_refused(client: Client, record: CreditRecord) -> None:
    big = PDF + b"0" * (10 * 1024 * 1024)
    form = {**FORM, "objector_code": record.subject.uscc}
    form["materials"] = [SimpleUploadedFile("大.pdf", big)]
    response = client.post(f"/objection/record/{record.pk}/", form)
    assert "超过10MB" in response.content.decode()
    assert not Objection.objects.exists()


def test_the_progress_page_opens_only_with_the_right_access_code(
    client: Client, record: CreditRecord
) -> None:
    mine, my_code = file_on(record)
    other, other_code = file_on(record, reasons="另一位异议人的异议理由")
    # someone else's code does not open my objection, and says nothing more than "wrong"
    wrong = client.post("/objection/progress/", {"number": mine.number, "code": other_code})
    assert services.ACCESS_DENIED in wrong.content.decode()
    assert mine.reasons not in wrong.content.decode()
    unknown = client.post("/objection/progress/", {"number": "YY000", "code": my_code})
    assert services.ACCESS_DENIED in unknown.content.decode()
    denied = AuditEvent.objects.filter(action="denied", summary__contains="异议进度查询")
    assert denied.count() == 2
    right = client.post(
        "/objection/progress/", {"number": mine.number, "code": my_code.lower().replace("-", "")}
    )
    text = right.content.decode()
    assert mine.number in text
    assert "提交异议" in text
    assert other.reasons not in text
    assert AuditEvent.objects.filter(
        action="read", object_type="objections.objection", object_id=str(mine.pk)
    ).exists()


def test_the_record_page_links_to_the_objection_form_and_shows_the_state(
    client: Client, record: CreditRecord, operator: User
) -> None:
    page = client.get(f"/record/{record.pk}/").content.decode()
    assert f"/objection/record/{record.pk}/" in page
    assert "异议处理中" not in page
    objection, _ = file_on(record, day=dt.date.today())
    services.accept(operator, objection)
    page = client.get(f"/record/{record.pk}/").content.decode()
    assert "异议处理中" in page
