"""API errors are JSON with a machine code and a Chinese message."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient

from xinyong.api.auth import DEFAULT_AUTH
from xinyong.api.errors import ApiError, install_error_handlers, translate_validation_error
from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.models import ApiToken, Department, User
from xinyong.departments.permissions import ensure_can_act_for


class Payload(Schema):
    name: str
    count: int


def make_api() -> NinjaAPI:
    api = NinjaAPI(urls_namespace="errors-test", auth=DEFAULT_AUTH)
    install_error_handlers(api)

    @api.get("/department/{pk}")
    def act(request, pk: int):  # type: ignore[no-untyped-def]
        ensure_can_act_for(request.user, Department.objects.get(pk=pk), request=request)
        return {"ok": True}

    @api.get("/atomic/{pk}")
    def act_in_transaction(request, pk: int):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            ensure_can_act_for(request.user, Department.objects.get(pk=pk), what="批量撤销")
        return {"ok": True}

    @api.get("/missing")
    def missing(request):  # type: ignore[no-untyped-def]
        raise Http404("No Department matches the given query.")

    @api.post("/payload")
    def payload(request, data: Payload):  # type: ignore[no-untyped-def]
        return {"ok": True}

    @api.get("/invalid")
    def invalid(request):  # type: ignore[no-untyped-def]
        raise ValidationError({"code": ["统一社会信用代码无效"]})

    @api.get("/conflict")
    def conflict(request):  # type: ignore[no-untyped-def]
        raise ApiError(409, "duplicate", "同一决定文书号已报送", detail={"doc_no": "X-1"})

    return api


def call(api: NinjaAPI, method: str, path: str, raw: str, body: str = ""):  # type: ignore[no-untyped-def]
    client = TestClient(api)
    headers = {"Authorization": f"Bearer {raw}"}
    if method == "post":
        return client.post(path, data=body, headers=headers)
    return client.get(path, headers=headers)


class TestUrls:
    """A URLconf serving the test API under /t/, with the real middleware (sessions, CSRF)."""

    urlpatterns = [path("t/", make_api().urls)]


@pytest.fixture
def market_raw(market_submitter: User) -> str:
    return ApiToken.issue(market_submitter, "测试")[1]


def test_permission_denied_is_a_403_with_the_reason(market_raw: str, tax_dept: Department) -> None:
    response = call(make_api(), "get", f"/department/{tax_dept.pk}", market_raw)
    assert response.status_code == 403
    assert json_of(response) == {
        "code": "forbidden",
        "message": "您属于“示范县市场监督管理局”，无权操作“国家税务总局示范县税务局”的数据",
    }
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 1


def test_a_denial_inside_a_rolled_back_transaction_is_still_audited(
    market_raw: str, tax_dept: Department
) -> None:
    response = call(make_api(), "get", f"/atomic/{tax_dept.pk}", market_raw)
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert "批量撤销" in event.summary and "无权操作“国家税务总局示范县税务局”" in event.summary


def test_not_found_is_a_404_in_chinese(market_raw: str) -> None:
    response = call(make_api(), "get", "/missing", market_raw)
    assert response.status_code == 404
    assert json_of(response) == {"code": "not_found", "message": "未找到所请求的资源"}


def test_a_validation_error_is_a_422_with_a_chinese_summary_and_detail(market_raw: str) -> None:
    response = call(make_api(), "post", "/payload", market_raw, '{"count": "many"}')
    assert response.status_code == 422
    body = json_of(response)
    assert body["code"] == "invalid"
    assert body["message"].startswith("请求数据有误：")
    assert "“name”缺少必填项" in body["message"]
    assert "“count”应为整数" in body["message"]
    fields = {item["field"]: item["message"] for item in body["detail"]}
    assert fields == {"name": "缺少必填项", "count": "应为整数"}


def test_a_django_validation_error_is_a_422(market_raw: str) -> None:
    response = call(make_api(), "get", "/invalid", market_raw)
    assert response.status_code == 422
    body = json_of(response)
    assert body["code"] == "invalid" and "统一社会信用代码无效" in body["message"]


def test_an_api_error_keeps_its_code_message_and_detail(market_raw: str) -> None:
    response = call(make_api(), "get", "/conflict", market_raw)
    assert response.status_code == 409
    assert json_of(response) == {
        "code": "duplicate",
        "message": "同一决定文书号已报送",
        "detail": {"doc_no": "X-1"},
    }


def test_validation_messages_name_limits_in_chinese() -> None:
    message, detail = translate_validation_error(
        [
            {
                "type": "string_too_long",
                "loc": ["query", "q"],
                "msg": "String should have at most 5 characters",
                "ctx": {"max_length": 5},
            },
            {
                "type": "value_error",
                "loc": ["body", "data", "code"],
                "msg": "Value error, 代码无效",
            },
        ]
    )
    assert detail[0]["message"] == "长度不能超过5个字符"
    assert detail[1]["message"] == "代码无效"
    assert message == "请求数据有误：查询参数“q”长度不能超过5个字符；请求体“code”代码无效"


def json_of(response):  # type: ignore[no-untyped-def]
    return json.loads(response.content)


def test_a_bad_token_on_a_post_gets_401_even_with_a_session_cookie(
    settings,
    operator: User,
    market_submitter: User,  # type: ignore[no-untyped-def]
) -> None:
    settings.ROOT_URLCONF = TestUrls
    token, raw = ApiToken.issue(market_submitter, "测试")
    token.revoke()
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    response = client.post(
        "/t/payload",
        data={"name": "x", "count": 1},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 401
    assert response.json()["message"] == "令牌无效或已吊销"


def test_a_session_post_without_the_csrf_token_is_refused_in_chinese(
    settings,
    operator: User,  # type: ignore[no-untyped-def]
) -> None:
    settings.ROOT_URLCONF = TestUrls
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    response = client.post(
        "/t/payload", data={"name": "x", "count": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "message": "CSRF 校验失败，请刷新页面后重试"}
