"""The check API, the command line and the back-office pages (R-JRP-2, R-JRP-5)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from xinyong.departments.models import ApiToken, User
from xinyong.jrp.models import Check, CheckItem, Feedback, Notice

from .conftest import BAD_COMPANY, CLEAN_COMPANY, MARKET_CODE_FOR_TESTS, County


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user, '业务系统')[1]}"}


def post_check(client: Client, headers: dict[str, str], **body: object):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/checks", body, content_type="application/json", headers=headers)


def test_a_department_system_checks_a_subject_over_the_api(
    client: Client, county: County, market_submitter
) -> None:
    response = post_check(
        client, bearer(market_submitter), scenario="zfcg", subjects=[{"code": BAD_COMPANY}]
    )
    assert response.status_code == 200, response.content
    body = response.json()
    (result,) = body["results"]
    assert body["scenario_name"] == "政府采购" and body["hits"] == 1
    assert result["measures"][0]["code"] == "C01" and result["entries"][0]["list_code"] == "serious"
    assert "限制参加政府采购活动" in result["explanation"]
    check = Check.objects.get(pk=body["check_id"])
    assert check.department == market_submitter.department and check.via == "api"

    feedback = client.post(
        f"/api/v1/checks/{check.pk}/items/1/feedback",
        {"feedback": [{"measure": "C01", "applied": True}]},
        content_type="application/json",
        headers=bearer(market_submitter),
    )
    assert feedback.status_code == 200, feedback.content
    assert Feedback.objects.get().applied


def test_the_api_refuses_checks_and_feedback_for_other_departments(
    client: Client, county: County, market_submitter, tax_submitter
) -> None:
    refused = post_check(
        client,
        bearer(tax_submitter),
        scenario="zfcg",
        department=MARKET_CODE_FOR_TESTS,
        subjects=[{"code": BAD_COMPANY}],
    )
    assert refused.status_code == 403
    assert "无权" in refused.json()["message"]
    ok = post_check(
        client, bearer(market_submitter), scenario="zfcg", subjects=[{"code": BAD_COMPANY}]
    )
    check_id = ok.json()["check_id"]
    feedback = client.post(
        f"/api/v1/checks/{check_id}/items/1/feedback",
        {"feedback": [{"measure": "C01", "applied": True}]},
        content_type="application/json",
        headers=bearer(tax_submitter),
    )
    assert feedback.status_code == 403


def test_the_api_explains_a_bad_request_in_chinese(
    client: Client, county: County, market_submitter
) -> None:
    response = post_check(client, bearer(market_submitter), scenario="zz", subjects=[{"code": "1"}])
    assert response.status_code == 422
    assert "业务场景“zz”未定义" in response.json()["message"]


def test_scenarios_are_public_and_notices_need_a_token(client: Client, db) -> None:  # type: ignore[no-untyped-def]
    scenarios = client.get("/api/v1/scenarios").json()
    assert {"code": "zfcg", "name": "政府采购"} in scenarios
    assert client.get("/api/v1/notices").status_code == 401


def test_the_check_command_prints_json(county: County) -> None:
    out = io.StringIO()
    call_command("check", BAD_COMPANY, CLEAN_COMPANY, "--scenario", "ztb", stdout=out)
    body = json.loads(out.getvalue())
    assert [r["hit"] for r in body["results"]] == [True, False]
    assert body["results"][0]["measures"][0]["code"] == "C02"
    assert Check.objects.get(pk=body["check_id"]).via == "cli"


def test_a_counter_clerk_checks_on_the_page_and_feeds_back(
    client: Client, county: County, market_submitter
) -> None:
    client.force_login(market_submitter)
    response = client.post(
        "/office/jrp/", {"scenario": "zfcg", "subjects": f"{BAD_COMPANY}\n示範縣黑心食品有限公司"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "限制参加政府采购活动" in text and "名称匹配得分" in text
    check = Check.objects.get()
    client.post(
        f"/office/jrp/checks/{check.pk}/1/feedback/",
        {"measure": "C01", "applied": "0", "reason": "合同已签订"},
    )
    item = CheckItem.objects.get(check_run=check, position=1)
    assert item.feedback.get().reason == "合同已签订"
    page = client.get("/office/jrp/").content.decode()
    assert "触发反馈率" in page
    # the measures table names the lists that trigger each measure, not their internal codes
    assert "严重失信主体名单" in page and "<td>serious" not in page and "、serious" not in page
    dashboard = client.get("/office/").content.decode()
    assert "联合奖惩触发反馈率" in dashboard and "示范县市场监督管理局" in dashboard


def test_a_department_cannot_open_another_departments_check(
    client: Client, county: County, market_submitter, tax_submitter
) -> None:
    client.force_login(market_submitter)
    client.post("/office/jrp/", {"scenario": "zfcg", "subjects": BAD_COMPANY})
    check = Check.objects.get()
    client.force_login(tax_submitter)
    assert client.get(f"/office/jrp/checks/{check.pk}/").status_code == 403


def test_the_inbox_shows_and_marks_the_departments_notices(
    client: Client, county: County, market_submitter, tax_submitter
) -> None:
    mine = Notice.objects.create(
        department=market_submitter.department, kind="list", title="列入名单", body="某公司列入"
    )
    Notice.objects.create(
        department=tax_submitter.department, kind="list", title="他部门消息", body="x"
    )
    client.force_login(market_submitter)
    text = client.get("/office/inbox/").content.decode()
    assert "列入名单" in text and "他部门消息" not in text
    client.post("/office/inbox/", {"notice": [mine.pk]})
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_without_a_scenario_check_is_still_djangos_system_check(db) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "System check identified no issues" in out.getvalue()
    assert not Check.objects.exists()
    with pytest.raises(CommandError, match="--scenario"):
        call_command("check", "--name", "某公司")
