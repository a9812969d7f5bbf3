"""Back-office pages of joint reward and punishment: check, feedback, false positives, inbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.departments.permissions import ensure_can_act_for, scope_to_user
from xinyong.ingest.views import _page, _user, office_view
from xinyong.jrp.checking import CheckError, run_check
from xinyong.jrp.forms import CheckForm, ClearForm, FeedbackForm
from xinyong.jrp.measures import catalog
from xinyong.jrp.models import Check, CheckItem, Notice
from xinyong.jrp.services import (
    FeedbackError,
    FeedbackIn,
    clear_false_positive,
    feedback_rates,
    give_feedback,
)

CHECKS_PER_PAGE = 30
NOTICES_PER_PAGE = 30
RATE_DAYS = 30


def _checks(user: Any) -> Any:
    checks = Check.objects.select_related("department", "user")
    if user.is_operator:
        return checks
    return scope_to_user(user, checks)


def visible_rates(user: Any, start: dt.date, end: dt.date) -> list[Any]:
    """触发反馈率 rows the user may see: all departments for operators, else its own."""
    rates = feedback_rates(start, end)
    if not user.is_operator:
        rates = [r for r in rates if r.department.pk == user.department_id]
    return rates


@office_view
@require_http_methods(["GET", "POST"])
def check_page(request: HttpRequest) -> HttpResponse:
    """Check subjects in a scenario; the answer opens as the check's page."""
    user = _user(request)
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        department = None if user.is_operator else user.department
        try:
            outcome = run_check(
                user,
                department,
                form.cleaned_data["scenario"],
                form.cleaned_data["subjects"],
                via="web",
                request=request,
            )
        except CheckError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("jrp:check", pk=outcome.check.pk)
    today = timezone.localdate()
    start = today - dt.timedelta(days=RATE_DAYS - 1)
    context = {
        "nav": "jrp",
        "form": form,
        "checks": _page(request, _checks(user), CHECKS_PER_PAGE),
        "rates": visible_rates(user, start, today),
        "rate_start": start,
        "rate_end": today,
        "measures": catalog().measures,
        "scenarios": catalog().scenarios,
    }
    return render(request, "jrp/check.html", context)


@office_view
@require_GET
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    run = get_object_or_404(Check.objects.select_related("department", "user"), pk=pk)
    if run.department is None:
        from xinyong.departments.permissions import ensure_operator

        ensure_operator(user, what="查看信用办的核查", request=request)
    else:
        ensure_can_act_for(user, run.department, what="查看核查结果", request=request)
    items = list(run.items.select_related("subject").prefetch_related("feedback"))
    cat = catalog()
    rows = []
    for item in items:
        given = {f.measure_code: f for f in item.feedback.all()}
        rows.append(
            {
                "item": item,
                "entries": item.result.get("entries", []),
                "explanation": item.result.get("explanation", ""),
                "error": item.result.get("error", ""),
                "measures": [
                    {"measure": cat.measure(code), "feedback": given.get(code)}
                    for code in item.measures
                ],
                "suspended": [
                    cat.measure(code) for code in item.result.get("suspended_measures", [])
                ],
            }
        )
    own = run.department is not None and user.department_id == run.department_id
    context = {
        "nav": "jrp",
        "run": run,
        "rows": rows,
        "scenario_name": cat.scenarios.get(run.scenario, run.scenario),
        "can_feedback": own,
    }
    return render(request, "jrp/check_detail.html", context)


def _item(pk: int, position: int) -> CheckItem:
    return get_object_or_404(
        CheckItem.objects.select_related("check_run__department"),
        check_run_id=pk,
        position=position,
    )


@office_view
@require_POST
def feedback(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    item = _item(pk, position)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        problems = "；".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"反馈填写不完整：{problems}")
    else:
        data = form.cleaned_data
        try:
            give_feedback(
                _user(request),
                item,
                [FeedbackIn(data["measure"], data["applied"], data["reason"])],
                request=request,
            )
        except FeedbackError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已记录反馈")
    return redirect("jrp:check", pk=pk)


@office_view
@require_POST
def clear(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    item = _item(pk, position)
    form = ClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写误报理由")
    else:
        try:
            clear_false_positive(
                _user(request),
                item,
                form.cleaned_data["entry_id"],
                form.cleaned_data["reason"],
                request=request,
            )
        except FeedbackError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已排除误报：本部门以同一名称核查时不再提示该条目")
    return redirect("jrp:check", pk=pk)


@office_view
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    notices = scope_to_user(user, Notice.objects.select_related("department", "subject"))
    if request.method == "POST":
        # Marking read is the department's act; an operator reading all inboxes marks nothing.
        ids = [int(i) for i in request.POST.getlist("notice") if i.isdigit()]
        mine = notices.filter(pk__in=ids, read_at__isnull=True)
        if not user.is_operator:
            mine.update(read_at=timezone.now())
        return redirect("jrp:inbox")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    context = {
        "nav": "inbox",
        "page": _page(request, notices, NOTICES_PER_PAGE),
        "unread_only": unread_only,
    }
    return render(request, "jrp/inbox.html", context)
