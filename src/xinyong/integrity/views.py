"""Pages of evaluations, reports, rankings and the dashboard of 政务诚信 (R-GOV-3, issue 4 §9).

Thin views over ``services`` (running a month) and ``reports`` (reports, rankings and their
publication): staff pages under /office/integrity/, the published rankings on the portal under
/integrity/. A refusal (``PermissionDenied``) becomes a 403 page with its Chinese reason (already
in the audit log); a refused action (``IntegrityError``) a message on the page.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record_request
from xinyong.departments.permissions import ensure_operator
from xinyong.ingest.views import office_view
from xinyong.integrity import charts, reports
from xinyong.integrity.models import (
    BodyLevel,
    Evaluation,
    EvaluationRun,
    GovBody,
    RankingPublication,
)
from xinyong.integrity.services import IntegrityError, evaluate_month, model_for, parse_month

NAV = "integrity"
#: bodies drawn in the dashboard's ranking chart (the full ranking is on the evaluations page)
RANKING_BARS = 20


def _month_or_none(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return parse_month(text)
    except IntegrityError:
        return None


def _month_or_404(text: str) -> datetime.date:
    try:
        return parse_month(text)
    except IntegrityError as exc:
        raise Http404(str(exc)) from None


def _level(text: str | None, default: str = "") -> str:
    return text if text in BodyLevel.values else default


# -- dashboard ---------------------------------------------------------------------------------


@office_view
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_operator:
        return _own_reports(request)
    months = reports.evaluated_months()
    month = _month_or_none(request.GET.get("month"))
    if month not in months:
        month = months[0] if months else None
    level = _level(request.GET.get("level"), BodyLevel.COUNTY_DEPT)
    context: dict[str, Any] = {
        "nav": NAV,
        "months": months,
        "month": month,
        "level": level,
        "levels": BodyLevel.choices,
    }
    if month is None:
        return render(request, "integrity/office_dashboard.html", context)
    ranking = reports.level_ranking(month, level)
    bodies = [(row["body_id"], row["name"]) for row in ranking["rows"]]
    body_id = request.GET.get("body", "")
    chosen = next((b for b in bodies if str(b[0]) == body_id), bodies[0] if bodies else None)
    figures = reports.dashboard_figures(month)
    label = reports.month_label(month)
    context.update(
        figures=figures,
        ranking=ranking,
        bodies=bodies,
        chosen=chosen,
        publication=reports.live_publication(month, level),
        histogram=charts.histogram(
            figures["scores"], chart_id="chart-scores", title=f"{label}得分分布（全部评价对象）"
        ),
        grades=charts.bar_counts(
            figures["grades"], chart_id="chart-grades", title=f"{label}等级分布", unit="个"
        ),
        ranking_chart=charts.bar_ranking(
            [(row["name"], row["score"]) for row in ranking["rows"][:RANKING_BARS]],
            chart_id="chart-ranking",
            title=f"{label}{ranking['level_name']}排名"
            + (f"（前{RANKING_BARS}名）" if ranking["count"] > RANKING_BARS else ""),
        ),
        trend=charts.line_trend(
            reports.trend(GovBody.objects.get(pk=chosen[0]), month),
            chart_id="chart-trend",
            title=f"{chosen[1]}得分趋势",
        )
        if chosen
        else "",
        warnings_level=charts.bar_counts(
            figures["warnings_by_level"], chart_id="chart-warn-level", title="待处置预警（按层级）"
        ),
        warnings_kind=charts.bar_counts(
            figures["warnings_by_kind"], chart_id="chart-warn-kind", title="待处置预警（按类别）"
        ),
        complaints=charts.bar_counts(
            figures["complaints_by_status"],
            chart_id="chart-complaints",
            title="政务失信投诉（按状态）",
        ),
    )
    record_request(
        request,
        AuditAction.READ,
        f"查看{label}政务诚信驾驶舱（得分、排名、预警）",
        detail={"month": f"{month:%Y-%m}", "level": level},
    )
    return render(request, "integrity/office_dashboard.html", context)


def _own_reports(request: HttpRequest) -> HttpResponse:
    """A department user's entry: the reports of its own body, nothing of other bodies."""
    user: Any = request.user
    bodies = (
        list(GovBody.objects.filter(department_id=user.department_id)) if user.department_id else []
    )
    rows = [
        (body, list(body.evaluations.order_by("-month")[: reports.HISTORY_MONTHS]))
        for body in bodies
    ]
    return render(request, "integrity/office_own.html", {"nav": NAV, "rows": rows})


# -- evaluations: run a month, publish a ranking ---------------------------------------------


