"""Public portal pages (信用门户): thin views over portal and subjects services (R-PUB-1)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from xinyong.portal import services
from xinyong.repair.eligibility import portal_repair
from xinyong.subjects import services as subjects
from xinyong.subjects.models import Subject, SubjectKind

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def _hashed_id_params(params: QueryDict, query: subjects.SubjectQuery) -> str:
    """The query string with an ID number replaced by its keyed hashes and masked form.

    Keeps the number out of the address bar, the history and every link from here on.
    """
    out = params.copy()
    for name in ("q", "page", "k", "m"):
        out.pop(name, None)
    out.setlist("k", list(query.id_hashes))
    out["m"] = query.display
    return out.urlencode()


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    day = services.today()
    latest = [
        {
            "code": code,
            "name": services.type_name(code),
            "records": services.latest_records(code, 8, day),
        }
        for code in services.GS_TYPES
    ]
    return render(
        request,
        "portal/home.html",
        {"stats": services.home_stats(day), "latest": latest, "nav": "home"},
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    query = subjects.parse_query(text)
    if query.kind == "id":
        return redirect(f"{reverse('portal:search')}?{_hashed_id_params(request.GET, query)}")
    if query.kind == "empty" and request.GET.get("k"):
        query = subjects.SubjectQuery.for_id_hashes(
            request.GET.getlist("k"), request.GET.get("m", "")
        )
    page = None
    if query.kind != "empty":
        page = services.paginate(
            subjects.find_subjects(query, services.today()).only(
                "id", "kind", "name", "uscc", "id_masked"
            ),
            request.GET.get("page"),
        )
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            # the box shows what was typed, except an ID number, which is never echoed
            "box": "" if query.kind == "id" else text.strip()[:100],
            "page": page,
            "nav": "search",
        },
    )


@require_safe
def subject_detail(request: HttpRequest, pk: int) -> HttpResponse:
    day = services.today()
    subject = get_object_or_404(
        Subject.objects.only("id", "kind", "name", "uscc", "id_masked"), pk=pk
    )
    groups = services.records_by_type(subject, day=day)
    from xinyong.lists.publishing import subject_entries

    list_entries = subject_entries(subject.pk, day)
    if (
        subject.kind == SubjectKind.NATURAL
        and not any(g["total"] for g in groups)
        and not list_entries
    ):
        # a natural person is shown only while a record of theirs is public (R-PUB-2)
        raise Http404("该主体没有可公示的信息")
    return render(
        request,
        "portal/subject.html",
        {
            "subject": subject,
            "former_names": services.former_names(subject),
            "groups": groups,
            "list_entries": list_entries,
            "nav": "search",
        },
    )


@require_safe
def gs_list(request: HttpRequest, type_code: str) -> HttpResponse:
    if type_code not in services.GS_TYPES:
        raise Http404("没有这种公示信息")
    filters = services.ListFilters.from_query(request.GET, type_code)
    if filters.who.kind == "id" and request.GET.get("q"):
        return redirect(f"{request.path}?{_hashed_id_params(request.GET, filters.who)}")
    page = services.paginate(
        services.gs_records(type_code, filters, services.today()), request.GET.get("page")
    )
    subject_name = ""
    if filters.subject:
        # only a subject the public may find: a natural person's name only while a record
        # of theirs is public (R-PUB-2), not for any id put in the address
        found = (
            subjects.findable_subjects(services.today())
            .filter(pk=filters.subject)
            .only("name")
            .first()
        )
        subject_name = found.name if found else ""
    return render(
        request,
        "portal/gs_list.html",
        {
            "type_code": type_code,
            "type_name": services.type_name(type_code),
            "filters": filters,
            "subject_name": subject_name,
            "departments": services.departments(),
            "categories": services.penalty_categories() if type_code == "xzcf" else (),
            "page": page,
            "nav": type_code,
        },
    )


@require_safe
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        services.public_records()
        .select_related("subject", "department")
        .only(
            *services.RECORD_FIELDS,
            "publicity_start",
            # for the repair box (R-REP-3)
            "tier",
            "status",
            "published",
            "subject__name",
            "subject__kind",
            "subject__uscc",
            "subject__id_masked",
            "department__name",
        ),
        pk=pk,
    )
    return render(
        request,
        "portal/record.html",
        {
            "record": record,
            "type_name": services.type_name(record.type_code),
            "fields": services.shown_fields(record),
            "nav": record.type_code if record.type_code in services.GS_TYPES else "",
            # tier, earliest repair date and conditions of dishonesty records (R-REP-3)
            "repair": portal_repair(record),
        },
    )


@require_safe
def template_index(request: HttpRequest) -> HttpResponse:
    types = services.record_types()
    return render(request, "portal/templates.html", {"types": types, "nav": "templates"})


@require_safe
def template_download(request: HttpRequest, type_code: str, fmt: str) -> HttpResponse:
    rt = services.record_type(type_code)
    if rt is None:
        raise Http404("没有这种信息类型")
    response = HttpResponse(
        services.template_bytes(rt, fmt), content_type=XLSX_TYPE if fmt == "xlsx" else CSV_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"{rt.name}报送模板（{rt.version}）.{fmt}"
    )
    return response
