"""Warnings (预警) and the dishonest-bodies list (失信政府机构名单) — staff pages under
/office/integrity/, the public list under /integrity/dishonest/.

Thin views over ``alerts`` and ``dishonest``: a refused step (``IntegrityError``) is shown as a
message and changes nothing; a department sees and acts for its own body only.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from xinyong.casework import countdown
from xinyong.ingest.views import office_view
from xinyong.integrity import alerts, dishonest
from xinyong.integrity.models import DishonestItem, WarningStatus
from xinyong.integrity.services import IntegrityError, model_for
from xinyong.widgets import date_input

PER_PAGE = 50


class CloseForm(forms.Form):
    response = forms.CharField(label="处置情况", widget=forms.Textarea(attrs={"rows": 4}))


class ProgressForm(forms.Form):
    text = forms.CharField(label="整改进展", widget=forms.Textarea(attrs={"rows": 3}))


class RectifyForm(forms.Form):
    day = forms.DateField(label="整改完成日期", widget=date_input())
    text = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))


@office_view
@require_safe
def warnings(request: HttpRequest) -> HttpResponse:
    qs = alerts.visible_warnings(request.user)
    status = request.GET.get("status", WarningStatus.OPEN)
    if status in WarningStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-raised_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    for warning in page:
        warning.countdown = (  # type: ignore[attr-defined]
            countdown(warning.deadline) if warning.status == WarningStatus.OPEN else ""
        )
    return render(
        request,
        "integrity/watch_warnings.html",
        {"page": page, "status": status, "statuses": WarningStatus.choices, "nav": "integrity"},
    )


@office_view
@require_http_methods(["GET", "POST"])
def warning(request: HttpRequest, pk: int) -> HttpResponse:
    found = alerts.visible_warnings(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("预警不存在或不属于本单位")
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alerts.close_warning(found, form.cleaned_data["response"], request.user)
        except IntegrityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已登记处置情况")
            return redirect("integrity:warning", pk=pk)
    return render(
        request,
        "integrity/watch_warning.html",
        {
            "warning": found,
            "countdown": countdown(found.deadline) if found.status == WarningStatus.OPEN else "",
            "form": form,
            "nav": "integrity",
        },
    )


def _state(item: DishonestItem, today: datetime.date) -> str:
    if item.voided_on:
        return "已撤销"
    if item.escalated_on:
        return "逾期未整改，已升级为严重失信"
    if item.rectified_on:
        return "已整改"
    return "整改中" if today <= item.rectify_by else "逾期未整改"


def _filtered(qs, state: str):  # type: ignore[no-untyped-def]
    if state == "open":
        return qs.filter(rectified_on__isnull=True, voided_on__isnull=True)
    if state == "escalated":
        return qs.filter(escalated_on__isnull=False)
    if state == "rectified":
        return qs.filter(rectified_on__isnull=False, voided_on__isnull=True)
    return qs


STATES = (
    ("open", "未整改"),
    ("escalated", "已升级严重失信"),
    ("rectified", "已整改"),
    ("all", "全部"),
)


@office_view
@require_safe
def dishonest_items(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    qs = _filtered(dishonest.visible_items(request.user), state).order_by("rectify_by", "id")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for item in page:
        item.state = _state(item, today)  # type: ignore[attr-defined]
    return render(
        request,
        "integrity/watch_dishonest.html",
        {
            "page": page,
            "state": state,
            "states": STATES,
            "model": model_for(today),
            "nav": "integrity",
        },
    )


@office_view
@require_http_methods(["GET", "POST"])
def dishonest_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = dishonest.visible_items(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404("失信事项不存在或不属于本单位")
    progress = ProgressForm(request.POST if request.POST.get("action") == "progress" else None)
    rectify = RectifyForm(request.POST if request.POST.get("action") == "rectify" else None)
    if request.method == "POST":
        try:
            if progress.is_bound and progress.is_valid():
                dishonest.report_progress(item, progress.cleaned_data["text"], request.user)
                messages.success(request, "已报送整改进展")
                return redirect("integrity:dishonest_item", pk=pk)
            if rectify.is_bound and rectify.is_valid():
                data = rectify.cleaned_data
                dishonest.rectify(item, data["day"], data["text"], request.user)
                messages.success(request, "已登记整改完成")
                return redirect("integrity:dishonest_item", pk=pk)
        except IntegrityError as exc:
            (progress if progress.is_bound else rectify).add_error(None, str(exc))
    return render(
        request,
        "integrity/watch_dishonest_item.html",
        {
            "item": item,
            "state": _state(item, timezone.localdate()),
            "model": model_for(item.found_on),
            "register": dishonest.register_of(item),
            "progress_form": progress,
            "rectify_form": rectify,
            "nav": "integrity",
        },
    )


@require_safe
def public_dishonest(request: HttpRequest) -> HttpResponse:
    """失信政府机构名单 as published: bodies with their items and rectification progress."""
    today = timezone.localdate()
    state = request.GET.get("state", "open")
    live = DishonestItem.objects.filter(voided_on__isnull=True)
    items = _filtered(live.select_related("body", "list_entry"), state).order_by(
        "body__name", "found_on", "id"
    )
    bodies: dict[int, dict[str, object]] = {}
    for item in items:
        item.state = _state(item, today)  # type: ignore[attr-defined]
        group = bodies.setdefault(item.body_id, {"body": item.body, "items": []})
        group["items"].append(item)  # type: ignore[attr-defined]
    counts = {
        "listed": live.filter(rectified_on__isnull=True).values("body").distinct().count(),
        "serious": live.filter(escalated_on__isnull=False).values("body").distinct().count(),
    }
    return render(
        request,
        "integrity/watch_public_dishonest.html",
        {
            "groups": list(bodies.values()),
            "state": state,
            "states": STATES,
            "counts": counts,
            "model": model_for(today),
            "nav": "integrity",
        },
    )