@office_view
@require_http_methods(["GET", "POST"])
def evaluations(request: HttpRequest) -> HttpResponse:
    ensure_operator(request.user, what="查看和运行政务诚信月度评价", request=request)
    if request.method == "POST":
        return _run(request)
    months = reports.evaluated_months()
    month = _month_or_none(request.GET.get("month")) or (months[0] if months else None)
    level = _level(request.GET.get("level"))
    rows = []
    runs: list[EvaluationRun] = []
    run = None
    publications: list[dict[str, Any]] = []
    if month is not None:
        qs = Evaluation.objects.filter(month=month).select_related("body__subject")
        if level:
            qs = qs.filter(level=level)
        rows = list(qs.order_by("level", "rank", "body__name"))
        runs = list(EvaluationRun.objects.filter(month=month).order_by("-id")[:10])
        run_id = request.GET.get("run", "")
        run = next((r for r in runs if str(r.pk) == run_id), None)
        counts = dict(
            Evaluation.objects.filter(month=month)
            .values("level")
            .annotate(n=Count("id"))
            .values_list("level", "n")
        )
        existing = {p.level: p for p in RankingPublication.objects.filter(month=month)}
        publications = [
            {
                "level": value,
                "label": label,
                "count": counts.get(value, 0),
                "publication": existing.get(value),
            }
            for value, label in BodyLevel.choices
        ]
        record_request(
            request,
            AuditAction.READ,
            f"查看{reports.month_label(month)}政务诚信评价结果",
            detail={"month": f"{month:%Y-%m}", "level": level},
        )
    return render(
        request,
        "integrity/office_evaluations.html",
        {
            "nav": NAV,
            "months": months,
            "month": month,
            "level": level,
            "levels": BodyLevel.choices,
            "rows": rows,
            "runs": runs,
            "run": run,
            "publications": publications,
            "this_month": f"{timezone.localdate():%Y-%m}",
        },
    )


def _evaluations_url(month: datetime.date | str, **extra: Any) -> str:
    text = month if isinstance(month, str) else f"{month:%Y-%m}"
    query = urlencode({"month": text, **{k: v for k, v in extra.items() if v}})
    return f"{reverse('integrity:evaluations')}?{query}"


def _run(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("month", "").strip()
    try:
        month = parse_month(text)
        if month > timezone.localdate().replace(day=1):
            raise IntegrityError(f"{text}尚未开始，不能评价")
        run = evaluate_month(month, actor=request.user)
    except IntegrityError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("integrity:evaluations"))
    if run.unchanged:
        messages.info(request, f"{text}：输入与上次运行相同，结果未变")
    elif run.changes:
        messages.success(request, f"{text}已重新评价，{len(run.changes)}个对象结果变化")
    else:
        messages.success(request, f"{text}已评价：{run.bodies}个评价对象，{run.events}条事件")
    return redirect(_evaluations_url(month, run=run.pk))


@office_view
@require_POST
def publication(request: HttpRequest, action: str) -> HttpResponse:
    """发布 / 撤回 a month's ranking of one level (``action`` comes from the URL pattern)."""
    what = "发布政务诚信排名" if action == "publish" else "撤回政务诚信排名"
    ensure_operator(request.user, what=what, request=request)
    text = request.POST.get("month", "")
    level = request.POST.get("level", "")
    try:
        month = parse_month(text)
        if action == "publish":
            reports.publish_ranking(month, level, request.user, note=request.POST.get("note", ""))
            messages.success(
                request, f"已发布{reports.month_label(month)}{reports.level_name(level)}排名"
            )
        else:
            reports.withdraw_ranking(
                month, level, request.user, reason=request.POST.get("reason", "")
            )
            messages.success(
                request, f"已撤回{reports.month_label(month)}{reports.level_name(level)}排名"
            )
    except IntegrityError as exc:
        messages.error(request, str(exc))
        return redirect(
            _evaluations_url(text) if _month_or_none(text) else reverse("integrity:evaluations")
        )
    return redirect(_evaluations_url(month))


# -- a body's report --------------------------------------------------------------------------


def _report(request: HttpRequest, body_id: int, month_text: str) -> tuple[GovBody, dict[str, Any]]:
    body = get_object_or_404(GovBody.objects.select_related("subject", "department"), pk=body_id)
    month = _month_or_404(month_text)
    reports.ensure_can_read_report(request.user, body, request=request)
    try:
        return body, reports.body_report(body, month)
    except IntegrityError as exc:
        raise Http404(str(exc)) from None


