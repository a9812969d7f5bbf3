"""API authentication: bearer tokens (active tokens of active users) or a browser session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from xinyong.departments.models import ApiToken, User


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def market_token(market_submitter: User) -> tuple[ApiToken, str]:
    return ApiToken.issue(market_submitter, "行政处罚系统对接")


def test_a_valid_token_identifies_the_user_on_me(
    client: Client, market_token: tuple[ApiToken, str]
) -> None:
    token, raw = market_token
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "scjg"
    assert body["role"] == "submitter" and body["role_display"] == "部门报送员"
    assert body["is_operator"] is False
    assert body["department"]["name"] == "示范县市场监督管理局"
    assert body["department"]["code"] == "11330100MB0000019K"
    assert body["auth_method"] == "token" and body["token_prefix"] == token.prefix


def test_token_use_is_noted_at_most_once_a_minute(
    client: Client, market_token: tuple[ApiToken, str]
) -> None:
    token, raw = market_token
    client.get("/api/v1/me", headers=bearer(raw))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/me", headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/v1/me", headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(seconds=1)
    assert timezone.now() - token.last_used_at < dt.timedelta(seconds=30)


def test_a_revoked_token_gets_401_with_a_chinese_message(
    client: Client, market_token: tuple[ApiToken, str]
) -> None:
    token, raw = market_token
    token.revoke()
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "令牌无效或已吊销"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_token_of_an_inactive_user_gets_401(
    client: Client, market_submitter: User, market_token: tuple[ApiToken, str]
) -> None:
    _, raw = market_token
    market_submitter.is_active = False
    market_submitter.save()
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 401
    assert response.json()["message"] == "令牌无效或已吊销"


def test_a_made_up_token_gets_401(client: Client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/me", headers=bearer("xy_not-a-real-token-at-all"))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_no_credentials_get_401_saying_how_to_authenticate(client: Client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorized"
    assert "Authorization: Bearer" in body["message"]


def test_a_logged_in_browser_session_works_on_me(client: Client, operator: User) -> None:
    client.force_login(operator)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "xyb"
    assert body["is_operator"] is True
    assert body["department"] is None
    assert body["auth_method"] == "session"


def test_the_public_ping_needs_no_credentials(client: Client) -> None:
    assert client.get("/api/v1/ping").json() == {"ok": True}


def test_a_token_already_in_use_loses_its_rights_at_once(
    client: Client, market_token: tuple[ApiToken, str], tax_dept
) -> None:
    token, raw = market_token
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    # The user moves to another department: the next call acts for that one.
    User.objects.filter(pk=token.user_id).update(department=tax_dept)
    me = client.get("/api/v1/me", headers=bearer(raw)).json()
    assert me["department"]["name"] == tax_dept.name
    # Deactivated user, then revoked token: refused on the very next call.
    User.objects.filter(pk=token.user_id).update(is_active=False)
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401
    User.objects.filter(pk=token.user_id).update(is_active=True)
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401
