"""Pages of 互联网采集 under /office/integrity/feeds/: the review queue and the sources.

Thin views over ``feeds.services``; operators only (others get a 403 page with the reason,
audited). A refused step (``FeedError``) becomes a message on the page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.departments.permissions import ensure_operator
from xinyong.feeds import services
from xinyong.feeds.forms import AcceptForm, ReasonForm, SourceForm
from xinyong.feeds.models import FeedItem, FeedSource, FetchRun, ItemStatus
from xinyong.ingest.views import office_view
from xinyong.integrity.model import LEVELS
from xinyong.integrity.models import GovBody
from xinyong.integrity.services import model_for
from xinyong.keys import row_id

PER_PAGE = 20


def _operator(request: HttpRequest, what: str) -> None:
    ensure_operator(request.user, what=what, request=request)


def _first_error(form: forms.Form) -> str:
    return str(next(iter(form.errors.values()))[0])


@office_view
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    _operator(request, "审核互联网采集信息")
    qs = FeedItem.objects.select_related("source", "suggested_body", "event__body", "reviewed_by")
    status = request.GET.get("status", ItemStatus.PENDING)
    if status in ItemStatus.values:
        qs = qs.filter(status=status)
    else:
        status = "all"
    source = request.GET.get("source", "")
    source_id = row_id(source)
    if source_id:
        qs = qs.filter(source_id=source_id)
    else:
        source = ""
    page = Paginator(qs.order_by("-published_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    kinds = model_for(timezone.localdate()).kinds
    rows = [
        {
            "item": item,
            "kind_name": kinds.get(item.suggested_kind, ""),
            "event_kind": kinds.get(item.event.kind, item.event.kind) if item.event else "",
            "day": services.default_day(item),
        }
        for item in page
    ]
    return render(
        request,
        "feeds/queue.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": ItemStatus.choices,
            "source": source,
            "sources": FeedSource.objects.all(),
            "bodies": GovBody.objects.filter(active=True).order_by("level", "name"),
            "kinds": list(kinds.items()),
            "levels": LEVELS,
            "nav": "integrity",
        },
    )


@office_view
@require_POST
def review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """采纳 / 不采纳 / 撤回采纳 (``action`` comes from the URL pattern)."""
    _operator(request, "审核互联网采集信息")
    item = get_object_or_404(FeedItem, pk=pk)
    try:
        if action == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                raise services.FeedError(_first_error(form))
            data = form.cleaned_data
            event = services.accept(
                request.user,
                item,
                body=data["body"],
                kind=data["kind"],
                day=data.get("day"),
                level=data.get("level", ""),
                note=data.get("note", ""),
                request=request,
            )
            messages.success(request, f"已采纳，记入{event.body.name}的政务诚信档案")
        else:
            reason_form = ReasonForm(request.POST)
            if not reason_form.is_valid():
                raise services.FeedError(_first_error(reason_form))
            reason = reason_form.cleaned_data["reason"]
            if action == "reject":
                services.reject(request.user, item, reason, request=request)
                messages.success(request, "已决定不采纳")
            else:
                services.withdraw(request.user, item, reason, request=request)
                messages.success(request, "已撤回采纳，相应事件已从政务诚信档案中撤销")
    except services.FeedError as exc:
        messages.error(request, f"“{item.title}”：{exc}")
    back = request.POST.get("back", "")
    target = reverse("feeds:queue")
    if back.startswith("?") and "\n" not in back and "\r" not in back:
        target += back
    return redirect(f"{target}#item-{item.pk}")


@office_view
@require_http_methods(["GET", "POST"])
def sources(request: HttpRequest) -> HttpResponse:
    _operator(request, "管理互联网采集来源")
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source = services.add_source(
                request.user,
                name=data["name"],
                url=data["url"],
                collector=data["collector"],
                keywords=data.get("keywords", ""),
                request=request,
            )
        except services.FeedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记采集来源“{source.name}”")
            return redirect("feeds:sources")
    context: dict[str, Any] = {
        "form": form,
        "sources": FeedSource.objects.all(),
        "runs": FetchRun.objects.select_related("source")[:20],
        "nav": "integrity",
    }
    return render(request, "feeds/sources.html", context)


@office_view
@require_POST
def fetch(request: HttpRequest, pk: int) -> HttpResponse:
    _operator(request, "采集互联网信息")
    source = get_object_or_404(FeedSource, pk=pk)
    run = services.fetch_source(source, actor=request.user)
    if run.ok:
        messages.success(request, run.line())
    else:
        messages.error(request, run.line())
    return redirect("feeds:sources")
