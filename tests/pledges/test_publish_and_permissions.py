"""Publishing, withdrawing and the permission rule: a department acts only for its own body."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.models import User
from xinyong.departments.permissions import PermissionDenied
from xinyong.integrity.models import GovBody
from xinyong.pledges import services
from xinyong.pledges.models import Pledge, PledgeStatus

from .conftest import make_body, pledge_input, publish


def test_a_department_publishes_its_own_bodys_pledge_signed_by_its_head(
    market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    assert pledge.number == "GKCN2026-0001"
    assert pledge.status == PledgeStatus.IN_FORCE and pledge.public
    assert pledge.signature == "局长 张建国"
    assert pledge.rules_version == "2026.1" and pledge.created_by == market_submitter
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, summary__contains="GKCN2026-0001"
    ).exists()
    second = publish(market_submitter, market_body, title="企业开办一个工作日内办结")
    assert second.number == "GKCN2026-0002"


def test_it_rejects_other_departments_with_the_reason_and_an_audit_event(
    tax_submitter: User, market_body: GovBody
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        publish(tax_submitter, market_body)
    assert (
        str(refused.value)
        == "您属于“国家税务总局示范县税务局”，无权操作“示范县市场监督管理局”的数据"
    )
    assert not Pledge.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, summary__contains="发布公开承诺"
    ).exists()


def test_an_operator_acts_for_a_body_without_a_platform_department(
    operator: User, market_submitter: User, db: None
) -> None:
    township = make_body(21, "示范县西湖镇人民政府")
    assert publish(operator, township).body == township
    with pytest.raises(PermissionDenied, match="未关联平台部门，只有信用办可以代为办理"):
        publish(market_submitter, township)


def test_the_office_page_refuses_another_departments_pledge_with_a_403_reason(
    client: Client, market_submitter: User, tax_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    client.force_login(tax_submitter)
    response = client.get(f"/office/integrity/pledges/{pledge.number}/")
    assert response.status_code == 403
    assert "无权操作“示范县市场监督管理局”的数据" in response.content.decode()
    response = client.post(
        f"/office/integrity/pledges/{pledge.number}/withdraw/", {"reason": "机构调整，承诺不再适用"}
    )
    assert response.status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.IN_FORCE


def test_the_publish_form_offers_only_the_users_own_body(
    client: Client, market_submitter: User, market_body: GovBody, tax_body: GovBody
) -> None:
    client.force_login(market_submitter)
    page = client.get("/office/integrity/pledges/new/").content.decode()
    assert "示范县市场监督管理局" in page and "国家税务总局示范县税务局" not in page
    response = client.post(
        "/office/integrity/pledges/new/",
        {
            "body": tax_body.pk,
            "title": "越权发布",
            "category": "其他",
            "content": "不应发布成功的承诺内容",
            "signer_name": "李四",
            "signer_title": "局长",
            "signed_on": "2026-03-02",
        },
    )
    assert response.status_code == 200 and not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "请填写承诺事项"),
        ({"due_date": dt.date(2026, 3, 1)}, "兑现期限2026-03-01早于签署日期2026-03-02"),
        ({"category": "乱填的类别"}, "请选择承诺类别"),
        ({"signer_name": ""}, "请填写负责人姓名"),
        ({"signed_on": dt.date(2026, 3, 3)}, "签署日期2026-03-03晚于今天"),
    ],
)
def test_bad_input_gives_a_chinese_error_and_changes_nothing(
    market_submitter: User, market_body: GovBody, changes: dict[str, object], message: str
) -> None:
    audited = AuditEvent.objects.count()
    with pytest.raises(services.PledgeError, match=message):
        services.publish(
            market_submitter, market_body, pledge_input(**changes), today=dt.date(2026, 3, 2)
        )
    assert not Pledge.objects.exists()
    assert AuditEvent.objects.count() == audited


def test_the_publish_page_shows_the_error_and_creates_nothing(
    client: Client, market_submitter: User, market_body: GovBody
) -> None:
    client.force_login(market_submitter)
    response = client.post(
        "/office/integrity/pledges/new/",
        {
            "body": market_body.pk,
            "title": "按合同约定支付采购款",
            "category": "依法履约承诺",
            "content": "验收合格后30日内支付合同款项。",
            "signer_name": "张建国",
            "signer_title": "局长",
            "signed_on": "2026-03-02",
            "due_date": "2026-02-01",
            "public": "on",
        },
    )
    assert response.status_code == 200
    assert "兑现期限2026-02-01早于签署日期2026-03-02" in response.content.decode()
    assert not Pledge.objects.exists()


def test_the_publish_page_publishes_and_lists_the_pledge(
    client: Client, market_submitter: User, market_body: GovBody
) -> None:
    client.force_login(market_submitter)
    response = client.post(
        "/office/integrity/pledges/new/",
        {
            "body": market_body.pk,
            "title": "企业开办一个工作日内办结",
            "category": "政务服务承诺",
            "content": "材料齐全的一个工作日内办结企业开办。",
            "signer_name": "张建国",
            "signer_title": "局长",
            "signed_on": "2026-03-02",
            "public": "on",
        },
    )
    pledge = Pledge.objects.get()
    assert response.status_code == 302 and pledge.due_date is None
    listing = client.get("/office/integrity/pledges/").content.decode()
    assert pledge.number in listing and "长期" in listing


def test_a_pledge_is_withdrawn_with_its_reason_and_kept(
    market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    with pytest.raises(services.PledgeError, match="请填写撤回理由"):
        services.withdraw(market_submitter, pledge, " ")
    services.withdraw(
        market_submitter, pledge, "政策调整，由县政府统一兑现", today=dt.date(2026, 4, 1)
    )
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.WITHDRAWN and pledge.withdrawn_on == dt.date(2026, 4, 1)
    assert pledge.withdraw_reason == "政策调整，由县政府统一兑现"
    revoked = AuditEvent.objects.filter(action=AuditAction.REVOKE, reason=pledge.withdraw_reason)
    assert revoked.exists()
    with pytest.raises(services.PledgeError, match="已于2026-04-01撤回，不能报送"):
        services.report(
            market_submitter, pledge, period="2026-03", status="done", text="已经兑现完毕"
        )
    assert Pledge.objects.count() == 1


def test_numbers_go_on_numerically_past_9999(market_submitter: User, market_body: GovBody) -> None:
    first = publish(market_submitter, market_body)
    second = publish(market_submitter, market_body, title="企业开办一个工作日内办结")
    # Hand-made numbers, as after ten thousand pledges: "-9999" sorts after "-10000" as text.
    Pledge.objects.filter(pk=first.pk).update(number="GKCN2026-10000")
    Pledge.objects.filter(pk=second.pk).update(number="GKCN2026-9999")
    third = publish(market_submitter, market_body, title="涉企投诉五个工作日内答复")
    assert third.number == "GKCN2026-10001"
    other_year = publish(market_submitter, market_body, signed_on=dt.date(2025, 12, 30))
    assert other_year.number == "GKCN2025-0001"


def test_a_number_taken_by_a_concurrent_publish_is_skipped_not_a_server_error(
    market_submitter: User, market_body: GovBody, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = publish(market_submitter, market_body)
    real = services._new_number
    calls: list[dt.date] = []

    def raced(day: dt.date) -> str:
        # The first attempt sees the table as it was before the other publish committed.
        calls.append(day)
        return first.number if len(calls) == 1 else real(day)

    monkeypatch.setattr(services, "_new_number", raced)
    second = publish(market_submitter, market_body, title="企业开办一个工作日内办结")
    assert len(calls) == 2 and second.number == "GKCN2026-0002"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, summary__contains="GKCN2026-0002"
    ).exists()

    monkeypatch.setattr(services, "_new_number", lambda day: first.number)
    with pytest.raises(services.PledgeError, match="承诺编号分配冲突"):
        publish(market_submitter, market_body, title="涉企投诉五个工作日内答复")
    assert Pledge.objects.count() == 2
    assert not AuditEvent.objects.filter(summary__contains="涉企投诉五个工作日内答复").exists()
