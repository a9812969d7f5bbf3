"""The credit office's integrity dashboard (issue 4 §9): inline SVG charts with data tables, no
external asset, for operators only; a department sees its own body's reports."""

from __future__ import annotations

import datetime as dt
import doctest
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.browser import chromium, running_server

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.complaints import services as complaint_services
from xinyong.complaints.models import Category
from xinyong.departments.models import Department, User
from xinyong.integrity import charts, reports
from xinyong.integrity.models import GovBody, Warning
from xinyong.integrity.services import evaluate_month

MARCH = dt.date(2026, 3, 1)
APRIL = dt.date(2026, 4, 1)


# -- the charts ----------------------------------------------------------------------------------


def test_the_chart_and_report_helpers_keep_their_documented_examples() -> None:
    for module in (charts, reports):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_every_chart_is_an_accessible_svg_with_a_title_and_a_data_table() -> None:
    made = [
        charts.histogram(
            [Decimal("88"), Decimal("96.5"), Decimal("101")], chart_id="a", title="分布"
        ),
        charts.bar_ranking([("教育局", Decimal("101.00"))], chart_id="b", title="排名"),
        charts.line_trend(
            [("2026-03", Decimal("99")), ("2026-04", 100)], chart_id="c", title="趋势"
        ),
        charts.bar_counts([("待转办", 2), ("已办结", 0)], chart_id="d", title="投诉"),
    ]
    for html, cid, title in zip(made, "abcd", ("分布", "排名", "趋势", "投诉"), strict=True):
        assert html.startswith(f'<figure class="chart" id="{cid}">')
        assert 'role="img"' in html and f'aria-labelledby="{cid}-title {cid}-desc"' in html
        assert f'<title id="{cid}-title">{title}</title>' in html
        assert f"<caption>{title}</caption>" in html
        assert "http" not in html.replace("http://www.w3.org/2000/svg", "")
        assert "<script" not in html
    histogram = made[0]
    assert "<td>85–90（不含90）</td><td>1</td>" in histogram
    assert "<td>100–105（不含105）</td><td>1</td>" in histogram
    assert "<td>待转办</td><td>2</td>" in made[3]


def test_chart_labels_are_escaped() -> None:
    html = charts.bar_counts([("<b>甲&乙</b>", 1)], chart_id="x", title="<t>")
    assert "<b>" not in html and "&lt;b&gt;甲&amp;乙&lt;/b&gt;" in html
    assert '<title id="x-title">&lt;t&gt;</title>' in html


def test_long_names_are_shortened_in_the_picture_but_whole_in_the_table() -> None:
    name = "示范县住房和城乡建设局城市管理综合行政执法大队"
    html = charts.bar_ranking([(name, 99)], chart_id="r", title="排名")
    assert f"<td>{name}</td>" in html and "1. 示范县住房和城乡建设局城市…" in html


# -- the page ------------------------------------------------------------------------------------


@pytest.fixture
def evaluated(
    bodies: dict[str, GovBody],
    add_event: Callable[..., Any],
    market_dept: Department,
) -> dict[str, GovBody]:
    bodies["edu"].department = market_dept
    bodies["edu"].save()
    add_event(bodies["edu"], "honour", "2026-01-10", level="市级")
    add_event(bodies["fin"], "criticism", "2026-04-03")
    evaluate_month(MARCH)
    evaluate_month(APRIL)
    Warning.objects.create(
        body=bodies["fin"],
        kind="sxbzxr",
        title="示范县财政局：被列为失信被执行人",
        rule="测试",
        raised_on=APRIL,
    )
    Warning.objects.create(
        body=bodies["east"], kind="mass_incident", title="群体性事件", rule="测试", raised_on=APRIL
    )
    complaint_services.file_complaint(
        complainant=complaint_services.Complainant(
            name="示范县甲建筑工程有限公司",
            uscc="91350100M000100Y43",
            contact="张经理",
            phone="0571-88880000",
        ),
        category=Category.PROMISE,
        facts="招商引资协议约定的厂房租金减免至今未兑现，多次催告无果",
        target_department=market_dept,
        today=dt.date(2026, 4, 1),
    )
    return bodies


def test_the_dashboard_draws_every_chart_for_the_latest_month(
    client: Client, operator: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(operator)
    page = client.get("/office/integrity/").content.decode()
    assert '<option value="2026-04" selected>' in page
    assert page.count("<svg") == 7 and page.count('<details class="chart-data">') == 7
    for title in (
        "2026年4月得分分布（全部评价对象）",
        "2026年4月等级分布",
        "2026年4月县直部门排名",
        "示范县教育局得分趋势",
        "待处置预警（按层级）",
        "待处置预警（按类别）",
        "政务失信投诉（按状态）",
    ):
        assert f'-title">{title}</title>' in page, title
    assert "<td>县直部门</td><td>1</td>" in page and "<td>乡镇街道</td><td>1</td>" in page
    assert "<td>被列为失信被执行人</td><td>1</td>" in page
    assert "<td>待转办</td><td>1</td>" in page
    assert "<td>2026-03</td><td>101.00</td>" in page  # the trend of the first-ranked body
    for link in (
        "/office/integrity/warnings/",
        "/office/integrity/dishonest/",
        "/office/integrity/pledges/",
        "/office/integrity/feeds/",
        "/office/integrity/evaluations/",
    ):
        assert f'href="{link}' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, actor=operator, summary__contains="驾驶舱"
    ).exists()


