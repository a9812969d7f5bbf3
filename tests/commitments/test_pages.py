"""Portal 信用承诺公示 and the office pages: public vs non-public kinds, masking, the breach
record on the portal, the subject page, the office's sign / verify / breach flow."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone
from tests.commitments.helpers import COMPANY, PERSON, company, sign

from xinyong.audit.models import AuditEvent
from xinyong.commitments import services
from xinyong.commitments.models import Commitment, CommitmentStatus
from xinyong.departments.models import Department, User


def test_public_kinds_are_listed_on_the_portal_and_non_public_ones_are_not(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    shown = sign(market_submitter, market_dept, "zmsx", company(1), matter="食品经营许可")
    hidden = sign(market_submitter, market_dept, "rqsl", company(2), matter="消防验收容缺")
    repair = sign(market_submitter, market_dept, "xyxf", company(3), matter="行政处罚信用修复")
    page = client.get("/commitments/").content.decode()
    assert shown.subject.name in page and "食品经营许可" in page
    assert hidden.subject.name not in page and repair.subject.name not in page
    assert client.get(f"/commitments/{shown.number}/").status_code == 200
    assert client.get(f"/commitments/{hidden.number}/").status_code == 404


def test_the_portal_searches_by_name_and_code_and_pages(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    for n in range(1, 23):
        sign(market_submitter, market_dept, "zmsx", company(n))
    first = client.get("/commitments/").content.decode()
    assert "共 22 条" in first and 'rel="next"' in first
    second = client.get("/commitments/?page=2").content.decode()
    # newest first: the last two signed are on page 1, the first two on page 2
    assert "示范县第1商贸有限公司" in second and "示范县第22商贸有限公司" not in second
    by_name = client.get("/commitments/", {"q": "第7商贸"}).content.decode()
    assert "示范县第7商贸有限公司" in by_name and "共 1 条" in by_name
    by_code = client.get("/commitments/", {"q": company(9).code}).content.decode()
    assert "示范县第9商贸有限公司" in by_code and "共 1 条" in by_code


def test_a_natural_persons_id_number_is_masked_on_the_portal(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    c = sign(market_submitter, market_dept, "zmsx", PERSON, matter="执业资格")
    listing = client.get("/commitments/").content.decode()
    detail = client.get(f"/commitments/{c.number}/").content.decode()
    for page in (listing, detail):
        assert "1101**********002X" in page and "11010519491231002X" not in page
    # searching by the full number finds it without echoing it
    found = client.get("/commitments/", {"q": "11010519491231002X"}).content.decode()
    assert "张三丰" in found and "11010519491231002X" not in found


def test_a_false_commitment_is_on_the_portal_as_a_record_with_its_publicity_window(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    c = sign(market_submitter, market_dept, "zmsx")
    services.verify(market_submitter, c, result="untrue", note="经核查，场地使用证明系伪造")
    c.refresh_from_db()
    record = c.record
    assert record is not None
    subject_page = client.get(f"/subject/{c.subject_id}/").content.decode()
    assert "信用承诺及履行" in subject_page and record.doc_no in subject_page
    # the commitment section of the subject page shows the commitment and its status
    assert "信用承诺" in subject_page and "虚假承诺" in subject_page
    record_page = client.get(f"/record/{record.pk}/").content.decode()
    assert "场地使用证明系伪造" in record_page
    assert record.publicity_end is not None and record.publicity_end > timezone.localdate()
    assert (
        record.publicity_end.isoformat() in record_page
        or record.publicity_end.strftime("%Y-%m-%d") in record_page
    )


def test_the_office_signs_verifies_and_breaches_through_its_pages(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    client.force_login(market_submitter)
    response = client.post(
        "/office/commitments/new/",
        {
            "department": market_dept.pk,
            "kind": "zmsx",
            "subject_name": COMPANY.name,
            "subject_kind": "法人及非法人组织",
            "subject_code": COMPANY.code,
            "matter": "食品经营许可",
            "signer": "王五",
        },
    )
    c = Commitment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/office/commitments/{c.number}/"
    )
    page = client.get(f"/office/commitments/{c.number}/").content.decode()
    assert "证明事项告知承诺" in page and "核查期限" in page
    client.post(
        f"/office/commitments/{c.number}/breach/",
        {"breach": "untrue", "facts": "提交的卫生许可证明为伪造"},
    )
    c.refresh_from_db()
    assert c.status == CommitmentStatus.UNTRUE and c.record is not None
    assert "失信记录" in client.get(f"/office/commitments/{c.number}/").content.decode()
    listing = client.get("/office/commitments/").content.decode()
    assert c.number in listing and "虚假承诺" in listing


def test_the_office_refuses_another_departments_commitment_with_a_reason(
    client: Client, market_submitter: User, market_dept: Department, tax_submitter: User
) -> None:
    c = sign(market_submitter, market_dept, "zmsx")
    client.force_login(tax_submitter)
    assert client.get(f"/office/commitments/{c.number}/").status_code == 404
    response = client.post(f"/office/commitments/{c.number}/verify/", {"result": "true"})
    assert response.status_code == 403 and "无权操作" in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", actor=tax_submitter).exists()
    assert c.number not in client.get("/office/commitments/").content.decode()


def test_reading_non_public_commitments_in_the_office_is_audited(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    c = sign(
        market_submitter,
        market_dept,
        "rqsl",
        signed_at=timezone.make_aware(dt.datetime(2025, 9, 30, 10)),
    )
    client.force_login(market_submitter)
    client.get(f"/office/commitments/{c.number}/")
    assert AuditEvent.objects.filter(action="read", summary__contains=c.number).exists()


def test_a_subject_makes_a_commitment_on_the_portal_published_after_confirmation(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    response = client.post(
        "/commitments/new/",
        {
            "kind": "zdx",
            "department": market_dept.pk,
            "subject_name": COMPANY.name,
            "subject_kind": "法人及非法人组织",
            "subject_code": COMPANY.code,
            "matter": "守法诚信经营",
            "signer": "李经理",
            "contact": "0571-88888888",
        },
    )
    assert response.status_code == 200 and "确认后" in response.content.decode()
    c = Commitment.objects.get()
    assert COMPANY.name not in client.get("/commitments/").content.decode()
    staff = Client()
    staff.force_login(market_submitter)
    assert "待确认" in staff.get("/office/commitments/").content.decode()
    staff.post(f"/office/commitments/{c.number}/confirm/")
    assert COMPANY.name in client.get("/commitments/").content.decode()
