"""Who may file, read and review; the pages; and the audit log of every step and read."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.recruit.conftest import CLEAR_ID, LISTED_ID
from tests.recruit.helpers import file, review_all_and_release

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.permissions import PermissionDenied
from xinyong.jrp.models import Notice
from xinyong.recruit import services
from xinyong.recruit.models import RecruitPerson, RecruitRequest, RequestStatus


def _events(req: RecruitRequest, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="recruit.recruitrequest", object_id=str(req.pk), action=action
        )
    )


def test_another_unit_gets_403_and_the_refusal_is_audited(
    client, market_submitter, tax_submitter, entries
) -> None:
    req = file(market_submitter)
    client.force_login(tax_submitter)
    response = client.get(f"/office/recruit/{req.pk}/")
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED, actor=tax_submitter).get()
    assert "查阅录用人选信用查询" in denied.summary
    with pytest.raises(PermissionDenied):
        services.answer(tax_submitter, req)
    # The queue of the other unit does not list it.
    assert req.number not in client.get("/office/recruit/?status=all").content.decode()


def test_a_unit_files_only_for_its_own_department(market_submitter, tax_dept, entries) -> None:
    with pytest.raises(PermissionDenied):
        file(market_submitter, department=tax_dept)


def test_filing_reviews_release_and_reads_are_audited(
    client, market_submitter, operator, operator2, entries
) -> None:
    req = file(market_submitter)
    assert len(_events(req, AuditAction.CREATE)) == 1
    review_all_and_release(req, operator, operator2)
    updates = [e.summary for e in _events(req, AuditAction.UPDATE)]
    assert sum("初审" in s for s in updates) == 2
    assert sum("复核" in s for s in updates) == 2
    assert any(s.startswith("答复") for s in updates)
    client.force_login(market_submitter)
    assert client.get(f"/office/recruit/{req.pk}/").status_code == 200
    reads = [e.summary for e in _events(req, AuditAction.READ) if e.actor == market_submitter]
    assert reads == [f"查阅录用人选信用查询{req.doc_no}的答复", f"查阅录用人选信用查询{req.doc_no}"]
    client.force_login(operator)
    client.get(f"/office/recruit/{req.pk}/")
    hit_reads = AuditEvent.objects.filter(
        action=AuditAction.READ, actor=operator, object_type="recruit.recruitperson"
    )
    assert hit_reads.count() == 2  # the two persons with hits
    # The unit is told in its inbox.
    notice = Notice.objects.get(department=market_submitter.department, kind="recruit")
    assert req.doc_no in notice.title


def test_a_unit_files_with_form_rows_and_sees_the_countdown(
    client, market_submitter, entries
) -> None:
    client.force_login(market_submitter)
    response = client.post(
        "/office/recruit/new/",
        {
            "doc_no": "示市监函〔2026〕9号",
            "title": "关于查询调任人员信用记录的函",
            "purpose": "transfer",
            "persons": f"张三,{LISTED_ID}\n赵六，{CLEAR_ID}\n",
        },
    )
    req = RecruitRequest.objects.get()
    assert response.status_code == 302
    assert req.persons.count() == 2
    assert req.purpose == "transfer"
    page = client.get(f"/office/recruit/{req.pk}/").content.decode()
    assert "剩余3个工作日" in page
    assert "信用办正在办理" in page
    assert "剩余3个工作日" in client.get("/office/recruit/").content.decode()


def test_a_unit_files_with_a_csv_upload(client, market_submitter, entries) -> None:
    client.force_login(market_submitter)
    csv = f"姓名,身份证号码\n张三,{LISTED_ID}\n赵六,{CLEAR_ID}\n".encode()
    response = client.post(
        "/office/recruit/new/",
        {
            "doc_no": "示市监函〔2026〕10号",
            "title": "关于查询招聘人员信用记录的函",
            "purpose": "institution",
            "upload": SimpleUploadedFile("persons.csv", csv, content_type="text/csv"),
        },
    )
    assert response.status_code == 302
    req = RecruitRequest.objects.get()
    assert [p.name for p in req.persons.all()] == ["张三", "赵六"]
    assert RecruitPerson.objects.get(request=req, name="张三").hit


def test_invalid_or_repeated_id_numbers_are_refused_with_their_row(
    client, market_submitter
) -> None:
    client.force_login(market_submitter)
    response = client.post(
        "/office/recruit/new/",
        {
            "doc_no": "示市监函〔2026〕11号",
            "title": "函",
            "purpose": "hire",
            "persons": f"张三,330102199001010013\n赵六,{CLEAR_ID}\n赵六,{CLEAR_ID}",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "第1人（张三）：身份证号码无效" in page
    assert "第3人（赵六）：身份证号码与第2人重复" in page
    assert not RecruitRequest.objects.exists()


def test_operators_review_and_release_through_the_pages(
    client, market_submitter, operator, operator2, entries
) -> None:
    req = file(market_submitter, persons=[services.PersonInput("张三", LISTED_ID)])
    person = req.persons.get()
    client.force_login(operator)
    client.post(f"/office/recruit/person/{person.pk}/review/", {"conclusion": "confirm"})
    response = client.post(
        f"/office/recruit/person/{person.pk}/review/", {"conclusion": "confirm"}, follow=True
    )
    assert "初审人不能复核" in response.content.decode()
    client.post(f"/office/recruit/{req.pk}/release/")
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING
    client.force_login(operator2)
    client.post(f"/office/recruit/person/{person.pk}/review/", {"conclusion": "confirm"})
    client.post(f"/office/recruit/{req.pk}/release/")
    req.refresh_from_db()
    assert req.status == RequestStatus.ANSWERED
    # A unit posting a review gets a 403.
    client.force_login(market_submitter)
    response = client.post(f"/office/recruit/person/{person.pk}/review/", {"conclusion": "exclude"})
    assert response.status_code == 403


def test_an_operator_files_only_in_the_name_of_a_unit(operator, market_dept, entries) -> None:
    with pytest.raises(services.RecruitError, match="请指定查询单位"):
        file(operator)
    req = file(operator, department=market_dept)
    assert req.department == market_dept