def test_the_dashboard_follows_the_chosen_month_level_and_body(
    client: Client, operator: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(operator)
    west = evaluated["west"].pk
    page = client.get(f"/office/integrity/?month=2026-03&level=township&body={west}")
    html = page.content.decode()
    assert '<option value="2026-03" selected>' in html
    assert "2026年3月乡镇街道排名" in html and "示范县西湖镇人民政府得分趋势" in html
    assert "<td>2026-04</td>" not in html.split('id="chart-trend"')[1].split("</figure>")[0]


def test_before_any_evaluation_the_dashboard_says_what_to_do(
    client: Client, operator: User, db: None
) -> None:
    client.force_login(operator)
    page = client.get("/office/integrity/").content.decode()
    assert "尚无月度评价结果" in page and "<svg" not in page


def test_a_department_sees_only_its_own_bodys_reports(
    client: Client, market_submitter: User, tax_submitter: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(market_submitter)
    page = client.get("/office/integrity/").content.decode()
    assert "<svg" not in page and "示范县财政局" not in page
    edu = evaluated["edu"].pk
    assert f'href="/office/integrity/report/{edu}/2026-04/"' in page
    assert f'href="/office/integrity/report/{edu}/2026-03/pdf/"' in page
    client.force_login(tax_submitter)
    page = client.get("/office/integrity/").content.decode()
    assert "未对应政务诚信评价对象" in page


def test_the_dashboard_needs_a_login(client: Client) -> None:
    response = client.get("/office/integrity/")
    assert response.status_code == 302 and "/office/login/" in response["Location"]


# -- in a real browser -----------------------------------------------------------------------------

SEED = """
import django
django.setup()
import datetime as dt
from xinyong.departments.models import Role, User
from xinyong.integrity.models import IntegrityEvent, Warning
from xinyong.integrity.services import evaluate_month
from tests.integrity.conftest import make_body

User.objects.create_user("xyb", password="pw-operator-1", role=Role.OPERATOR, is_staff=True)
names = ["教育局", "财政局", "水利局", "交通运输局", "卫生健康局"]
bodies = [make_body(i + 1, "示范县" + n) for i, n in enumerate(names)]
bodies.append(make_body(9, "示范县东城街道办事处", "township"))
for i, body in enumerate(bodies):
    for k in range(i):
        IntegrityEvent.objects.create(
            body=body, kind="rating_bad", event_date=dt.date(2026, 1 + k % 4, 5),
            channel="internet", source_doc="好差评系统")
IntegrityEvent.objects.create(
    body=bodies[0], kind="honour", level="省级", event_date=dt.date(2025, 6, 1),
    channel="shared", source_doc="表彰决定")
for month in (2, 3, 4):
    evaluate_month(dt.date(2026, month, 1))
Warning.objects.create(body=bodies[1], kind="sxbzxr", title="失信被执行人", rule="测试",
                       raised_on=dt.date(2026, 4, 2))
print("seeded")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("integrity-browser"), SEED) as running:
        yield running.url


def test_the_dashboard_shows_its_svg_charts_in_a_browser_without_outside_requests(
    server: str, tmp_path: Path
) -> None:
    requested: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{server}/office/integrity/")
        page.fill("input[name=username]", "xyb")
        page.fill("input[name=password]", "pw-operator-1")
        page.click("form.stacked button[type=submit]")
        page.wait_for_url("**/office/integrity/")
        charts_shown = page.locator("figure.chart svg[role=img]")
        assert charts_shown.count() == 7
        ranking = page.locator("#chart-ranking svg")
        assert ranking.locator("rect.bar").count() == 5
        assert ranking.get_attribute("aria-labelledby") == "chart-ranking-title chart-ranking-desc"
        box = ranking.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        assert page.locator("#chart-trend svg circle").count() == 3
        page.locator("#chart-scores details summary").click()
        assert page.locator("#chart-scores table").is_visible()
        page.select_option("select[name=body]", label="示范县财政局")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**body=*")
        assert "示范县财政局得分趋势" in page.locator("#chart-trend-title").text_content()
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        page.get_by_role("link", name="示范县财政局2026年4月评价报告").click()
        page.wait_for_url("**/office/integrity/report/*/2026-04/")
        assert "县直部门第2名/共5个" in page.locator(".report-rank").inner_text()
        assert page.locator("#trend svg circle").count() == 3
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 20_000
    outside = [u for u in requested if not u.startswith(server)]
    assert outside == [], f"requests outside the platform: {outside}"
