"""Pledge pages: 公开承诺公示 on the portal (/integrity/pledges/), and at /office/integrity/pledges/
the body's list, publishing, fulfilment reports and withdrawal.

Thin views over ``pledges.services``: a refusal (``PermissionDenied``) becomes a 403 page with
its Chinese reason (already in the audit log); a refused step (``PledgeError``,
``MaterialError``) a message on the page, with nothing changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record_request
from xinyong.ingest.views import office_view
from xinyong.pledges import services
from xinyong.pledges.forms import PledgeForm, ReportForm, SearchForm, WithdrawForm
from xinyong.pledges.models import FulfilmentReport, Pledge, PledgeStatus, ReportFile
from xinyong.pledges.rules import rule_on
from xinyong.uploads import MaterialError, download

PER_PAGE = 30


def _with_reports(qs: Any) -> Any:
    return qs.prefetch_related(
        Prefetch(
            "reports",
            queryset=FulfilmentReport.objects.order_by("-reported_on", "-id").prefetch_related(
                "files"
            ),
        )
    )


# -- portal ------------------------------------------------------------------------------


@require_safe
def portal_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    qs = _with_reports(services.public_pledges(q))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    groups: list[dict[str, Any]] = []
    for pledge in page:
        if not groups or groups[-1]["body"].pk != pledge.body_id:
            groups.append({"body": pledge.body, "pledges": []})
        groups[-1]["pledges"].append(pledge)
    return render(
        request,
        "pledges/portal_list.html",
        {
            "form": form,
            "q": q,
            "page": page,
            "groups": groups,
            "rule": rule_on(timezone.localdate()),
            "nav": "integrity",
        },
    )


@require_safe
def portal_detail(request: HttpRequest, number: str) -> HttpResponse:
    pledge = get_object_or_404(
        _with_reports(Pledge.objects.filter(public=True).select_related("body")), number=number
    )
    return render(
        request,
        "pledges/portal_detail.html",
        {"pledge": pledge, "rule": services.rule_of(pledge), "nav": "integrity"},
    )


# -- office ------------------------------------------------------------------------------


@office_view
@require_safe
def office_list(request: HttpRequest) -> HttpResponse:
    qs = services.pledges_for(request.user)
    status = request.GET.get("status", "")
    if status in PledgeStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(body__name__icontains=q) | qs.filter(title__icontains=q)
    page = Paginator(qs.order_by("-signed_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pledges/office_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": PledgeStatus.choices,
            "can_publish": services.bodies_for(request.user).exists(),
            "today": timezone.localdate(),
            "nav": "integrity",
        },
    )


@office_view
@require_http_methods(["GET", "POST"])
def office_new(request: HttpRequest) -> HttpResponse:
    form = PledgeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pledge = services.publish(
                request.user,
                form.cleaned_data["body"],
                form.pledge_input(),
                request=request,
            )
        except services.PledgeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已发布公开承诺{pledge.number}")
            return redirect("pledges:office_detail", number=pledge.number)
    return render(
        request,
        "pledges/office_new.html",
        {"form": form, "rule": rule_on(timezone.localdate()), "nav": "integrity"},
    )


def _pledge(request: HttpRequest, number: str, what: str) -> Pledge:
    """The pledge, for a user who may act for its body (403 with the reason otherwise)."""
    pledge = get_object_or_404(Pledge.objects.select_related("body"), number=number)
    services.ensure_can_act_for_body(request.user, pledge.body, what=what, request=request)
    return pledge


@office_view
@require_safe
def office_detail(request: HttpRequest, number: str) -> HttpResponse:
    pledge = _pledge(request, number, f"查看{number}")
    if not pledge.public:
        record_request(request, AuditAction.READ, f"查看未公示的公开承诺{number}", obj=pledge)
    pledge = _with_reports(Pledge.objects.select_related("body", "unkept_event")).get(pk=pledge.pk)
    rule = services.rule_of(pledge)
    return render(
        request,
        "pledges/office_detail.html",
        {
            "pledge": pledge,
            "rule": rule,
            "open": pledge.status in (PledgeStatus.IN_FORCE, PledgeStatus.UNFULFILLED),
            "report_form": ReportForm(initial={"period": _last_month()}),
            "withdraw_form": WithdrawForm(),
            "nav": "integrity",
        },
    )


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{(first - dt.timedelta(days=1)):%Y-%m}"


def _first_error(form: forms.Form) -> str:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    return f"{label}：{errors[0]}" if label else str(errors[0])


@office_view
@require_POST
def office_report(request: HttpRequest, number: str) -> HttpResponse:
    pledge = _pledge(request, number, f"报送{number}履约情况")
    form = ReportForm(request.POST)
    try:
        if not form.is_valid():
            raise services.PledgeError(_first_error(form))
        item = services.report(
            request.user,
            pledge,
            period=form.cleaned_data["period"],
            status=form.cleaned_data["status"],
            text=form.cleaned_data["text"],
            uploads=request.FILES.getlist("files"),
            request=request,
        )
    except (services.PledgeError, MaterialError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "已报送履约情况，并记入本单位政务诚信档案"
            if item.event_id is not None
            else "已报送履约情况并公示；所报不是上月履约情况，不记入政务诚信档案、不计按时报送",
        )
    return redirect("pledges:office_detail", number=pledge.number)


@office_view
@require_POST
def office_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    pledge = _pledge(request, number, f"撤回{number}")
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise services.PledgeError(_first_error(form))
        services.withdraw(request.user, pledge, form.cleaned_data["reason"], request=request)
    except services.PledgeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤回，撤回理由将与承诺一并公示")
    return redirect("pledges:office_detail", number=pledge.number)


@office_view
@require_safe
def office_file(request: HttpRequest, number: str, fid: int) -> FileResponse:
    pledge = _pledge(request, number, f"下载{number}证明材料")
    item = get_object_or_404(
        ReportFile,
        pk=fid,
        report__pledge=pledge,
    )
    return download(
        request,
        pledge,
        Path(item.stored_path),
        item.filename,
        f"下载公开承诺{number}的证明材料“{item.filename}”",
    )
