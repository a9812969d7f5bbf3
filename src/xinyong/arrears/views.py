"""Arrears ledger pages at /office/arrears/: the ledger, an arrear, its plan and repayments, and
the court-listed government debtors.

Thin views over ``arrears.services``: a refusal (``PermissionDenied``) becomes a 403 page with
its Chinese reason (already in the audit log); a refused change (``ArrearError``) a message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.arrears import services
from xinyong.arrears.forms import ArrearForm, DisputeForm, PlanForm, RepayForm
from xinyong.arrears.models import Arrear, ArrearStatus, CourtWatch
from xinyong.departments.permissions import scope_to_user
from xinyong.ingest.views import office_view

PER_PAGE = 50


@office_view
@require_safe
def ledger(request: HttpRequest) -> HttpResponse:
    qs = services.ledger_for(request.user)
    status = request.GET.get("status", "")
    if status in ArrearStatus.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.exclude(status=ArrearStatus.CLEARED)
    page = Paginator(qs.order_by("due_date", "id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "arrears/ledger.html",
        {
            "page": page,
            "status": status,
            "statuses": ArrearStatus.choices,
            "today": timezone.localdate(),
            "nav": "arrears",
        },
    )


@office_view
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    form = ArrearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            arrear = services.record_arrear(
                request.user,
                debtor_kind=data["debtor_kind"],
                debtor_department=data.get("debtor_department"),
                debtor_name=data.get("debtor_name", ""),
                debtor_uscc=data.get("debtor_uscc", ""),
                department=data.get("department"),
                creditor_name=data["creditor_name"],
                creditor_uscc=data["creditor_uscc"],
                creditor_sme=data.get("creditor_sme", False),
                amount=data["amount"],
                due_date=data["due_date"],
                basis=data["basis"],
                disputed=data.get("disputed", False),
                dispute_note=data.get("dispute_note", ""),
                request=request,
            )
        except services.ArrearError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已登记")
            return redirect("arrears:detail", pk=arrear.pk)
    return render(request, "arrears/new.html", {"form": form, "nav": "arrears"})


def _arrear(request: HttpRequest, pk: int) -> Arrear:
    arrear = get_object_or_404(Arrear.objects.select_related("department"), pk=pk)
    services.ensure_can_view(request.user, arrear, request)
    return arrear


@office_view
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    arrear = _arrear(request, pk)
    plan = arrear.plans.filter(current=True).prefetch_related("instalments").first()
    return render(
        request,
        "arrears/detail.html",
        {
            "arrear": arrear,
            "plan": plan,
            "old_plans": arrear.plans.filter(current=False).prefetch_related("instalments"),
            "repayments": arrear.repayments.all(),
            "events": arrear.events.order_by("at", "id"),
            "repay_form": RepayForm(initial={"paid_on": timezone.localdate()}),
            "plan_form": PlanForm(),
            "dispute_form": DisputeForm(initial={"disputed": not arrear.disputed}),
            "nav": "arrears",
        },
    )


def _first_error(form: forms.Form) -> str:
    return str(next(iter(form.errors.values()))[0])


@office_view
@require_POST
def change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """还款 / 还款计划 / 争议 (``action`` comes from the URL pattern)."""
    arrear = _arrear(request, pk)
    user: Any = request.user
    try:
        if action == "repay":
            repay_form = RepayForm(request.POST)
            if not repay_form.is_valid():
                raise services.ArrearError(_first_error(repay_form))
            data = repay_form.cleaned_data
            services.repay(
                user, arrear, data["paid_on"], data["amount"], data["proof"], request=request
            )
            messages.success(request, "已登记还款")
        elif action == "plan":
            plan_form = PlanForm(request.POST)
            if not plan_form.is_valid():
                raise services.ArrearError(_first_error(plan_form))
            try:
                rows = plan_form.instalments()
            except forms.ValidationError as exc:
                raise services.ArrearError(str(exc.messages[0])) from None
            services.set_plan(
                user, arrear, rows, plan_form.cleaned_data.get("note", ""), request=request
            )
            messages.success(request, "已保存还款计划")
        elif action == "dispute":
            dispute_form = DisputeForm(request.POST)
            if not dispute_form.is_valid():
                raise services.ArrearError(_first_error(dispute_form))
            services.set_disputed(
                user,
                arrear,
                dispute_form.cleaned_data.get("disputed", False),
                dispute_form.cleaned_data["note"],
                request=request,
            )
            messages.success(request, "已更新争议状态")
    except services.ArrearError as exc:
        messages.error(request, str(exc))
    return redirect("arrears:detail", pk=arrear.pk)


@office_view
@require_safe
def court(request: HttpRequest) -> HttpResponse:
    watches = scope_to_user(
        request.user, CourtWatch.objects.select_related("department", "subject")
    ).order_by("exited_on", "-found_on")
    page = Paginator(watches, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "arrears/court.html", {"page": page, "nav": "arrears"})
