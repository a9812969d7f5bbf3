"""Pages of 信用承诺: the office's (/office/commitments/…) and the portal's (/commitments/…).

Thin views over ``commitments.services`` and ``commitments.coverage``. Office pages: a
department sees and acts on its own commitments, an operator on all; a refusal is a 403 page
with the Chinese reason (already audited). Portal pages show only public, confirmed
commitments, with ID numbers masked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from xinyong.audit.services import record_request
from xinyong.commitments import coverage as coverage_service
from xinyong.commitments import rules, services
from xinyong.commitments.models import Commitment, CommitmentStatus
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import visible_departments
from xinyong.ingest.views import office_view
from xinyong.keys import row_id
from xinyong.portal import services as portal
from xinyong.subjects.services import parse_query, subject_match

PER_PAGE = 30


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _audit_nonpublic(request: HttpRequest, items: list[Commitment], what: str) -> None:
    hidden = [c.number for c in items if not (c.public and c.confirmed)]
    if hidden:
        record_request(
            request,
            "read",
            f"{what}：含{len(hidden)}份非公示的信用承诺",
            object_type="commitments.commitment",
            detail={"numbers": hidden[:200]},
        )


# -- office -----------------------------------------------------------------------------------


@office_view
@require_safe
def office_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = services.visible_commitments(user)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    text = (request.GET.get("q") or "").strip()
    pending = request.GET.get("pending") == "1"
    if status in CommitmentStatus.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if pending:
        qs = qs.filter(confirmed=False).exclude(status=CommitmentStatus.WITHDRAWN)
    if text:
        query = parse_query(text)
        qs = qs.filter(subject_match(query, prefix="subject__") | Q(number=text.upper()))
    page = Paginator(qs.order_by("-signed_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    _audit_nonpublic(request, list(page.object_list), "查看信用承诺列表")
    to_confirm = (
        services.visible_commitments(user)
        .filter(confirmed=False)
        .exclude(status=CommitmentStatus.WITHDRAWN)
        .count()
    )
    return render(
        request,
        "commitments/office_list.html",
        {
            "page": page,
            "statuses": CommitmentStatus.choices,
            "kinds": rules.kinds(),
            "status": status,
            "kind": kind,
            "q": "" if parse_query(text).kind == "id" else text,
            "pending": pending,
            "to_confirm": to_confirm,
            "nav": "commitments",
        },
    )


def _sign_context(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    user = _user(request)
    return {
        "kinds": rules.kinds(),
        "departments": visible_departments(user).filter(is_active=True).order_by("name"),
        "values": values,
        "today": timezone.localdate(),
        "nav": "commitments",
    }


@office_view
def office_sign(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    if request.method != "POST":
        values = {"department": str(user.department_id or ""), "kind": "zmsx"}
        return render(request, "commitments/office_sign.html", _sign_context(request, values))
    values = {k: request.POST.get(k, "").strip() for k in request.POST}
    department = visible_departments(user).filter(pk=row_id(values.get("department")) or 0).first()
    if department is None:
        department = user.department
    signed_at = None
    if values.get("signed_date"):
        try:
            day = dt.date.fromisoformat(values["signed_date"])
        except ValueError:
            messages.error(request, "签署日期格式应为 YYYY-MM-DD")
            return render(request, "commitments/office_sign.html", _sign_context(request, values))
        if day != timezone.localdate():
            signed_at = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    try:
        c = services.sign(
            user,
            department,  # type: ignore[arg-type]
            kind=values.get("kind", ""),
            subject=services.SubjectInput(
                name=values.get("subject_name", ""),
                kind=values.get("subject_kind", "法人及非法人组织"),
                code=values.get("subject_code", ""),
                id_number=values.get("id_number", ""),
            ),
            matter=values.get("matter", ""),
            signer=values.get("signer", ""),
            signed_at=signed_at,
            licence_doc_no=values.get("licence_doc_no", ""),
            request=request,
        )
    except services.CommitmentError as exc:
        messages.error(request, exc.message)
        values.pop("id_number", None)  # never echoed back
        return render(
            request, "commitments/office_sign.html", _sign_context(request, values), status=422
        )
    messages.success(request, f"已登记信用承诺{c.number}")
    return redirect("commitments:office_detail", number=c.number)


def _visible_or_404(request: HttpRequest, number: str) -> Commitment:
    try:
        return services.find(_user(request), number)
    except Commitment.DoesNotExist:
        raise Http404("没有这份信用承诺，或不属于本部门") from None


@office_view
@require_safe
def office_detail(request: HttpRequest, number: str) -> HttpResponse:
    c = _visible_or_404(request, number)
    _audit_nonpublic(request, [c], f"查看信用承诺{c.number}")
    rule = rules.kind(c.kind, c.signed_date)
    return render(
        request,
        "commitments/office_detail.html",
        {
            "c": c,
            "rule": rule,
            "events": c.events.select_related("actor").all(),
            "verifications": c.verifications.select_related("verified_by").all(),
            "open": c.status not in (CommitmentStatus.WITHDRAWN,) and c.record_id is None,
            "tiers": ("轻微", "一般", "严重"),
            "breaches": rules.BREACHES,
            "nav": "commitments",
        },
    )


ACTIONS = ("confirm", "verify", "materials", "breach", "withdraw")


@office_view
@require_POST
def office_action(request: HttpRequest, number: str, action: str) -> HttpResponseBase:
    """One action on a commitment; any commitment by number, the service checks permission."""
    if action not in ACTIONS:
        raise Http404("未知操作")
    c = Commitment.objects.select_related("subject", "department").filter(number=number).first()
    if c is None:
        raise Http404("没有这份信用承诺")
    user = _user(request)
    post = request.POST
    try:
        if action == "confirm":
            services.confirm(user, c, request=request)
            messages.success(request, "已确认")
        elif action == "verify":
            services.verify(
                user,
                c,
                result=post.get("result", ""),
                note=post.get("note", ""),
                tier=post.get("tier") or None,
                tier_reason=post.get("tier_reason", ""),
                request=request,
            )
            messages.success(request, "已登记核查结果")
        elif action == "materials":
            day = dt.date.fromisoformat(post["supplied_on"]) if post.get("supplied_on") else None
            services.supply_materials(user, c, note=post.get("note", ""), on=day, request=request)
            messages.success(request, "已登记补齐材料")
        elif action == "breach":
            record = services.breach(
                user,
                c,
                kind=post.get("breach", ""),
                facts=post.get("facts", ""),
                tier=post.get("tier") or None,
                tier_reason=post.get("tier_reason", ""),
                doc_no=post.get("doc_no", ""),
                request=request,
            )
            messages.success(request, f"已认定失信，形成信用记录{record.doc_no}")
        else:
            services.withdraw(user, c, reason=post.get("reason", ""), request=request)
            messages.success(request, "已撤回")
    except services.CommitmentError as exc:
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, "日期格式应为 YYYY-MM-DD")
    return redirect("commitments:office_detail", number=c.number)


def _month(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in (value or "").split("-")[:2])
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)


@office_view
@require_safe
def office_coverage(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    month = _month(request.GET.get("month"))
    department = None
    dept_id = row_id(request.GET.get("department"))
    if dept_id:
        department = Department.objects.filter(pk=dept_id).first()
    if department is None and not user.is_operator:
        department = user.department
    report = coverage_service.coverage(
        user, month, department=department, items=department is not None
    )
    return render(
        request,
        "commitments/office_coverage.html",
        {
            "report": report,
            "department": department,
            "month": month,
            "previous": (month - dt.timedelta(days=1)).replace(day=1),
            "next": (month + dt.timedelta(days=32)).replace(day=1),
            "lookback": rules.rules().lookback_days,
            "kinds": [k for k in rules.kinds() if k.coverage],
            "nav": "commitments",
        },
    )


# -- portal -----------------------------------------------------------------------------------


@require_safe
def portal_list(request: HttpRequest) -> HttpResponse:
    text = (request.GET.get("q") or "").strip()
    query = parse_query(text)
    qs = services.public_commitments()
    if query.kind == "id":
        # a full ID number is never echoed; natural persons are found by keyed hash
        qs = qs.filter(subject_match(query, prefix="subject__"))
    elif query.kind != "empty":
        qs = qs.filter(subject_match(query, prefix="subject__"))
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    page = portal.paginate(qs, request.GET.get("page"))
    return render(
        request,
        "commitments/portal_list.html",
        {
            "page": page,
            "box": "" if query.kind == "id" else text[:100],
            "kind": kind,
            "kinds": [k for k in rules.kinds() if k.public],
            "nav": "commitments",
        },
    )


@require_safe
def portal_detail(request: HttpRequest, number: str) -> HttpResponse:
    c = services.public_commitments().filter(number=number).first()
    if c is None:
        raise Http404("没有公示的这份信用承诺")
    return render(
        request,
        "commitments/portal_detail.html",
        {"c": c, "rule": rules.kind(c.kind, c.signed_date), "nav": "commitments"},
    )


def portal_new(request: HttpRequest) -> HttpResponse:
    portal_kinds = [k for k in rules.kinds() if k.portal]
    departments = Department.objects.filter(is_active=True).order_by("name")
    values: dict[str, str] = {"kind": portal_kinds[0].code if portal_kinds else ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in request.POST}
        department = departments.filter(pk=row_id(values.get("department")) or 0).first()
        try:
            if department is None:
                raise services.CommitmentError("请选择受理部门")
            c = services.submit_on_portal(
                department=department,
                kind=values.get("kind", ""),
                subject=services.SubjectInput(
                    name=values.get("subject_name", ""),
                    kind=values.get("subject_kind", "法人及非法人组织"),
                    code=values.get("subject_code", ""),
                ),
                matter=values.get("matter", ""),
                signer=values.get("signer", ""),
                contact=values.get("contact", ""),
                request=request,
            )
        except services.CommitmentError as exc:
            return render(
                request,
                "commitments/portal_new.html",
                {
                    "kinds": portal_kinds,
                    "departments": departments,
                    "values": values,
                    "error": exc.message,
                    "nav": "commitments",
                },
                status=422,
            )
        return render(
            request,
            "commitments/portal_done.html",
            {"c": c, "nav": "commitments"},
        )
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return render(
        request,
        "commitments/portal_new.html",
        {"kinds": portal_kinds, "departments": departments, "values": values, "nav": "commitments"},
    )
