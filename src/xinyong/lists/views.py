"""List pages: public ones on the portal (/lists/…) and staff ones at /office/lists/….

Thin views over ``publishing`` (what the public sees), ``services`` (列入, 移出) and
``importing`` (national files). Office views reuse the collection workbench's login and its
403 page; a refusal is already in the audit log when it reaches here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.core import uscc
from xinyong.departments.models import User
from xinyong.departments.permissions import ensure_can_act_for, ensure_operator, scope_to_user
from xinyong.ingest.views import office_view
from xinyong.lists import publishing
from xinyong.lists.forms import EntryForm, ImportForm, OfficeCriterionForm, RemoveForm
from xinyong.lists.importing import FileRejected, import_file
from xinyong.lists.models import EntrySource, ListCriterion, ListEntry, ListImport
from xinyong.lists.rules import ListDef, definition
from xinyong.lists.services import ListError, add_entry, remove_entry
from xinyong.portal.services import paginate
from xinyong.subjects.identity import SubjectRef, kind_for, pii_box, resolve
from xinyong.subjects.models import Subject, SubjectKind

# -- portal ------------------------------------------------------------------------------------


def _public_def(code: str) -> ListDef:
    try:
        list_def = definition(code)
    except KeyError:
        raise Http404("没有这个名单") from None
    if not list_def.public:
        raise Http404("该名单不公开")
    return list_def


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    return render(request, "lists/index.html", {"lists": publishing.overview(day), "nav": "lists"})


@require_safe
def list_detail(request: HttpRequest, code: str) -> HttpResponse:
    list_def = _public_def(code)
    day = timezone.localdate()
    filters = publishing.EntryFilters.from_query(request.GET)
    page = paginate(publishing.public_entries(code, filters, day), request.GET.get("page"))
    return render(
        request,
        "lists/list.html",
        {
            "list": list_def,
            "filters": filters,
            "authorities": publishing.authorities(code, day),
            "page": page,
            "nav": "lists",
        },
    )


@require_safe
def list_events(request: HttpRequest, code: str) -> HttpResponse:
    list_def = _public_def(code)
    day = timezone.localdate()
    page = paginate(publishing.public_events(code, day), request.GET.get("page"))
    return render(
        request,
        "lists/events.html",
        {"list": list_def, "page": page, "days": publishing.EVENT_DAYS, "nav": "lists"},
    )


@require_safe
def criteria(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    return render(
        request,
        "lists/criteria.html",
        {"groups": publishing.criteria_by_department(day), "nav": "lists_criteria"},
    )


# -- office ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _entries(user: User) -> QuerySet[ListEntry]:
    qs = ListEntry.objects.select_related("department")
    if user.is_operator:
        return qs
    return scope_to_user(user, qs)


@office_view
@require_safe
def office_index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = _entries(user).exclude(source=EntrySource.RELATED)
    code = request.GET.get("list", "")
    if code:
        qs = qs.filter(list_code=code)
    page = paginate(qs.order_by("-created_at", "-id"), request.GET.get("page"), per_page=30)
    imports = ListImport.objects.all()[:10] if user.is_operator else []
    return render(
        request,
        "lists/office_index.html",
        {
            "page": page,
            "imports": imports,
            "list_code": code,
            "lists": [(d.code, d.name) for d in publishing.definitions().values()],
            "nav": "lists",
        },
    )


def _subject_for(name: str, code: str) -> Subject:
    """The subject with this code; a new one (under this name) when the platform has none."""
    name = name.strip()
    if uscc.is_valid(code):
        ref = SubjectRef(kind_for(None, code), name, uscc=code)
        found = Subject.objects.filter(uscc=code).first()
    else:
        ref = SubjectRef(SubjectKind.NATURAL, name, id_number=code)
        found = Subject.objects.filter(id_hash=pii_box().lookup_hash(code)).first()
    if found is None:
        found = next(iter(resolve([ref], source="名单认定").values()))
    return found


@office_view
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = EntryForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ensure_can_act_for(user, data["department"], what="列入名单", request=request)
        subject = _subject_for(data["subject_name"], data["subject_code"])
        try:
            entry = add_entry(
                user,
                list_code=data["list_code"],
                subject=subject,
                department=data["department"],
                reason=data["reason"],
                legal_basis=data["legal_basis"],
                criteria=list(data["criteria"]),
                doc_no=data["doc_no"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                responsible=data["responsible"],
            )
        except ListError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已将{entry.listed_name}列入{entry.definition.name}")
            return redirect("lists:office_entry", pk=entry.pk)
    return render(request, "lists/office_entry_form.html", {"form": form, "nav": "lists"})


@office_view
@require_safe
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(_entries(_user(request)), pk=pk)
    return render(
        request,
        "lists/office_entry.html",
        {
            "entry": entry,
            "events": entry.events.select_related("actor").order_by("created_at", "id"),
            "related": entry.related_entries.all(),
            "criteria": entry.criteria.all(),
            "form": RemoveForm(),
            "nav": "lists",
        },
    )


@office_view
@require_POST
def entry_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry = get_object_or_404(_entries(user), pk=pk)
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            remove_entry(user, entry, form.cleaned_data["reason"])
        except ListError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已移出名单")
    else:
        messages.error(request, "请填写移出原因")
    return redirect("lists:office_entry", pk=pk)


@office_view
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    ensure_operator(user, what="导入全国名单", request=request)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload"
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            try:
                outcome = import_file(
                    path,
                    form.cleaned_data["list_code"],
                    user=user,
                    replace=form.cleaned_data["replace"],
                    filename=upload.name,
                )
            except (FileRejected, ListError) as exc:
                form.add_error("file", getattr(exc, "message", None) or str(exc))
    return render(
        request,
        "lists/office_import.html",
        {"form": form, "outcome": outcome, "nav": "lists"},
    )


@office_view
@require_http_methods(["GET", "POST"])
def criteria_office(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = OfficeCriterionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        criterion = form.save(commit=False)
        ensure_can_act_for(user, criterion.department, what="公布认定标准", request=request)
        criterion.save()
        from xinyong.audit.models import AuditAction
        from xinyong.audit.services import record_request

        record_request(
            request,
            AuditAction.CREATE,
            f"{criterion.department}公布认定标准“{criterion}”",
            obj=criterion,
        )
        messages.success(request, f"已公布认定标准“{criterion}”")
        return redirect("lists:office_criteria")
    mine = scope_to_user(user, ListCriterion.objects.select_related("department"))
    return render(
        request,
        "lists/office_criteria.html",
        {"form": form, "criteria": mine, "nav": "lists"},
    )
