"""The monthly evaluation report as a self-contained HTML document and as a PDF (WeasyPrint).

The document carries its CSS and its chart inline; the PDF is drawn with local fonts only and
fetches nothing (a fetcher that refuses every URL but ``data:``). Chinese needs a CJK font known
to fontconfig: without one WeasyPrint would draw empty boxes, so rendering is refused instead
(``fonts-noto-cjk`` on Debian).
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record
from xinyong.integrity.charts import line_trend
from xinyong.integrity.services import IntegrityError

__all__ = [
    "PREFERRED_FONTS",
    "LocalOnlyFetcher",
    "cjk_families",
    "ensure_cjk_font",
    "export_report",
    "ranking_document",
    "render_pdf",
    "render_ranking_pdf",
    "report_document",
]

#: CJK families tried first, in order; any other family fontconfig knows for Chinese follows
PREFERRED_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
)
NO_FONT = (
    "无法生成PDF：本机未安装中文字体（fontconfig 中没有支持中文的字体），"
    "生成的PDF将无法显示汉字。请安装中文字体（Debian：apt-get install fonts-noto-cjk）后重试，"
    "或先导出HTML版报告。"
)


def cjk_families() -> list[str]:
    """Font families that fontconfig lists as covering Chinese (``fc-list :lang=zh``)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        done = subprocess.run(
            [fc_list, ":lang=zh", "family"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    families: set[str] = set()
    for line in done.stdout.splitlines():
        # one font per line, its family names comma-separated (localised names too)
        families.update(name.strip() for name in line.split(",") if name.strip())
    return sorted(families)


def ensure_cjk_font() -> list[str]:
    """The font-family list for the PDF, or IntegrityError when no CJK font is installed."""
    found = cjk_families()
    if not found:
        raise IntegrityError(NO_FONT)
    preferred = [name for name in PREFERRED_FONTS if name in found]
    return preferred or found[:1]


def _css_families(families: list[str]) -> str:
    """The CSS font-family value: the given local families, then the generic fallback.

    >>> _css_families(["Noto Sans CJK SC"])
    '"Noto Sans CJK SC", sans-serif'
    """
    # Family names come from fontconfig; anything but word characters, spaces and hyphens is
    # dropped so the value can go into the stylesheet unescaped (HTML escaping would turn the
    # quotes into &quot; and WeasyPrint would ignore the whole declaration).
    quoted = ", ".join('"{}"'.format(re.sub(r"[^\w \-]", "", name)) for name in families)
    return mark_safe(f"{quoted}, sans-serif")  # noqa: S308 — sanitised just above


def report_document(report: dict[str, Any], *, fonts: list[str] | None = None) -> str:
    """The report as one HTML document with its CSS and chart inline (for the PDF and for
    ``xinyong integrity report --html``)."""
    return render_to_string(
        "integrity/report_document.html",
        {
            "r": report,
            "trend": trend_chart(report),
            "font_family": _css_families(list(fonts or PREFERRED_FONTS[:2])),
        },
    )


def trend_chart(report: dict[str, Any]) -> str:
    return line_trend(
        [(row["month"], row["score"]) for row in report["history"]],
        chart_id="trend",
        title=f"{report['body']['name']}近{len(report['history'])}个评价月得分趋势",
    )


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class Fetcher(LocalOnlyFetcher, URLFetcher):
        pass

    return Fetcher()


class LocalOnlyFetcher:
    """A WeasyPrint URL fetcher mixin that refuses everything but inline ``data:`` URLs: the
    report needs nothing from outside, and a stray URL must not reach the network or disk."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            raise ValueError(f"报告生成不访问外部资源：已拒绝{url[:100]}")
        return super().fetch(url, headers)  # type: ignore[misc]


def render_pdf(report: dict[str, Any]) -> bytes:
    """The report as PDF bytes; IntegrityError when Chinese cannot be drawn."""
    return _pdf(lambda fonts: report_document(report, fonts=fonts))


def ranking_document(
    ranking: dict[str, Any],
    publication: Any,
    window_months: int,
    *,
    fonts: list[str] | None = None,
) -> str:
    """A level's ranking of a month as one HTML document; without ``publication`` it is marked
    as an unpublished internal draft."""
    from django.conf import settings
    from django.utils import timezone

    return render_to_string(
        "integrity/ranking_document.html",
        {
            "ranking": ranking,
            "publication": publication,
            "window_months": window_months,
            "generated_at": timezone.localtime(),
            "REGION_NAME": settings.REGION_NAME,
            "font_family": _css_families(list(fonts or PREFERRED_FONTS[:2])),
        },
    )


def render_ranking_pdf(ranking: dict[str, Any], publication: Any, window_months: int) -> bytes:
    """The ranking as PDF bytes; IntegrityError when Chinese cannot be drawn."""
    return _pdf(lambda fonts: ranking_document(ranking, publication, window_months, fonts=fonts))


def _pdf(document: Callable[[list[str]], str]) -> bytes:
    fonts = ensure_cjk_font()
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise IntegrityError(
            f"无法生成PDF：WeasyPrint 或其依赖的 Pango 库不可用（{exc}）。"
            "请按《安装与运行》说明安装 libpango-1.0-0、libpangoft2-1.0-0 后重试。"
        ) from None
    pdf = HTML(string=document(fonts), url_fetcher=_fetcher()).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def export_report(
    code: str, month: datetime.date, pdf_path: Path | None, html_path: Path | None
) -> list[str]:
    """``xinyong integrity report``: write the report to a file (PDF or HTML) or summarise it.

    Returns the lines to print; the read of the report is audited as the command line's."""
    from xinyong.integrity.models import GovBody
    from xinyong.integrity.reports import body_report

    body = (
        GovBody.objects.select_related("subject", "department")
        .filter(subject__uscc=code.strip().upper())
        .first()
    )
    if body is None:
        raise IntegrityError(f"统一社会信用代码“{code}”不是政务诚信评价对象")
    report = body_report(body, month)
    title = f"{report['body']['name']}{report['month_label']}政务诚信评价报告"
    if pdf_path is not None or html_path is not None:
        target = pdf_path or html_path
        assert target is not None
        data = (
            render_pdf(report) if pdf_path is not None else report_document(report).encode("utf-8")
        )
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise IntegrityError(f"无法写入{target}：{exc.strerror or exc}") from None
        record(
            "命令行",
            AuditAction.EXPORT,
            f"导出{title}（{'PDF' if pdf_path else 'HTML'}）",
            obj=body,
            detail={"month": report["month"], "file": str(target)},
        )
        return [f"已写入{title}：{target}（{len(data)}字节）"]
    record("命令行", AuditAction.READ, f"查看{title}", obj=body, detail={"month": report["month"]})
    lines = [
        f"{title}（模型{report['model_version']}）",
        f"得分{report['score']}，{report['grade']}级（{report['grade_name']}），"
        f"{report['body']['level_name']}{report['rank_text']}，{report['delta_text']}",
    ]
    for dimension in report["dimensions"]:
        lines.append(f"  {dimension['name']}：{dimension['score']}分")
        for item in dimension["items"]:
            lines.append(f"    {item['item']} {item['name']}：{item['points']}分")
            for event in item["events"]:
                lines.append(f"      - {event['date']} {event['kind_name']} {event['source']}")
    lines.append("趋势：" + "，".join(f"{h['month']} {h['score']}" for h in report["history"]))
    return lines
