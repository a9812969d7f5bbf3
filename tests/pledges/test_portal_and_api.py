"""公开承诺公示 on the portal, the public API list and reporting with a department's token."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from xinyong.departments.models import ApiToken, User
from xinyong.integrity.models import GovBody, IntegrityEvent
from xinyong.pledges import services
from xinyong.pledges.models import FulfilmentReport
from xinyong.pledges.rules import previous_month

from .conftest import PDF, publish


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user, '业务系统')[1]}"}


def test_the_portal_lists_public_pledges_by_body_with_the_signature_and_reports(
    client: Client,
    market_submitter: User,
    tax_submitter: User,
    market_body: GovBody,
    tax_body: GovBody,
) -> None:
    pledge = publish(market_submitter, market_body)
    services.report(
        market_submitter,
        pledge,
        period="2026-03",
        status="ongoing",
        text="补助资金已完成审核，正在拨付",
        today=dt.date(2026, 4, 8),
    )
    publish(tax_submitter, tax_body, title="办税事项一次办结", due_date=None)
    publish(market_submitter, market_body, title="内部工作承诺", public=False)
    page = client.get("/integrity/pledges/").content.decode()
    assert "示范县市场监督管理局" in page and "国家税务总局示范县税务局" in page
    assert "负责人（签字）：局长 张建国" in page
    assert "补助资金已完成审核，正在拨付" in page and "按时报送" in page
    assert "内部工作承诺" not in page
    found = client.get("/integrity/pledges/", {"q": "税务局"}).content.decode()
    assert "办税事项一次办结" in found and "兑现年度中小企业技术改造补助" not in found
    detail = client.get(f"/integrity/pledges/{pledge.number}/").content.decode()
    assert "对已通过验收的技术改造项目" in detail and "履行中" in detail


def test_the_portal_escapes_html_and_hides_unpublished_pledges(
    client: Client, market_submitter: User, market_body: GovBody
) -> None:
    shown = publish(
        market_submitter,
        market_body,
        title="<script>alert('x')</script>承诺",
        content="<img src=x onerror=alert(1)>内容",
    )
    hidden = publish(market_submitter, market_body, title="内部工作承诺", public=False)
    for url in ("/integrity/pledges/", f"/integrity/pledges/{shown.number}/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;承诺" in page
    assert client.get(f"/integrity/pledges/{hidden.number}/").status_code == 404


def test_the_api_lists_public_pledges_without_a_token(
    client: Client, market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    publish(market_submitter, market_body, title="内部工作承诺", public=False)
    response = client.get("/api/v1/pledges", {"body": market_body.subject.uscc or ""})
    assert response.status_code == 200
    (item,) = response.json()
    assert item["number"] == pledge.number and item["signer"] == "局长 张建国"
    assert item["status_name"] == "履行中" and item["reports"] == []


def test_a_department_system_reports_fulfilment_with_its_token(
    client: Client, market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    last_month = previous_month(timezone.localdate())  # the API reports as of today
    response = client.post(
        f"/api/v1/pledges/{pledge.number}/reports",
        {
            "period": f"{last_month:%Y-%m}",
            "status": "履行中",
            "text": "补助资金已完成审核",
            "files": [SimpleUploadedFile("审核意见.pdf", PDF)],
        },
        headers=bearer(market_submitter),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "ongoing" and body["files"] == 1
    report = FulfilmentReport.objects.get(pk=body["id"])
    assert (
        IntegrityEvent.objects.get(origin=f"pledge-report:{report.pk}").kind == "fulfilment_report"
    )


def test_another_departments_token_is_refused_with_the_reason(
    client: Client, market_submitter: User, tax_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    response = client.post(
        f"/api/v1/pledges/{pledge.number}/reports",
        {"period": "2026-03", "status": "done", "text": "越权报送的内容"},
        headers=bearer(tax_submitter),
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": "您属于“国家税务总局示范县税务局”，无权操作“示范县市场监督管理局”的数据",
    }
    bad = client.post(
        f"/api/v1/pledges/{pledge.number}/reports",
        {"period": "2026-03", "status": "done", "text": ""},
        headers=bearer(market_submitter),
    )
    assert bad.status_code == 422 and bad.json()["message"] == "请填写履行情况说明"
    assert not FulfilmentReport.objects.exists()


def test_the_office_page_reports_fulfilment_with_evidence(
    client: Client, market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    client.force_login(market_submitter)
    response = client.post(
        f"/office/integrity/pledges/{pledge.number}/report/",
        {
            "period": "2026-03",
            "status": "ongoing",
            "text": "补助资金已完成审核",
            "files": [SimpleUploadedFile("审核意见.pdf", PDF)],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已报送履约情况" in page and "审核意见.pdf" in page
    report = FulfilmentReport.objects.get()
    file = report.files.get()
    download = client.get(f"/office/integrity/pledges/{pledge.number}/files/{file.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]


def test_an_id_number_typed_in_published_text_never_reaches_the_portal_or_the_api(
    client: Client, market_submitter: User, market_body: GovBody
) -> None:
    number = "11010519491231002X"  # a valid 18-digit ID number
    masked = "1101**********002X"
    pledge = publish(
        market_submitter,
        market_body,
        title=f"为企业主{number}兑现补助",
        content=f"对申请人（身份证号{number}）的技术改造项目足额拨付补助资金。",
    )
    services.report(
        market_submitter,
        pledge,
        period="2026-03",
        status="ongoing",
        text=f"已联系企业负责人，身份证号{number}，正在拨付",
        today=dt.date(2026, 4, 8),
    )
    services.withdraw(
        market_submitter,
        pledge,
        f"企业负责人{number}已注销企业，承诺不再适用",
        today=dt.date(2026, 4, 9),
    )
    pages = [
        client.get("/integrity/pledges/").content.decode(),
        client.get(f"/integrity/pledges/{pledge.number}/").content.decode(),
        client.get("/api/v1/pledges").content.decode(),
    ]
    for page in pages:
        assert number not in page and number.lower() not in page
    detail = pages[1]
    assert f"身份证号{masked}，正在拨付" in detail
    assert f"企业负责人{masked}已注销企业" in detail
    (item,) = client.get("/api/v1/pledges").json()
    assert item["title"] == f"为企业主{masked}兑现补助"
    assert masked in item["content"] and masked in item["withdraw_reason"]
    assert item["reports"][0]["text"] == f"已联系企业负责人，身份证号{masked}，正在拨付"
    stored = FulfilmentReport.objects.get()
    assert number not in stored.text
