"""Level rankings and their publication (R-GOV-3: "rankings are published periodically"), and
running a month from the evaluations page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.models import User
from xinyong.integrity import pdf
from xinyong.integrity.models import BodyLevel, EvaluationRun, GovBody, RankingPublication
from xinyong.integrity.reports import level_ranking, publish_ranking, withdraw_ranking
from xinyong.integrity.services import IntegrityError, evaluate_month

from .test_reports import pdf_text

APRIL = dt.date(2026, 4, 1)
PUBLISH = "/office/integrity/rankings/publish/"
WITHDRAW = "/office/integrity/rankings/withdraw/"
PORTAL = "/integrity/rankings/2026-04/county_dept/"
API = "/api/v1/integrity/rankings/2026-04/county_dept"


@pytest.fixture
def evaluated(bodies: dict[str, GovBody], add_event: Callable[..., Any]) -> dict[str, GovBody]:
    add_event(bodies["edu"], "honour", "2026-01-10", level="市级", source_doc="示范县表彰决定")
    add_event(bodies["fin"], "arrears", "2026-02-01", source_doc="拖欠账款台账第12号")
    evaluate_month(APRIL)
    return bodies


def test_a_level_ranking_lists_every_body_of_the_level_in_rank_order(
    evaluated: dict[str, GovBody],
) -> None:
    county = level_ranking(APRIL, BodyLevel.COUNTY_DEPT)
    assert county["level_name"] == "县直部门" and county["count"] == 3
    assert [
        (r["rank"], r["name"], r["score"], r["grade"], r["grade_name"]) for r in county["rows"]
    ] == [
        (1, "示范县教育局", "101.00", "A", "诚信"),
        (2, "示范县水利局", "100.00", "A", "诚信"),
        (3, "示范县财政局", "97.00", "A", "诚信"),
    ]
    townships = level_ranking(APRIL, BodyLevel.TOWNSHIP)
    assert [r["rank"] for r in townships["rows"]] == [1, 1]  # equal scores share the rank
    with pytest.raises(IntegrityError, match="层级“city”不存在"):
        level_ranking(APRIL, "city")


def test_an_unpublished_ranking_is_not_on_the_portal_or_the_api(
    client: Client, evaluated: dict[str, GovBody]
) -> None:
    assert client.get(PORTAL).status_code == 404
    response = client.get(API)
    assert response.status_code == 404 and "未发布" in response.json()["message"]
    assert "暂无已发布的排名" in client.get("/integrity/").content.decode()


def test_an_operator_publishes_a_ranking_and_the_portal_shows_it_without_event_details(
    client: Client, operator: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(operator)
    response = client.post(
        PUBLISH, {"month": "2026-04", "level": "county_dept", "note": "月度通报"}
    )
    assert response.status_code == 302
    publication = RankingPublication.objects.get(month=APRIL, level="county_dept")
    assert publication.published_by == operator and publication.withdrawn_at is None
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, actor=operator, summary="发布2026年4月县直部门政务诚信评价排名"
    ).exists()
    client.logout()
    page = client.get(PORTAL).content.decode()
    assert "2026年4月县直部门政务诚信评价排名" in page
    assert "示范县教育局" in page and "101.00" in page and "A（诚信）" in page
    assert "示范县表彰决定" not in page and "拖欠账款台账" not in page
    assert "示范县东城街道办事处" not in page
    hub = client.get("/integrity/").content.decode()
    assert PORTAL in hub and "/integrity/dishonest/" in hub and "/integrity/pledges/" in hub
    data = client.get(API).json()
    first = data["rows"][0]
    assert (first["rank"], first["name"], first["score"]) == (
        1,
        "示范县教育局",
        "101.00",
    )
    assert set(data["rows"][0]) == {"rank", "code", "name", "score", "grade", "grade_name"}
    # the township ranking of the same month stays unpublished
    assert client.get("/integrity/rankings/2026-04/township/").status_code == 404


def test_a_withdrawn_ranking_disappears_and_can_be_published_again(
    client: Client, operator: User, evaluated: dict[str, GovBody]
) -> None:
    publish_ranking(APRIL, "county_dept", operator)
    client.force_login(operator)
    refused = client.post(WITHDRAW, {"month": "2026-04", "level": "county_dept", "reason": " "})
    assert refused.status_code == 302
    assert RankingPublication.objects.get().withdrawn_at is None  # nothing changed
    client.post(
        WITHDRAW, {"month": "2026-04", "level": "county_dept", "reason": "得分有误，待重算"}
    )
    publication = RankingPublication.objects.get()
    assert publication.withdrawn_at is not None and "得分有误" in publication.note
    assert AuditEvent.objects.filter(action=AuditAction.REVOKE, reason="得分有误，待重算").exists()
    client.logout()
    assert client.get(PORTAL).status_code == 404
    assert client.get(API).status_code == 404
    assert PORTAL not in client.get("/integrity/").content.decode()
    publish_ranking(APRIL, "county_dept", operator, note="重算后重新发布")
    assert client.get(PORTAL).status_code == 200
    assert RankingPublication.objects.count() == 1


def test_publication_is_refused_without_results_or_twice(
    operator: User, evaluated: dict[str, GovBody]
) -> None:
    with pytest.raises(IntegrityError, match="2026年5月县直部门尚无评价结果"):
        publish_ranking(dt.date(2026, 5, 1), "county_dept", operator)
    publish_ranking(APRIL, "county_dept", operator)
    with pytest.raises(IntegrityError, match=r"已于.*发布"):
        publish_ranking(APRIL, "county_dept", operator)
    with pytest.raises(IntegrityError, match="未发布或已撤回"):
        withdraw_ranking(APRIL, "township", operator, reason="测试")
    assert RankingPublication.objects.count() == 1


def test_only_operators_publish_or_see_the_evaluations_page(
    client: Client, market_submitter: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(market_submitter)
    response = client.post(PUBLISH, {"month": "2026-04", "level": "county_dept"})
    assert response.status_code == 403
    assert "只有信用办管理员可以发布政务诚信排名" in response.content.decode()
    assert not RankingPublication.objects.exists()
    page = client.get("/office/integrity/evaluations/")
    assert page.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=market_submitter).count() == 2


def test_a_bad_month_or_level_on_the_portal_is_not_found(client: Client) -> None:
    assert client.get("/integrity/rankings/2026-13/county_dept/").status_code == 404
    assert client.get("/integrity/rankings/2026-04/city/").status_code == 404
    assert client.get("/api/v1/integrity/rankings/April/county_dept").status_code == 422


# -- the ranking as a PDF document -------------------------------------------------------------


def test_a_published_ranking_downloads_as_a_pdf_with_every_row_and_its_publication(
    client: Client, operator: User, evaluated: dict[str, GovBody]
) -> None:
    assert client.get(PORTAL + "pdf/").status_code == 404  # not published yet
    publish_ranking(APRIL, "county_dept", operator, note="月度通报")
    assert PORTAL + "pdf/" in client.get(PORTAL).content.decode()
    response = client.get(PORTAL + "pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content).replace("\n", "")
    assert "示范县2026年4月县直部门政务诚信评价排名" in text
    assert "发布" in text and "内部稿" not in text and "说明：月度通报" in text
    for name, score in (
        ("示范县教育局", "101.00"),
        ("示范县水利局", "100.00"),
        ("示范县财政局", "97.00"),
    ):
        assert name in text and score in text
    assert "A（诚信）" in text
    assert "示范县表彰决定" not in text  # the ranking carries no event details
    # another level of the same month stays unpublished
    assert client.get("/integrity/rankings/2026-04/township/pdf/").status_code == 404


def test_the_credit_office_prints_an_unpublished_ranking_as_an_internal_draft(
    client: Client, operator: User, market_submitter: User, evaluated: dict[str, GovBody]
) -> None:
    url = "/office/integrity/rankings/2026-04/county_dept/pdf/"
    assert client.get(url).status_code == 302  # login first
    client.force_login(market_submitter)
    assert client.get(url).status_code == 403
    client.force_login(operator)
    page = client.get("/office/integrity/evaluations/?month=2026-04").content.decode()
    assert url in page and "PDF（内部稿）" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content).replace("\n", "")
    assert "内部稿" in text and "示范县教育局" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        actor=operator,
        summary="下载2026年4月县直部门政务诚信排名（PDF）",
    ).exists()
    assert client.get("/office/integrity/rankings/2026-05/county_dept/pdf/").status_code == 404


def test_no_ranking_pdf_is_made_without_a_chinese_font(
    client: Client, operator: User, evaluated: dict[str, GovBody], monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_ranking(APRIL, "county_dept", operator)
    monkeypatch.setattr(pdf, "cjk_families", lambda: [])
    response = client.get(PORTAL + "pdf/")
    assert response.status_code == 503
    assert "本机未安装中文字体" in response.content.decode()
    assert client.get(PORTAL).status_code == 200  # the page itself is unaffected


# -- running a month from the page --------------------------------------------------------------


def test_an_operator_runs_a_month_and_a_rerun_after_late_data_lists_the_changes(
    client: Client,
    operator: User,
    bodies: dict[str, GovBody],
    add_event: Callable[..., Any],
) -> None:
    client.force_login(operator)
    response = client.post("/office/integrity/evaluations/", {"month": "2026-04"}, follow=True)
    page = response.content.decode()
    assert "2026-04已评价：5个评价对象，0条事件" in page
    assert 'id="run-summary"' in page and "示范县教育局" in page
    same = client.post("/office/integrity/evaluations/", {"month": "2026-04"}, follow=True)
    assert "输入与上次运行相同，结果未变" in same.content.decode()
    add_event(bodies["water"], "criticism", "2026-04-15", source_doc="县委督查通报")
    rerun = client.post("/office/integrity/evaluations/", {"month": "2026-04"}, follow=True)
    page = rerun.content.decode()
    assert "2026-04已重新评价，1个对象结果变化" in page  # the others keep their shared 1st place
    assert "100.00分 A 第1名" in page and "98.00分 A 第3名" in page
    assert EvaluationRun.objects.filter(month=APRIL).count() == 3
    assert (
        AuditEvent.objects.filter(
            actor=operator, summary__startswith="运行2026-04政务诚信评价"
        ).count()
        == 2
    )
    listing = client.get("/office/integrity/evaluations/?month=2026-04&level=township")
    assert "示范县西湖镇人民政府" in listing.content.decode()
    assert "示范县水利局" not in listing.content.decode().split('id="evaluations"')[1]


def test_a_month_not_yet_begun_or_malformed_is_not_run(
    client: Client, operator: User, bodies: dict[str, GovBody]
) -> None:
    client.force_login(operator)
    future = dt.date.today().replace(day=1) + dt.timedelta(days=40)
    response = client.post(
        "/office/integrity/evaluations/", {"month": f"{future:%Y-%m}"}, follow=True
    )
    assert "尚未开始，不能评价" in response.content.decode()
    response = client.post("/office/integrity/evaluations/", {"month": "四月"}, follow=True)
    assert "不是有效月份" in response.content.decode()
    assert not EvaluationRun.objects.exists()
