"""Objection pages: filing and progress on the portal, the queue and the steps at /office/.

Thin views over ``objections.services``: a refusal (``PermissionDenied``) becomes a 403 page
with its Chinese reason (already in the audit log); a refused step (``ObjectionError``) a
message on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record_request
from xinyong.casework import case_queue, download_material, first_error, lookup
from xinyong.catalog.model import CatalogError, default_catalog
from xinyong.departments.permissions import ensure_operator
from xinyong.ingest.views import office_view
from xinyong.lists.models import ListEntry
from xinyong.objections import services
from xinyong.objections.forms import AnswerForm, ObjectionForm, ProgressForm, ReasonForm
from xinyong.objections.models import CorrectionNotice, Objection, Outcome, Status
from xinyong.objections.rules import rule_on
from xinyong.records.models import CreditRecord
from xinyong.uploads import MaterialError

PER_PAGE = 30


def _record_fields(record: CreditRecord) -> list[tuple[str, str, str, str]]:
    """(key, label, value, hint) of a record's catalog fields for the correction form: values
    as a department would type them (several values joined by the field's separator); personal
    numbers, stored only masked, are left empty with the masked value as the hint, so that a
    field left alone is never "corrected" to its masked form."""
    try:
        rt = default_catalog().type(record.type_code, version=record.catalog_version)
    except (KeyError, CatalogError):
        return [(k, k, str(v), "") for k, v in record.data.items()]
    rows = []
    for f in rt.fields:
        value = record.data.get(f.key)
        if f.pii:
            rows.append((f.key, f.label, "", f"现为{value}，如有误请填写完整号码" if value else ""))
        elif isinstance(value, list):
            rows.append((f.key, f.label, f.separators[:1].join(str(v) for v in value), ""))
        else:
            rows.append((f.key, f.label, "" if value is None else str(value), ""))
    return rows


# -- portal -------------------------------------------------------------------------------------


def _file(
    request: HttpRequest, record: CreditRecord | None, entry: ListEntry | None
) -> HttpResponse:
    day = timezone.localdate()
    refusal = services.portal_refusal(record, entry, day)
    if refusal:
        # Not (or no longer) on public display: the page says where to go instead.
        return render(
            request,
            "objections/portal_closed.html",
            {"reason": refusal},
            status=404,
        )
    form = ObjectionForm(request.POST or None)
    rule = rule_on(day)
    context: dict[str, Any] = {
        "form": form,
        "record": record,
        "entry": entry,
        "rule": rule,
        "types": rule.materials.types_label,
    }
    if request.method == "POST" and form.is_valid():
        filed = _submit(request, form, record, entry, "objections/portal_filed.html", rule=rule)
        if filed is not None:
            return filed
    return render(request, "objections/portal_form.html", context)


def _submit(
    request: HttpRequest,
    form: ObjectionForm,
    record: CreditRecord | None,
    entry: ListEntry | None,
    template: str,
    user: Any = None,
    **context: Any,
) -> HttpResponse | None:
    """File the objection in ``form`` (by ``user`` for the office); the page that shows the
    access code, or None with the refusal added to the form."""
    try:
        objection, code = services.file_objection(
            objector=form.objector(),
            reasons=form.cleaned_data["reasons"],
            requested=form.cleaned_data.get("requested", ""),
            record=record,
            entry=entry,
            uploads=request.FILES.getlist("materials"),
            user=user,
            request=request,
        )
    except (services.ObjectionError, MaterialError) as exc:
        form.add_error(None, str(exc))
        return None
    # The code is shown once, on this answer to the POST (never in an address).
    response = render(request, template, {"objection": objection, "code": code, **context})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def file_for_record(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(CreditRecord.objects.select_related("subject", "department"), pk=pk)
    return _file(request, record, None)


@require_http_methods(["GET", "POST"])
def file_for_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ListEntry.objects.select_related("subject", "department"), pk=pk)
    return _file(request, None, entry)


@never_cache
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    form = ProgressForm(request.POST or None)
    objection = lookup(request, form, services.check_access)
    if objection is None:
        return render(request, "objections/portal_lookup.html", {"form": form})
    return render(
        request,
        "objections/portal_progress.html",
        {
            "objection": objection,
            "steps": services.visible_steps(objection),
            "countdown": services.countdown(objection.due_date) if objection.is_open else "",
        },
    )


@require_safe
def corrections(request: HttpRequest) -> HttpResponse:
    notices = CorrectionNotice.objects.shown(timezone.localdate())
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "objections/corrections.html", {"page": page})


# -- office -------------------------------------------------------------------------------------


@office_view
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    context = case_queue(request, services.queue_for(request.user), Status, "objection", PER_PAGE)
    return render(request, "objections/office_queue.html", context)


@office_view
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """An operator registers an objection for a subject (public or not)."""
    ensure_operator(request.user, what="代为登记异议", request=request)
    record = entry = None
    if kind == "record":
        record = get_object_or_404(CreditRecord.objects.select_related("subject"), pk=pk)
    elif kind == "entry":
        entry = get_object_or_404(ListEntry.objects.select_related("subject"), pk=pk)
    else:
        raise Http404("没有这种异议对象")
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        filed = _submit(
            request, form, record, entry, "objections/office_filed.html", user=request.user
        )
        if filed is not None:
            return filed
    return render(
        request,
        "objections/office_new.html",
        {"form": form, "record": record, "entry": entry},
    )


def _objection(request: HttpRequest, pk: int) -> Objection:
    objection = get_object_or_404(
        Objection.objects.select_related("record", "entry", "department", "subject"), pk=pk
    )
    services.ensure_can_view(request.user, objection, request)
    return objection


@office_view
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _objection(request, pk)
    # The objector's contact details are personal data: every read is logged (R-SEC-2).
    record_request(
        request, AuditAction.READ, f"{objection}：查看异议详情（含异议人信息）", obj=objection
    )
    user = request.user
    can_answer = objection.status == Status.VERIFYING and (
        getattr(user, "is_operator", False) or objection.department_id == user.department_id  # type: ignore[union-attr]
    )
    return render(
        request,
        "objections/office_detail.html",
        {
            "objection": objection,
            "steps": objection.steps.order_by("at", "id"),
            "materials": objection.materials.all(),
            "countdown": services.countdown(objection.due_date) if objection.is_open else "",
            "overdue": services.is_overdue(objection),
            "is_operator": getattr(user, "is_operator", False),
            "can_answer": can_answer,
            "fields": _record_fields(objection.record) if objection.record else [],
            "outcomes": Outcome.choices,
            "rule": services.rule_of(objection),
        },
    )


#: The steps an operator takes with a reason only: the service and what the page then says.
REASON_STEPS: dict[str, tuple[Callable[..., Any], str]] = {
    "accept": (services.accept, "已受理并转交核查单位"),
    "refuse": (services.refuse, "已作不予受理，理由已告知异议人"),
    "close": (services.close, "已办结，结果已告知异议人"),
}


@office_view
@require_POST
def step_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """受理 / 不予受理 / 核查答复 / 办结 (``action`` comes from the URL pattern)."""
    objection = _objection(request, pk)
    try:
        if action in REASON_STEPS:
            step, done = REASON_STEPS[action]
            form = ReasonForm(request.POST)
            form.is_valid()
            step(request.user, objection, form.cleaned_data.get("reason", ""), request=request)
            messages.success(request, done)
        elif action == "answer":
            answer = AnswerForm(request.POST)
            if not answer.is_valid():
                raise services.ObjectionError(first_error(answer))
            corrections = {}
            if objection.record is not None:
                for key, _label, value, _hint in _record_fields(objection.record):
                    given = request.POST.get(f"fix_{key}")
                    if given is not None and given.strip() != value:
                        corrections[key] = given.strip()
            services.answer(
                request.user,
                objection,
                answer.cleaned_data["outcome"],
                answer.cleaned_data["reason"],
                corrections=corrections,
                request=request,
            )
            messages.success(request, "已提交核查答复")
    except services.ObjectionError as exc:
        messages.error(request, str(exc))
    return redirect("objections:detail", pk=objection.pk)


@office_view
@require_safe
def material(request: HttpRequest, pk: int, mid: int) -> FileResponse:
    return download_material(request, _objection(request, pk), mid)