@office_view
@require_safe
def report(request: HttpRequest, body_id: int, month: str) -> HttpResponse:
    try:
        body, data = _report(request, body_id, month)
    except Http404 as exc:
        return render(
            request, "integrity/report_missing.html", {"nav": NAV, "reason": str(exc)}, status=404
        )
    from xinyong.integrity.pdf import trend_chart

    record_request(
        request,
        AuditAction.READ,
        f"查看{body.name}{data['month_label']}政务诚信评价报告",
        obj=body,
        detail={"month": data["month"]},
    )
    return render(
        request, "integrity/report.html", {"nav": NAV, "r": data, "trend": trend_chart(data)}
    )


@office_view
@require_safe
def report_pdf(request: HttpRequest, body_id: int, month: str) -> HttpResponse:
    from xinyong.integrity.pdf import render_pdf

    try:
        body, data = _report(request, body_id, month)
    except Http404 as exc:
        return render(
            request, "integrity/report_missing.html", {"nav": NAV, "reason": str(exc)}, status=404
        )
    try:
        content = render_pdf(data)
    except IntegrityError as exc:
        # The server lacks a Chinese font: a PDF of empty boxes would mislead, so say so.
        return render(
            request, "integrity/report_missing.html", {"nav": NAV, "reason": str(exc)}, status=503
        )
    record_request(
        request,
        AuditAction.EXPORT,
        f"下载{body.name}{data['month_label']}政务诚信评价报告（PDF）",
        obj=body,
        detail={"month": data["month"]},
    )
    return _pdf_response(
        content,
        f"integrity-report-{data['month']}.pdf",
        f"{data['body']['name']}-{data['month']}-政务诚信评价报告.pdf",
    )


def _quote(text: str) -> str:
    return quote(text, safe="")


# -- portal -------------------------------------------------------------------------------------


@require_safe
def hub(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "integrity/portal_hub.html",
        {
            "nav": NAV,
            "publications": reports.published_rankings(),
            "window_months": model_for(timezone.localdate()).window_months,
        },
    )


def _published(month: str, level: str) -> tuple[datetime.date, RankingPublication]:
    day = _month_or_404(month)
    if level not in BodyLevel.values:
        raise Http404("层级不存在")
    publication = reports.live_publication(day, level)
    if publication is None:
        raise Http404("该排名未发布")
    return day, publication


@require_safe
def ranking(request: HttpRequest, month: str, level: str) -> HttpResponse:
    day, publication = _published(month, level)
    return render(
        request,
        "integrity/portal_ranking.html",
        {
            "nav": NAV,
            "ranking": reports.level_ranking(day, level),
            "publication": publication,
            "window_months": model_for(day).window_months,
        },
    )


@require_safe
def ranking_pdf(request: HttpRequest, month: str, level: str) -> HttpResponse:
    """A published ranking as a PDF document (public, like its page)."""
    day, publication = _published(month, level)
    return _ranking_pdf(request, day, level, publication, "integrity/portal_pdf_unavailable.html")


@office_view
@require_safe
def ranking_draft_pdf(request: HttpRequest, month: str, level: str) -> HttpResponse:
    """Any evaluated ranking as a PDF for the credit office, marked as an internal draft until
    published (for the meeting that decides to publish it)."""
    ensure_operator(request.user, what="下载政务诚信排名", request=request)
    day = _month_or_404(month)
    if level not in BodyLevel.values:
        raise Http404("层级不存在")
    response = _ranking_pdf(
        request, day, level, reports.live_publication(day, level), "integrity/report_missing.html"
    )
    if response["Content-Type"] == "application/pdf":
        record_request(
            request,
            AuditAction.EXPORT,
            f"下载{reports.month_label(day)}{reports.level_name(level)}政务诚信排名（PDF）",
            detail={"month": f"{day:%Y-%m}", "level": level},
        )
    return response


def _ranking_pdf(
    request: HttpRequest,
    day: datetime.date,
    level: str,
    publication: RankingPublication | None,
    unavailable: str,
) -> HttpResponse:
    from xinyong.integrity.pdf import render_ranking_pdf

    ranking = reports.level_ranking(day, level)
    if not ranking["count"]:
        raise Http404(f"{reports.month_label(day)}没有{reports.level_name(level)}的评价结果")
    try:
        content = render_ranking_pdf(ranking, publication, model_for(day).window_months)
    except IntegrityError as exc:
        # The server lacks a Chinese font: a PDF of empty boxes would mislead, so say so.
        return render(request, unavailable, {"nav": NAV, "reason": str(exc)}, status=503)
    return _pdf_response(
        content,
        f"integrity-ranking-{day:%Y-%m}-{level}.pdf",
        f"{ranking['month_label']}{ranking['level_name']}政务诚信评价排名.pdf",
    )


def _pdf_response(content: bytes, ascii_name: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{_quote(name)}"
    )
    return response
