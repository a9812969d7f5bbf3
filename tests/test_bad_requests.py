"""Requests that cannot name anything — numbers beyond any database key — and the error pages:
filters ignore such numbers, a row asked for by one is "not found", never a server error; error
pages are Chinese (found by a sweep of the demo county)."""

from __future__ import annotations

import pytest
from django.test import Client

from xinyong.departments.models import ApiToken, User

HUGE = "99999999999999999999"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        f"/gs/xzcf/?department={HUGE}",
        f"/gs/xzxk/?department={2**63}",
        f"/gs/xzcf/?subject={HUGE}",
    ],
)
def test_public_list_filters_ignore_numbers_beyond_any_key(client: Client, url: str) -> None:
    assert client.get(url).status_code == 200


def test_a_public_page_asked_for_by_a_huge_number_is_not_found(client: Client) -> None:
    response = client.get(f"/record/{HUGE}/")
    assert response.status_code == 404


def test_api_offsets_and_ids_beyond_any_key_are_answered_in_json(
    client: Client, operator: User
) -> None:
    response = client.get(f"/api/v1/lists/sxbzxr/entries?offset={HUGE}")
    assert response.status_code == 200 and response.json()["entries"] == []
    _, raw = ApiToken.issue(operator, "测试")
    headers = {"Authorization": f"Bearer {raw}"}
    for url in (f"/api/v1/records/{HUGE}", f"/api/v1/repair/applications/{HUGE}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


def test_office_filters_ignore_numbers_beyond_any_key(client: Client, operator: User) -> None:
    client.force_login(operator)
    assert client.get(f"/office/records/?batch={HUGE}").status_code == 200
    assert client.get(f"/office/integrity/feeds/?source={HUGE}").status_code == 200
    assert client.get(f"/office/records/{HUGE}/").status_code == 404


def test_the_database_refusing_a_huge_key_is_told_apart_from_other_errors() -> None:
    from xinyong.keys import beyond_any_key

    assert beyond_any_key(OverflowError("Python int too large to convert to SQLite INTEGER"))
    assert not beyond_any_key(OverflowError("math range error"))
    assert not beyond_any_key(ValueError("x"))


def test_the_middleware_turns_a_huge_key_into_a_chinese_not_found_page(rf) -> None:  # type: ignore[no-untyped-def]
    from xinyong.keys import KeysBeyondRange

    middleware = KeysBeyondRange(lambda request: None)
    request = rf.get("/anything/")
    response = middleware.process_exception(
        request, OverflowError("Python int too large to convert to SQLite INTEGER")
    )
    assert response is not None and response.status_code == 404
    assert middleware.process_exception(request, OverflowError("math range error")) is None


def test_error_pages_are_in_chinese(client: Client) -> None:
    from django.template.loader import render_to_string

    assert "服务器内部错误" in render_to_string("500.html")
    csrf = Client(enforce_csrf_checks=True)
    response = csrf.post("/office/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert 'lang="zh-Hans"' in page and "页面已过期" in page


def test_an_unknown_api_address_is_answered_in_json(client: Client) -> None:
    for url in ("/api/v1/batches/-1", "/api/v1/no-such-thing"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/ping").status_code == 200
