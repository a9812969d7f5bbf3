"""API routes of the lists app, mounted under /api/v1/: the published lists, as on the portal.

Public (no token): what the portal shows, with ID numbers masked in every text, so nobody has
to scrape the pages. Non-public lists and entries are not served here; checks by departments
go through ``POST /api/v1/checks``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone
from ninja import Router, Schema

from xinyong.core import ric
from xinyong.keys import MAX_KEY
from xinyong.lists import publishing
from xinyong.lists.models import ListEntry
from xinyong.lists.rules import ListDef, definition, definitions

router = Router(tags=["lists"])

#: Entries per call at the most (``offset`` pages on).
MAX_ENTRIES = 200


class ListOut(Schema):
    code: str
    name: str
    polarity: str
    scope: str
    description: str
    entries_in_force: int


class EntryOut(Schema):
    name: str
    code: str
    reason: str
    legal_basis: str
    authority: str
    doc_no: str
    start_date: dt.date
    end_date: dt.date | None
    subject_page: str | None


class EntriesOut(Schema):
    code: str
    name: str
    total: int
    offset: int
    entries: list[EntryOut]
    warnings: list[str]


def _public(code: str) -> ListDef:
    try:
        list_def = definition(code)
    except KeyError:
        raise Http404("没有这个名单") from None
    if not list_def.public:
        raise Http404("该名单不公开")
    return list_def


def _entry(e: ListEntry) -> dict[str, Any]:
    return {
        "name": e.listed_name,
        "code": ric.mask_in_text(e.listed_code or ""),
        "reason": ric.mask_in_text(e.reason),
        "legal_basis": e.legal_basis,
        "authority": e.authority_name,
        "doc_no": e.doc_no,
        "start_date": e.start_date,
        "end_date": e.end_date,
        "subject_page": f"/subject/{e.subject_id}/" if e.subject_id else None,
    }


@router.get("/lists", response=list[ListOut], summary="公示的名单", auth=None)
def lists(request: HttpRequest) -> list[dict[str, Any]]:
    """门户公示的红黑名单及当前有效条目数。"""
    day = timezone.localdate()
    return [
        {
            "code": d.code,
            "name": d.name,
            "polarity": d.polarity,
            "scope": d.scope,
            "description": d.description,
            "entries_in_force": ListEntry.objects.public(day).filter(list_code=d.code).count(),
        }
        for d in definitions().values()
        if d.public
    ]


@router.get(
    "/lists/{code}/entries",
    response=EntriesOut,
    summary="名单条目",
    auth=None,
    description="某名单当前有效的公示条目（与门户相同，身份证号码已脱敏），按列入日期由近及远。"
    "q 按名称筛选，department 按认定机关筛选，from/to 按列入日期筛选（YYYY-MM-DD）；"
    f"每次最多返回{MAX_ENTRIES}条，offset 翻页。",
)
def entries(request: HttpRequest, code: str, offset: int = 0) -> dict[str, Any]:
    list_def = _public(code)
    params: QueryDict = request.GET
    filters = publishing.EntryFilters.from_query(params)
    qs = publishing.public_entries(code, filters, timezone.localdate())
    offset = min(max(offset, 0), MAX_KEY)
    return {
        "code": list_def.code,
        "name": list_def.name,
        "total": qs.count(),
        "offset": offset,
        "entries": [_entry(e) for e in qs[offset : offset + MAX_ENTRIES]],
        "warnings": filters.errors,
    }
