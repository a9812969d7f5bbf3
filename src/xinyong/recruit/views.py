"""录用人选信用查询 pages at /office/recruit/: the unit files and reads its own requests; the
credit office's operators work the queue (first and second review, release, objections).

Thin views over ``recruit.services``: a refusal (``PermissionDenied``) becomes a 403 page with its
Chinese reason (already in the audit log); a refused step (``RecruitError``) a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.ingest.views import office_view
from xinyong.recruit import services
from xinyong.recruit.forms import ObjectionForm, RequestForm, ReviewForm, StepForm
from xinyong.recruit.models import (
    PersonObjection,
    RecruitPerson,
    RecruitRequest,
    RequestStatus,
    Result,
)
from xinyong.recruit.rules import rule_on

PER_PAGE = 30


@require_safe
@office_view
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "pending")
    qs = services.visible_requests(request.user)
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "req": r,
            "countdown": services.countdown(r.due_on, today)
            if r.status == RequestStatus.PENDING
            else f"已于{r.answered_on:%Y-%m-%d}答复",
            "overdue": r.status == RequestStatus.PENDING
            and r.due_on is not None
            and r.due_on < today,
        }
        for r in page
    ]
    return render(
        request,
        "recruit/queue.html",
        {
            "nav": "recruit",
            "rows": rows,
            "page": page,
            "status": status,
            "statuses": RequestStatus.choices,
            "can_file": getattr(request.user, "department_id", None) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
@office_view
def new(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            persons = services.parse_lines(data.get("persons") or "")
            upload = data.get("upload")
            if upload:
                persons += services.read_upload(upload, upload.name)
            req = services.file_request(
                request.user,
                doc_no=data["doc_no"],
                title=data["title"],
                purpose=data["purpose"],
                persons=persons,
                request=request,
            )
        except services.RecruitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"已提交查询{req.number}，信用办将于{req.due_on or '3个工作日内'}前答复",
            )
            return redirect("recruit:detail", req.pk)
    return render(
        request,
        "recruit/new.html",
        {"nav": "recruit", "form": form, "rule": rule_on(timezone.localdate())},
    )


def _operator_rows(request: HttpRequest, req: RecruitRequest) -> list[dict[str, Any]]:
    rows = []
    today = timezone.localdate()
    for person in req.persons.prefetch_related("reviews__reviewer"):
        objection = PersonObjection.objects.filter(person=person).first()
        steps = list(objection.steps.all()) if objection else []
        rows.append(
            {
                "person": person,
                "hits": services.hit_details(request.user, person, request=request)
                if person.hit
                else [],
                "reviews": list(person.reviews.all()),
                "objection": objection,
                "steps": [
                    {"step": s, "countdown": services.countdown(s.due_on, today)} for s in steps
                ],
                "open_step": next((s for s in steps if s.done_on is None), None),
            }
        )
    return rows


@require_safe
@office_view
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(RecruitRequest.objects.select_related("department"), pk=pk)
    services.open_request(request.user, req, request=request)
    operator = getattr(request.user, "is_operator", False)
    context: dict[str, Any] = {
        "nav": "recruit",
        "req": req,
        "countdown": services.countdown(req.due_on) if req.status == RequestStatus.PENDING else "",
        "operator": operator,
    }
    if operator:
        context.update(
            rows=_operator_rows(request, req),
            review_form=ReviewForm(),
            objection_form=ObjectionForm(),
            step_form=StepForm(),
            can_release=req.status == RequestStatus.PENDING
            and not req.persons.filter(result=Result.PENDING).exists(),
        )
    else:
        # The unit sees nothing but the result of each person, and only once released.
        context["answer"] = services.answer(request.user, req, request=request)
        context["count"] = req.persons.count()
    return render(request, "recruit/detail.html", context)


def _back(req_pk: int) -> HttpResponse:
    return redirect("recruit:detail", req_pk)


@require_POST
@office_view
def review(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(RecruitPerson.objects.select_related("request"), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审核结论")
        return _back(person.request_id)
    try:
        item = services.review(
            request.user,
            person,
            form.cleaned_data["conclusion"],
            form.cleaned_data["note"],
            request=request,
        )
    except services.RecruitError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已完成{person.name}的{item.get_stage_display()}")
    return _back(person.request_id)


@require_POST
@office_view
def release(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(RecruitRequest, pk=pk)
    try:
        services.release(request.user, req, request=request)
    except services.RecruitError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已答复查询单位")
    return _back(req.pk)


@require_POST
@office_view
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(RecruitPerson.objects.select_related("request"), pk=pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写异议理由")
        return _back(person.request_id)
    try:
        services.add_objection(
            request.user,
            person,
            form.cleaned_data["reason"],
            filed_on=form.cleaned_data.get("filed_on"),
            request=request,
        )
    except services.RecruitError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已登记{person.name}的异议")
    return _back(person.request_id)


@require_POST
@office_view
def step(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PersonObjection.objects.select_related("person__request"), pk=pk)
    form = StepForm(request.POST)
    form.is_valid()
    try:
        services.advance_objection(
            request.user,
            item,
            form.cleaned_data.get("note", ""),
            outcome=form.cleaned_data.get("outcome", ""),
            request=request,
        )
    except services.RecruitError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已办理异议步骤")
    return _back(item.person.request_id)
