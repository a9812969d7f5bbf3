"""The admin for operators: departments, users and API tokens, every change audited."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.models import ApiToken, Department, Role, User, hash_token


@pytest.fixture
def operator_client(client: Client, operator: User) -> Client:
    client.force_login(operator)
    return client


def test_the_operator_issues_a_token_that_is_shown_once_and_stored_only_as_a_hash(
    operator_client: Client, operator: User, market_submitter: User
) -> None:
    response = operator_client.post(
        "/admin/departments/apitoken/add/",
        {"user": market_submitter.pk, "name": "行政处罚系统对接"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"] if "只显示这一次" in str(m)]
    assert len(shown) == 1
    raw = shown[0].rsplit("：", 1)[1]
    assert raw.startswith(token.prefix) and raw.startswith("xy_")
    assert token.key_hash == hash_token(raw)
    assert (token.user, token.created_by, token.name) == (
        market_submitter,
        operator,
        "行政处罚系统对接",
    )
    assert raw not in str([getattr(token, f.attname) for f in ApiToken._meta.concrete_fields])
    # never again: not on the list, not on the token's page
    assert raw not in operator_client.get("/admin/departments/apitoken/").content.decode()
    page = operator_client.get(f"/admin/departments/apitoken/{token.pk}/change/")
    assert page.status_code == 200 and raw not in page.content.decode()
    assert token.key_hash not in page.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.TOKEN)
    assert event.actor == operator and token.prefix in event.summary
    assert raw not in str(event.detail) and raw not in event.summary


def test_tokens_cannot_be_edited_or_deleted_in_the_admin_only_revoked(
    operator_client: Client, market_submitter: User
) -> None:
    token, raw = ApiToken.issue(market_submitter, "对接")
    url = f"/admin/departments/apitoken/{token.pk}/change/"
    operator_client.post(url, {"user": market_submitter.pk, "name": "改名"})
    token.refresh_from_db()
    assert token.name == "对接"
    assert operator_client.get(f"/admin/departments/apitoken/{token.pk}/delete/").status_code == 403

    response = operator_client.post(
        "/admin/departments/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
        follow=True,
    )
    token.refresh_from_db()
    assert not token.is_active
    assert "已吊销 1 个令牌" in [str(m) for m in get_messages(response.wsgi_request)] or (
        "已吊销 1 个令牌" in response.content.decode()
    )
    assert (
        AuditEvent.objects.filter(action=AuditAction.TOKEN, summary__contains="吊销").count() == 1
    )
    assert ApiToken.lookup(raw) is None


def test_adding_a_department_in_the_admin_validates_the_code_and_is_audited(
    operator_client: Client, operator: User
) -> None:
    url = "/admin/departments/department/add/"
    bad = operator_client.post(url, {"name": "示范县教育局", "code": "11330100MB0000035X"})
    assert bad.status_code == 200
    assert "第18位校验码应为“9”，实为“X”" in bad.content.decode()
    assert not Department.objects.exists()

    good = operator_client.post(
        url,
        {
            "name": "示范县教育局",
            "short_name": "教育局",
            "code": "11330100 MB0000035 9",
            "is_active": "on",
        },
    )
    assert good.status_code == 302
    department = Department.objects.get()
    assert department.code == "11330100MB00000359"
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="departments.department")
    assert event.actor == operator
    assert event.summary == "新增部门“示范县教育局”"
    assert event.detail["values"]["code"] == "11330100MB00000359"


def test_changing_a_department_records_old_and_new_values(
    operator_client: Client, market_dept: Department
) -> None:
    response = operator_client.post(
        f"/admin/departments/department/{market_dept.pk}/change/",
        {"name": market_dept.name, "short_name": "市监局", "code": market_dept.code},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.summary == "修改部门“示范县市场监督管理局”：简称、启用"
    assert event.detail["changes"]["short_name"] == {"old": "市场监管局", "new": "市监局"}
    assert event.detail["changes"]["is_active"] == {"old": True, "new": False}


def test_a_submitter_added_in_the_admin_needs_a_department(
    operator_client: Client, market_dept: Department
) -> None:
    url = "/admin/departments/user/add/"
    data = {
        "username": "jyj",
        "role": Role.SUBMITTER,
        "usable_password": "true",
        "password1": "Xinyong-2026-pw",
        "password2": "Xinyong-2026-pw",
    }
    refused = operator_client.post(url, data)
    assert refused.status_code == 200
    assert "部门报送员必须指定所属部门" in refused.content.decode()
    assert not User.objects.filter(username="jyj").exists()

    created = operator_client.post(url, {**data, "department": market_dept.pk})
    assert created.status_code == 302
    user = User.objects.get(username="jyj")
    assert user.department == market_dept and not user.is_staff
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="departments.user")
    assert event.detail["values"]["department"] == "示范县市场监督管理局"
    assert "Xinyong-2026-pw" not in str(event.detail)


def test_an_operator_added_in_the_admin_can_use_the_admin(operator_client: Client) -> None:
    operator_client.post(
        "/admin/departments/user/add/",
        {"username": "xyb2", "role": Role.OPERATOR, "usable_password": "false"},
    )
    user = User.objects.get(username="xyb2")
    assert user.is_staff and user.is_operator and not user.has_usable_password()


def test_an_operator_cannot_make_anyone_a_superuser_or_edit_a_superuser(
    operator_client: Client, market_submitter: User, superuser: User
) -> None:
    url = f"/admin/departments/user/{market_submitter.pk}/change/"
    page = operator_client.get(url).content.decode()
    assert 'name="is_superuser"' not in page
    assert (
        operator_client.post(f"/admin/departments/user/{superuser.pk}/change/", {}).status_code
        == 403
    )


def test_a_submitter_cannot_use_the_admin(client: Client, market_submitter: User) -> None:
    client.force_login(market_submitter)
    response = client.get("/admin/departments/department/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
