"""Back-office pages of collection (信息归集工作台) at /office/, for staff.

Thin views over ``ingest.services`` and ``ingest.report``: they authenticate, scope what the
user may see (R-SEC-1: an operator sees every department, a submitter only its own), call the
services and render. A refusal (``PermissionDenied``) becomes a 403 page stating the Chinese
reason; the refusal itself is already in the audit log.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record_request
from xinyong.catalog.model import CatalogError, RecordType, default_catalog
from xinyong.departments.models import User
from xinyong.departments.permissions import (
    ensure_can_act_for,
    scope_to_user,
    visible_departments,
)
from xinyong.ingest import report
from xinyong.ingest.forms import RecordEntryForm, RecordFilterForm, RevokeForm, UploadForm
from xinyong.ingest.models import Batch, BatchStatus
from xinyong.ingest.services import SubmissionError, revoke_record, submit_file, submit_rows
from xinyong.records.models import (
    CreditRecord,
    RecordStatus,
    Source,
    VersionAction,
    audit_nonpublic_reads,
    audit_record_read,
)

LOGIN_URL = "office:login"
BATCHES_PER_PAGE = 30
REJECTED_PER_PAGE = 50
RECORDS_PER_PAGE = 30

View = Callable[..., HttpResponseBase]


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(
        request, "office/forbidden.html", {"reason": reason or "无权执行此操作"}, status=403
    )


def office_view(view: View) -> View:
    """Logged-in staff only; a PermissionDenied becomes a 403 page with its Chinese reason."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))

    return login_required(wrapper, login_url=LOGIN_URL)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page(request: HttpRequest, items: Any, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _type_or_404(code: str, version: str | None = None) -> RecordType | None:
    try:
        return default_catalog().type(code, version=version)
    except (KeyError, CatalogError):
        return None


def _type_names() -> dict[str, str]:
    return {rt.code: rt.name for rt in default_catalog().all_types()}


# -- login ----------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Sign-in for every staff member (department submitters are not admin-site staff)."""

    template_name = "office/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("office:dashboard")


class LogoutView(auth_views.LogoutView):
    next_page = "office:login"


# -- dashboard and batches --------------------------------------------------------------------


def _batches(user: User) -> QuerySet[Batch]:
    return scope_to_user(user, Batch.objects.select_related("department", "submitter"))


def _with_figures(batches: Any) -> list[dict[str, Any]]:
    names = _type_names()
    return [
        {
            "batch": batch,
            "type_name": names.get(batch.type_code, batch.type_code),
            "timeliness": report.batch_timeliness(batch),
        }
        for batch in batches
    ]


@office_view
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    records = CreditRecord.objects.visible_to(user)
    context = {
        "nav": "dashboard",
        "batches": _with_figures(_batches(user)[:20]),
        "timeliness": report.record_timeliness(records),
        "per_department": report.department_timeliness(records) if user.is_operator else [],
        "record_count": records.count(),
        "revoked_count": records.filter(status=RecordStatus.REVOKED).count(),
        "running": _batches(user)
        .filter(status__in=(BatchStatus.PENDING, BatchStatus.RUNNING))
        .count(),
        "timely_workdays": report.timely_workdays(),
        "sources": report.source_activity(visible_departments(user), timezone.now()),
        "silent_after": report.SILENT_AFTER_DAYS,
        **_jrp_figures(user),
    }
    return render(request, "office/dashboard.html", context)


def _jrp_figures(user: User) -> dict[str, Any]:
    """The trigger-feedback rate of the last 30 days (R-JRP-3), a dashboard figure."""
    from xinyong.jrp.views import RATE_DAYS, visible_rates

    today = timezone.localdate()
    start = today - dt.timedelta(days=RATE_DAYS - 1)
    return {"rates": visible_rates(user, start, today), "rate_start": start, "rate_end": today}


@office_view
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    batches = _batches(user)
    status = request.GET.get("status", "")
    if status in BatchStatus.values:
        batches = batches.filter(status=status)
    type_code = request.GET.get("type", "")
    if type_code:
        batches = batches.filter(type_code=type_code)
    page = _page(request, batches, BATCHES_PER_PAGE)
    context = {
        "nav": "batches",
        "page": page,
        "rows": _with_figures(page.object_list),
        "statuses": BatchStatus.choices,
        "status": status,
        "type_code": type_code,
        "types": sorted(_type_names().items()),
    }
    return render(request, "office/batch_list.html", context)


@office_view
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data["department"]
        ensure_can_act_for(user, department, what="上传文件", request=request)
        upload = form.cleaned_data["file"]
        try:
            batch = submit_file(
                user,
                department,
                form.cleaned_data["type_code"],
                upload,
                upload.name,
                source=Source.FILE,
                background=True,
            )
        except SubmissionError as exc:
            form.add_error("file", exc.message)
            failed = exc.batch
        else:
            return redirect("office:batch", pk=batch.pk)
    else:
        failed = None
    context = {
        "nav": "upload",
        "form": form,
        "failed": failed,
        "max_mb": settings.XINYONG_MAX_UPLOAD_BYTES // (1024 * 1024),
        "record_types": default_catalog().current(),
    }
    return render(request, "office/upload.html", context)


def _get_batch(request: HttpRequest, pk: int, what: str) -> Batch:
    batch = get_object_or_404(Batch.objects.select_related("department", "submitter"), pk=pk)
    ensure_can_act_for(_user(request), batch.department, what=what, request=request)
    return batch


@office_view
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(request, pk, "查看批次")
    rejected = _page(request, batch.row_errors.order_by("row_number"), REJECTED_PER_PAGE)
    running = batch.status in report.ACTIVE_STATUSES
    context = {
        "nav": "batches",
        "batch": batch,
        "type_name": _type_names().get(batch.type_code, batch.type_code),
        "timeliness": report.batch_timeliness(batch),
        "progress": report.progress(batch),
        "running": running,
        "page": rejected,
        "can_download": batch.status == BatchStatus.DONE and bool(batch.stored_file),
        "counts": [
            ("提交", batch.submitted, ""),
            ("接收", batch.accepted, "ok"),
            ("拒绝", batch.rejected, "bad"),
            ("新增", batch.created, ""),
            ("更新", batch.updated, ""),
            ("未变", batch.unchanged, ""),
            ("超期", batch.late, "warn"),
        ],
    }
    return render(request, "office/batch_detail.html", context)


@office_view
@never_cache
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(request, pk, "查看批次进度")
    return JsonResponse(report.progress(batch), json_dumps_params={"ensure_ascii": False})


@office_view
@require_GET
def batch_verdict(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = _get_batch(request, pk, "下载处理结果")
    try:
        fh = report.verdict_file(batch)
    except report.VerdictUnavailable as exc:
        return render(
            request,
            "office/message.html",
            {"title": "无法下载处理结果", "message": exc.message, "batch": batch},
            status=409,
        )
    record_request(request, AuditAction.EXPORT, f"下载批次 {batch.pk} 的处理结果文件", obj=batch)
    return FileResponse(
        fh,
        as_attachment=True,
        filename=f"处理结果-批次{batch.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# -- records ----------------------------------------------------------------------------------


@office_view
@require_GET
def record_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    records = CreditRecord.objects.visible_to(user).select_related("subject", "department")
    form = RecordFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("type"):
            records = records.filter(type_code=data["type"])
        if data.get("date_from"):
            records = records.filter(decision_date__gte=data["date_from"])
        if data.get("date_to"):
            records = records.filter(decision_date__lte=data["date_to"])
        if data.get("status"):
            records = records.filter(status=data["status"])
        if data.get("late") in ("0", "1"):
            records = records.filter(late=data["late"] == "1")
        if data.get("batch"):
            records = records.filter(batch_id=data["batch"])
        keyword = (data.get("q") or "").strip()
        if keyword:
            records = records.filter(
                Q(subject__name__icontains=keyword)
                | Q(subject__uscc=keyword.upper())
                | Q(doc_no__icontains=keyword)
                | Q(authority_name__icontains=keyword)
            )
    # Newest first by first receipt: ordering by the id walks its index, where ordering by the
    # last receipt time sorted every record the user may see for each page (seconds at 100,000).
    page = _page(request, records.order_by("-pk"), RECORDS_PER_PAGE)
    names = _type_names()
    page.object_list = list(page.object_list)
    for record in page.object_list:
        record.type_name = names.get(record.type_code, record.type_code)  # type: ignore[attr-defined]
    audit_nonpublic_reads(request, page.object_list, "浏览信用记录列表")
    context = {"nav": "records", "form": form, "page": page}
    return render(request, "office/record_list.html", context)


def _get_record(request: HttpRequest, pk: int, what: str) -> CreditRecord:
    record = get_object_or_404(
        CreditRecord.objects.select_related("subject", "department", "batch", "submitter"), pk=pk
    )
    ensure_can_act_for(_user(request), record.department, what=what, request=request)
    return record


def _display(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "；".join(_display(item) for item in value)
    return "" if value is None else str(value)


def _field_rows(rt: RecordType | None, data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, label, text) of a record's data in the catalog's field order (escaped on render)."""
    rows: list[tuple[str, str, str]] = []
    seen = set()
    if rt is not None:
        for f in rt.fields:
            if f.key in data:
                rows.append((f.key, f.label, _display(data[f.key])))
                seen.add(f.key)
    rows.extend((key, key, _display(value)) for key, value in data.items() if key not in seen)
    return rows


@office_view
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record(request, pk, "查看记录")
    rt = _type_or_404(record.type_code, record.catalog_version)
    is_public = record.is_public_on(timezone.localdate())
    audit_record_read(request, record, "查阅", "后台查看记录详情")
    versions = list(record.versions.select_related("batch", "submitter").order_by("version"))
    previous: dict[str, Any] = {}
    history = []
    for version in versions:
        changed = sorted(
            key
            for key in set(previous) | set(version.data)
            if previous.get(key) != version.data.get(key)
        )
        history.append(
            {
                "version": version,
                "fields": _field_rows(rt, version.data),
                "changed": changed if version.action == VersionAction.UPDATE else [],
            }
        )
        previous = version.data
    history.reverse()
    context = {
        "nav": "records",
        "record": record,
        "type_name": rt.name if rt else record.type_code,
        "fields": _field_rows(rt, record.data),
        "history": history,
        "revoke_form": RevokeForm(),
        "timely_workdays": rt.timely_workdays if rt else None,
        "is_public": is_public,
    }
    return render(request, "office/record_detail.html", context)


@office_view
@require_POST
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record(request, pk, "撤销记录")
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "撤销须填写原因")
        return redirect("office:record", pk=record.pk)
    try:
        revoke_record(_user(request), record, form.cleaned_data["reason"])
    except SubmissionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤销“{record}”：该记录已从公示网站撤下，历史版本保留")
    return redirect("office:record", pk=record.pk)


# -- 在线填报 ---------------------------------------------------------------------------------


@office_view
@require_http_methods(["GET", "POST"])
def record_form(request: HttpRequest, type_code: str) -> HttpResponse:
    user = _user(request)
    rt = _type_or_404(type_code)
    if rt is None:
        raise Http404(f"信息类型“{type_code}”不在目录中")
    form = RecordEntryForm(request.POST or None, user=user, record_type=rt)
    batch = None
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data["department"]
        ensure_can_act_for(user, department, what="在线填报", request=request)
        try:
            batch, verdicts = submit_rows(
                user, department, rt.code, [form.row()], source=Source.FORM
            )
        except SubmissionError as exc:
            form.add_error(None, exc.message)
        else:
            verdict = verdicts[0]
            if verdict.accepted and verdict.record_id is not None:
                label = report.RESULT_LABELS.get(verdict.action, verdict.action)
                late = "（超期报送，已标记）" if verdict.late else ""
                messages.success(request, f"填报成功：{label}{late}")
                return redirect("office:record", pk=verdict.record_id)
            form.add_row_errors([issue.as_dict() for issue in verdict.errors])
    context = {
        "nav": "form",
        "form": form,
        "record_type": rt,
        "types": sorted(default_catalog().current(), key=lambda t: t.code),
        "batch": batch,
    }
    return render(request, "office/record_form.html", context)


@office_view
@require_GET
def form_index(request: HttpRequest) -> HttpResponse:
    types = sorted(default_catalog().current(), key=lambda t: t.code)
    if len(types) == 1:
        return redirect("office:form", type_code=types[0].code)
    return render(request, "office/form_index.html", {"nav": "form", "types": types})
