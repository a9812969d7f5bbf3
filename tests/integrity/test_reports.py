"""The monthly evaluation report (R-GOV-3): its data, who may read it, HTML, PDF and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from pypdf import PdfReader

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.core import uscc
from xinyong.departments.models import ApiToken, Department, User
from xinyong.integrity import pdf
from xinyong.integrity.models import GovBody
from xinyong.integrity.reports import body_report
from xinyong.integrity.services import IntegrityError, evaluate_month

APRIL = dt.date(2026, 4, 1)
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def evaluated(
    bodies: dict[str, GovBody],
    add_event: Callable[..., Any],
    market_dept: Department,
    tax_dept: Department,
) -> dict[str, GovBody]:
    """March and April evaluated; the education bureau is the market department's body (a
    stand-in pairing: what matters is that the body's department is the user's)."""
    bodies["edu"].department = market_dept
    bodies["edu"].save()
    bodies["fin"].department = tax_dept
    bodies["fin"].save()
    add_event(bodies["edu"], "honour", "2025-03-15", level="省级", source_doc="浙政发〔2025〕9号")
    add_event(
        bodies["edu"],
        "rating_bad",
        "2026-04-02",
        channel="internet",
        source_doc="示范县政务服务好差评系统",
        note="办事等候超时",
    )
    add_event(bodies["fin"], "arrears", "2026-02-01", source_doc="拖欠账款台账第12号")
    evaluate_month(MARCH)
    evaluate_month(APRIL)
    return bodies


def cli(*args: str) -> str:
    out = StringIO()
    call_command("integrity", *args, stdout=out)
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# -- the data ----------------------------------------------------------------------------------


def test_the_report_states_score_grade_rank_change_and_the_events_with_their_sources(
    evaluated: dict[str, GovBody],
) -> None:
    report = body_report(evaluated["edu"], APRIL)
    assert (report["score"], report["grade"], report["grade_name"]) == ("101.50", "A", "诚信")
    assert report["rank_text"] == "第1名/共3个"
    assert report["delta"] == "-0.50" and report["delta_text"] == "较上月下降0.50分"
    assert report["model_version"] == "2026.1"
    [history_march, history_april] = report["history"]
    assert (history_march["month"], history_march["score"]) == ("2026-03", "102.00")
    assert (history_april["rank"], history_april["of"]) == (1, 3)
    qzgx = next(d for d in report["dimensions"] if d["code"] == "QZGX")
    by_item = {item["item"]: item for item in qzgx["items"]}
    honour = by_item["QZGX-3"]
    assert honour["points"] == "2.00"
    assert any("24个月" in line for line in honour["explanation"])
    [event] = honour["events"]
    assert (event["level"], event["channel_name"], event["source_doc"]) == (
        "省级",
        "部门共享",
        "浙政发〔2025〕9号",
    )
    [rating] = by_item["QZGX-2"]["events"]
    assert rating["source"] == "互联网采集：示范县政务服务好差评系统"
    yfxz = next(d for d in report["dimensions"] if d["code"] == "YFXZ")
    assert yfxz["items"] == [] and yfxz["score"] == "30.00"


def test_a_month_without_evaluation_has_no_report(evaluated: dict[str, GovBody]) -> None:
    with pytest.raises(IntegrityError, match="尚无2026-05的评价结果"):
        body_report(evaluated["edu"], dt.date(2026, 5, 1))


# -- who may read it ---------------------------------------------------------------------------


def report_url(body: GovBody, month: str = "2026-04", suffix: str = "") -> str:
    return f"/office/integrity/report/{body.pk}/{month}/{suffix}"


def test_an_operator_reads_any_report_and_the_read_is_audited(
    client: Client, operator: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(operator)
    response = client.get(report_url(evaluated["water"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "示范县水利局2026年4月政务诚信评价报告" in page
    assert "第2名/共3个" in page and "<svg" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, actor=operator, summary__contains="水利局"
    ).exists()


def test_a_department_reads_its_own_bodys_report(
    client: Client, market_submitter: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(market_submitter)
    response = client.get(report_url(evaluated["edu"]))
    assert response.status_code == 200
    assert "浙政发〔2025〕9号" in response.content.decode()


def test_a_department_is_refused_another_bodys_report_with_the_reason(
    client: Client, market_submitter: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(market_submitter)
    reasons = {
        "fin": "您属于“示范县市场监督管理局”，只能查看本单位的政务诚信评价报告",
        "water": "“示范县水利局”未关联平台部门，其政务诚信评价报告只有信用办可以查看",
    }
    for key, reason in reasons.items():
        for suffix in ("", "pdf/"):
            response = client.get(report_url(evaluated[key], suffix=suffix))
            assert response.status_code == 403
            assert reason in response.content.decode()
    refusals = AuditEvent.objects.filter(action=AuditAction.DENIED, actor=market_submitter)
    assert refusals.count() == 4
    assert not AuditEvent.objects.filter(action=AuditAction.READ, actor=market_submitter).exists()


def test_a_department_no_longer_active_is_refused_its_own_report(
    client: Client, market_submitter: User, evaluated: dict[str, GovBody]
) -> None:
    Department.objects.filter(pk=market_submitter.department_id).update(is_active=False)
    client.force_login(market_submitter)
    response = client.get(report_url(evaluated["edu"]))
    assert response.status_code == 403
    assert "已停用" in response.content.decode()


def test_a_bad_month_or_an_unevaluated_month_is_not_found(
    client: Client, operator: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(operator)
    assert client.get(report_url(evaluated["edu"], "2026-13")).status_code == 404
    response = client.get(report_url(evaluated["edu"], "2026-05"))
    assert response.status_code == 404
    assert "尚无2026-05的评价结果" in response.content.decode()


# -- PDF ---------------------------------------------------------------------------------------


def test_the_pdf_download_is_a_real_pdf_with_the_chinese_text(
    client: Client, market_submitter: User, evaluated: dict[str, GovBody]
) -> None:
    client.force_login(market_submitter)
    response = client.get(report_url(evaluated["edu"], suffix="pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "示范县教育局" in text
    assert "第1名/共3个" in text
    assert "浙政发〔2025〕9号" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=market_submitter, summary__contains="PDF"
    ).exists()


def test_the_pdf_stylesheet_names_the_chinese_fonts_unescaped(
    evaluated: dict[str, GovBody],
) -> None:
    """Escaped quotes (&quot;) would make WeasyPrint drop the font-family declaration."""
    from xinyong.integrity.pdf import report_document
    from xinyong.integrity.reports import body_report

    document = report_document(
        body_report(evaluated["edu"], APRIL), fonts=["Noto Sans CJK SC", 'Evil"; } *{x']
    )
    assert 'font-family: "Noto Sans CJK SC", "Evil  x", sans-serif;' in document
    assert "&quot;" not in document.split("</style>")[0]


def test_no_pdf_is_made_without_a_chinese_font(
    client: Client,
    operator: User,
    evaluated: dict[str, GovBody],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf, "cjk_families", lambda: [])
    with pytest.raises(IntegrityError, match="未安装中文字体"):
        pdf.render_pdf(body_report(evaluated["edu"], APRIL))
    client.force_login(operator)
    response = client.get(report_url(evaluated["edu"], suffix="pdf/"))
    assert response.status_code == 503
    assert "未安装中文字体" in response.content.decode()
    assert "application/pdf" not in response["Content-Type"]


def test_the_pdf_fetches_nothing_but_inline_data() -> None:
    fetcher = pdf._fetcher()
    for url in ("https://fonts.example.org/a.css", "file:///etc/passwd", "http://127.0.0.1/"):
        with pytest.raises(ValueError, match="不访问外部资源"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_the_installed_fonts_cover_chinese() -> None:
    """The PDF check and the PDF itself rely on fontconfig knowing a CJK family."""
    assert pdf.ensure_cjk_font()[0] in pdf.PREFERRED_FONTS


# -- CLI and API -------------------------------------------------------------------------------


def test_the_cli_writes_the_report_as_pdf_or_html(
    evaluated: dict[str, GovBody], tmp_path: Path
) -> None:
    code = evaluated["fin"].subject.uscc
    out = cli("report", code, "--month", "2026-04", "--pdf", str(tmp_path / "r.pdf"))
    assert "r.pdf" in out
    assert "示范县财政局" in pdf_text((tmp_path / "r.pdf").read_bytes())
    cli("report", code, "--month", "2026-04", "--html", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert (
        "拖欠账款台账第12号" in html
        and "<svg" in html
        and "http" not in html.replace("http://www.w3.org/2000/svg", "")
    )
    summary = cli("report", code, "--month", "2026-04")
    assert "第3名/共3个" in summary and "SXJN-3" in summary
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor_name="命令行").count() == 2


def test_the_cli_refuses_unknown_bodies_and_months(evaluated: dict[str, GovBody]) -> None:
    with pytest.raises(CommandError, match="不是政务诚信评价对象"):
        cli("report", uscc.build("11330100", "MB000099"), "--month", "2026-04")
    with pytest.raises(CommandError, match="不是有效月份"):
        cli("report", evaluated["fin"].subject.uscc, "--month", "April")


def test_the_api_gives_a_body_its_evaluation_to_its_own_department_and_operators(
    client: Client,
    market_submitter: User,
    tax_submitter: User,
    operator: User,
    evaluated: dict[str, GovBody],
) -> None:
    code = evaluated["edu"].subject.uscc
    url = f"/api/v1/integrity/bodies/{code}/evaluations/2026-04"

    def get(user: User) -> Any:
        token = ApiToken.issue(user, "测试")[1]
        return client.get(url, headers={"Authorization": f"Bearer {token}"})

    own = get(market_submitter)
    assert own.status_code == 200
    data = own.json()
    assert (data["score"], data["rank_text"], data["body"]["name"]) == (
        "101.50",
        "第1名/共3个",
        "示范县教育局",
    )
    assert get(operator).status_code == 200
    other = get(tax_submitter)
    assert other.status_code == 403
    assert "只能查看本单位" in other.json()["message"]
    assert client.get(url).status_code == 401
    token = ApiToken.issue(operator, "信用办")[1]
    missing = client.get(
        url.replace("2026-04", "2026-05"), headers={"Authorization": f"Bearer {token}"}
    )
    assert missing.status_code == 404
    assert json.loads(missing.content)["message"].endswith("请先运行该月评价")
