"""Pages of credit repair: the portal's application and progress pages (R-REP-1, R-REP-3) and
the responsible departments' office pages at /office/repair/.

Thin views over ``repair.services``; a refusal (``PermissionDenied``) becomes a 403 page with
its Chinese reason (already audited by ``ensure_can_act_for``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.ingest.views import office_view
from xinyong.lists.models import ListEntry
from xinyong.records.models import CreditRecord
from xinyong.repair import services
from xinyong.repair.models import RepairApplication, RepairMaterial, RepairStatus
from xinyong.repair.rules import repair_rules
from xinyong.uploads import download

#: Session key of the applications the visitor opened with their access code.
SESSION_GRANTS = "repair_access"
#: Session key of the just-submitted application (tracking number and code, shown once).
SESSION_NEW = "repair_new"
PER_PAGE = 50


# -- portal -----------------------------------------------------------------------------------


def _form_values(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    return {
        "subject_code": post.get("subject_code", "").strip(),
        "applicant_name": post.get("applicant_name", "").strip(),
        "applicant_phone": post.get("applicant_phone", "").strip(),
        "statement": post.get("statement", "").strip(),
        "obligations_fulfilled": post.get("obligations_fulfilled") == "on",
        "training_done": post.get("training_done") == "on",
        "commitment_signed": post.get("commitment_signed") == "on",
        "commitment_signer": post.get("commitment_signer", "").strip(),
    }


def _apply(
    request: HttpRequest,
    target: dict[str, Any],
    title: str,
    back: str,
) -> HttpResponse:
    """The application form for a public record or entry (``target``); 404 when it cannot be
    repaired on the portal."""
    info = services.target_info(**target)
    if not info.repairable:
        raise Http404(info.reason)
    error = ""
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = _form_values(request)
        try:
            application, code = services.submit_application(
                **target,
                **values,
                files=list(request.FILES.getlist("materials")),
                actor=request.user,
                request=request,
            )
        except services.RepairError as exc:
            error = str(exc)
        else:
            request.session[SESSION_NEW] = {"tracking_no": application.tracking_no, "code": code}
            _grant(request, application.tracking_no)
            return redirect("repair:submitted")
    rules = repair_rules()
    return render(
        request,
        "repair/apply.html",
        {
            "info": info,
            "title": title,
            "back": back,
            "error": error,
            "values": values,
            "commitment": rules.commitment,
            "today": timezone.localdate(),
            "file_types": "、".join(rules.materials.types),
            "max_mb": rules.materials.max_mb,
            "max_files": rules.materials.max_files,
            "status": 400 if error else 200,
        },
        status=400 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply_record(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        CreditRecord.objects.public(timezone.localdate()).select_related("subject", "department"),
        pk=pk,
    )
    return _apply(
        request,
        {"record": record},
        f"{record.subject.name} · 行政处罚 {record.doc_no}",
        reverse("portal:record", args=[record.pk]),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        ListEntry.objects.public(timezone.localdate()).select_related("subject", "department"),
        pk=pk,
    )
    return _apply(
        request,
        {"entry": entry},
        f"{entry.listed_name} · {entry.definition.name}",
        reverse("portal:home"),
    )


def _grant(request: HttpRequest, tracking_no: str) -> None:
    granted = list(request.session.get(SESSION_GRANTS, []))
    if tracking_no not in granted:
        granted = [*granted[-19:], tracking_no]
    request.session[SESSION_GRANTS] = granted


@never_cache
def submitted(request: HttpRequest) -> HttpResponse:
    new = request.session.pop(SESSION_NEW, None)
    if not new:
        return redirect("repair:track")
    application = get_object_or_404(RepairApplication, tracking_no=new["tracking_no"])
    return render(
        request,
        "repair/submitted.html",
        {
            "application": application,
            "code": new["code"],
            "deadline": services.deadline(application),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    error = ""
    number = ""
    if request.method == "POST":
        number = request.POST.get("tracking_no", "").strip().upper()
        application = services.find_application(
            number, request.POST.get("access_code", ""), request=request
        )
        if application is not None:
            _grant(request, application.tracking_no)
            return redirect("repair:progress", tracking_no=application.tracking_no)
        error = "受理编号或查询码不正确"
    return render(
        request,
        "repair/track.html",
        {"error": error, "number": number[:20]},
        status=400 if error else 200,
    )


@never_cache
def progress(request: HttpRequest, tracking_no: str) -> HttpResponse:
    if tracking_no not in request.session.get(SESSION_GRANTS, []):
        # only who holds the access code (in this session) sees an application
        return redirect("repair:track")
    application = get_object_or_404(
        RepairApplication.objects.select_related("subject", "department"), tracking_no=tracking_no
    )
    services.audit_applicant_read(application, request)
    return render(
        request,
        "repair/progress.html",
        {
            "application": application,
            "steps": application.steps.all(),
            "materials": application.materials.all(),
            "deadline": services.deadline(application),
        },
    )


# -- office -----------------------------------------------------------------------------------


def _forbidden_or_missing(request: HttpRequest, pk: int) -> RepairApplication:
    try:
        return services.get_for_user(request.user, pk, request=request)
    except RepairApplication.DoesNotExist:
        raise Http404("没有这件申请") from None


@office_view
def office_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    applications = services.applications_for(request.user)
    if status == "open":
        applications = applications.filter(
            status__in=[RepairStatus.SUBMITTED, RepairStatus.REVIEWING]
        )
    elif status in RepairStatus.values:
        applications = applications.filter(status=status)
    today = timezone.localdate()
    rows = [
        (application, services.deadline(application, today))
        for application in applications.order_by("review_due", "pk")[:PER_PAGE]
    ]
    return render(
        request,
        "repair/office_queue.html",
        {"rows": rows, "status": status, "statuses": RepairStatus.choices, "nav": "repair"},
    )


@office_view
def office_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _forbidden_or_missing(request, pk)
    info = None
    if application.is_open:
        info = services.target_info(record=application.record, entry=application.entry)
    return render(
        request,
        "repair/office_detail.html",
        {
            "application": application,
            "steps": application.steps.all(),
            "materials": application.materials.all(),
            "deadline": services.deadline(application),
            "info": info,
            "nav": "repair",
        },
    )


@office_view
@require_POST
def office_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = _forbidden_or_missing(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "review":
            services.start_review(request.user, application, reason, request=request)
            messages.success(request, "已受理，进入审核")
        elif action == "approve":
            services.approve(request.user, application, reason, request=request)
            messages.success(
                request, "已准予修复：该信息已停止公示，相关名单条目已移出，已通知核查部门"
            )
        elif action == "refuse":
            services.refuse(request.user, application, reason, request=request)
            messages.success(request, "已作出不予修复决定")
        else:
            raise Http404("未知操作")
    except services.RepairError as exc:
        messages.error(request, str(exc))
    return redirect("repair:office_detail", pk=application.pk)


@office_view
def office_material(request: HttpRequest, pk: int, material_id: int) -> FileResponse:
    application = _forbidden_or_missing(request, pk)
    material = get_object_or_404(RepairMaterial, pk=material_id, application=application)
    return download(
        request,
        application,
        services.material_path(material),
        material.filename,
        f"{application}：下载申请材料“{material.filename}”",
    )
