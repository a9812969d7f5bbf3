"""Complaint pages: filing and progress on the portal, the queue and the steps at /office/.

Thin views over ``complaints.services``: a refusal (``PermissionDenied``) becomes a 403 page
with its Chinese reason (already in the audit log); a refused step (``ComplaintError``) a
message on the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record_request
from xinyong.casework import case_queue, download_material, first_error, lookup
from xinyong.complaints import services
from xinyong.complaints.forms import AnswerForm, AssignForm, CloseForm, ComplaintForm, ProgressForm
from xinyong.complaints.models import Complaint, Status
from xinyong.complaints.rules import rule_on
from xinyong.ingest.views import office_view
from xinyong.uploads import MaterialError

PER_PAGE = 30


# -- portal -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def file(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    rule = rule_on(timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint, code = services.file_complaint(
                complainant=form.complainant(),
                category=data["category"],
                facts=data["facts"],
                claim=data.get("claim", ""),
                target_department=data.get("target_department"),
                target_name=data.get("target_name", ""),
                target_code=data.get("target_code", ""),
                uploads=request.FILES.getlist("materials"),
                request=request,
            )
        except (services.ComplaintError, MaterialError) as exc:
            form.add_error(None, str(exc))
        else:
            # The code is shown once, on this answer to the POST (never in an address).
            response = render(
                request, "complaints/portal_filed.html", {"complaint": complaint, "code": code}
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "complaints/portal_form.html",
        {"form": form, "rule": rule, "nav": "complaints"},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    form = ProgressForm(request.POST or None)
    complaint = lookup(request, form, services.check_access)
    if complaint is None:
        return render(request, "complaints/portal_lookup.html", {"form": form, "nav": "complaints"})
    return render(
        request,
        "complaints/portal_progress.html",
        {
            "complaint": complaint,
            "steps": services.steps_of(complaint),
            "countdown": services.countdown(complaint.due_date) if complaint.is_open else "",
            "overdue": services.is_overdue(complaint),
            "nav": "complaints",
        },
    )


# -- office -------------------------------------------------------------------------------------


@office_view
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    context = case_queue(request, services.queue_for(request.user), Status, "complaint", PER_PAGE)
    return render(request, "complaints/office_queue.html", {**context, "nav": "complaints"})


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    complaint = get_object_or_404(
        Complaint.objects.select_related("department", "target_department"), pk=pk
    )
    services.ensure_can_view(request.user, complaint, request)
    return complaint


@office_view
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    record_request(
        request, AuditAction.READ, f"{complaint}：查看投诉详情（含联系人信息）", obj=complaint
    )
    user: Any = request.user
    is_operator = bool(getattr(user, "is_operator", False))
    can_answer = complaint.status == Status.ASSIGNED and (
        is_operator or complaint.department_id == user.department_id
    )
    return render(
        request,
        "complaints/office_detail.html",
        {
            "complaint": complaint,
            "steps": services.steps_of(complaint),
            "materials": complaint.materials.all(),
            "countdown": services.countdown(complaint.due_date) if complaint.is_open else "",
            "overdue": services.is_overdue(complaint),
            "is_operator": is_operator,
            "can_answer": can_answer,
            "assign_form": AssignForm(initial={"department": complaint.target_department_id}),
            "answer_form": AnswerForm(),
            "close_form": CloseForm(),
            "rule": services.rule_of(complaint),
            "nav": "complaints",
        },
    )


@office_view
@require_POST
def step_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """转办 / 答复 / 办结 (``action`` comes from the URL pattern)."""
    complaint = _complaint(request, pk)
    try:
        if action == "assign":
            assign_form = AssignForm(request.POST)
            if not assign_form.is_valid():
                raise services.ComplaintError(first_error(assign_form))
            services.assign(
                request.user,
                complaint,
                assign_form.cleaned_data["department"],
                assign_form.cleaned_data.get("note", ""),
                request=request,
            )
            messages.success(request, "已转办承办单位")
        elif action == "answer":
            answer_form = AnswerForm(request.POST)
            if not answer_form.is_valid():
                raise services.ComplaintError(first_error(answer_form))
            services.answer(
                request.user, complaint, answer_form.cleaned_data["text"], request=request
            )
            messages.success(request, "已提交答复")
        elif action == "close":
            close_form = CloseForm(request.POST)
            if not close_form.is_valid():
                raise services.ComplaintError(first_error(close_form))
            services.close(
                request.user,
                complaint,
                close_form.cleaned_data["finding"],
                close_form.cleaned_data["reason"],
                request=request,
            )
            messages.success(request, "已办结，结论已告知投诉企业")
    except services.ComplaintError as exc:
        messages.error(request, str(exc))
    return redirect("complaints:detail", pk=complaint.pk)


@office_view
@require_safe
def material(request: HttpRequest, pk: int, mid: int) -> FileResponse:
    return download_material(request, _complaint(request, pk), mid)
