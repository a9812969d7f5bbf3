"""What the portal shows of lists: in-force public entries, their public events, the criteria.

Every entry query starts from ``ListEntry.objects.public(day)`` (in force and public); codes are
shown as stored — ID numbers only masked — and free texts pass ``ric.mask_in_text`` on display.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.http import QueryDict

from xinyong.lists.models import ListCriterion, ListEntry, ListEvent
from xinyong.lists.rules import ListDef, definitions
from xinyong.lists.services import name_key

#: How far back the portal lists entering and leaving events.
EVENT_DAYS = 365
ENTRY_FIELDS = (
    "id",
    "list_code",
    "subject_id",
    "listed_name",
    "listed_code",
    "reason",
    "legal_basis",
    "department_id",
    "authority_name",
    "doc_no",
    "start_date",
    "end_date",
    "status",
)


def public_lists() -> list[ListDef]:
    return [d for d in definitions().values() if d.public]


def overview(day: dt.date) -> list[dict[str, Any]]:
    """Each public list with its number of public entries in force."""
    counts = dict(
        ListEntry.objects.public(day)
        .order_by()
        .values_list("list_code")
        .annotate(n=Count("id"))
        .values_list("list_code", "n")
    )
    return [{"def": d, "count": counts.get(d.code, 0)} for d in public_lists()]


@dataclass
class EntryFilters:
    name: str = ""
    department: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params: QueryDict) -> EntryFilters:
        f = cls()
        f.name = (params.get("q") or "").strip()[:100]
        f.department = (params.get("department") or "").strip()[:100]
        for attr, key, label in (("date_from", "from", "起始日期"), ("date_to", "to", "截止日期")):
            value = (params.get(key) or "").strip()
            if value:
                try:
                    setattr(f, attr, dt.date.fromisoformat(value))
                except ValueError:
                    f.errors.append(
                        f"{label}“{value[:20]}”不是有效日期（格式：2024-01-31），已忽略"
                    )
        return f

    @property
    def active(self) -> bool:
        return bool(self.name or self.department or self.date_from or self.date_to)

    def apply(self, qs: QuerySet[ListEntry]) -> QuerySet[ListEntry]:
        if self.name:
            key = name_key(self.name)
            qs = qs.filter(name_key__contains=key) if key else qs
        if self.department:
            qs = qs.filter(authority_name__contains=self.department)
        if self.date_from:
            qs = qs.filter(start_date__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(start_date__lte=self.date_to)
        return qs


def public_entries(list_code: str, filters: EntryFilters, day: dt.date) -> QuerySet[ListEntry]:
    qs = ListEntry.objects.public(day).filter(list_code=list_code)
    return filters.apply(qs).only(*ENTRY_FIELDS).order_by("-start_date", "-id")


def authorities(list_code: str, day: dt.date) -> list[str]:
    """The deciding bodies of a list's public entries (choices of the department filter)."""
    return list(
        ListEntry.objects.public(day)
        .filter(list_code=list_code)
        .order_by("authority_name")
        .values_list("authority_name", flat=True)
        .distinct()[:200]
    )


def public_events(list_code: str, day: dt.date) -> QuerySet[ListEvent]:
    """Entering, leaving … events of public entries of the list in the last ``EVENT_DAYS``."""
    since = day - dt.timedelta(days=EVENT_DAYS)
    return (
        ListEvent.objects.filter(
            entry__list_code=list_code,
            entry__public=True,
            public=True,
            date__gte=since,
            date__lte=day,
        )
        .select_related("entry")
        .only(
            "id",
            "kind",
            "date",
            "reason",
            "entry__id",
            "entry__listed_name",
            "entry__listed_code",
            "entry__doc_no",
            "entry__authority_name",
            "entry__subject_id",
        )
        .order_by("-date", "-id")
    )


def criteria_by_department(day: dt.date) -> list[dict[str, Any]]:
    """Published criteria in force, grouped by department."""
    groups: dict[int, dict[str, Any]] = {}
    defs = definitions()
    qs = (
        ListCriterion.objects.filter(effective_from__lte=day)
        .exclude(effective_to__lt=day)
        .select_related("department")
        .order_by("department__name", "list_code", "code")
    )
    for c in qs:
        group = groups.setdefault(c.department_id, {"department": c.department, "criteria": []})
        d = defs.get(c.list_code)
        group["criteria"].append(
            {"c": c, "list_name": d.name if d else c.list_code, "black": bool(d and d.is_black)}
        )
    return list(groups.values())


def subject_entries(subject_id: int, day: dt.date) -> list[ListEntry]:
    """A subject's public list entries in force (for the subject page)."""
    return list(
        ListEntry.objects.public(day)
        .filter(subject_id=subject_id)
        .only(*ENTRY_FIELDS)
        .order_by("-start_date", "-id")[:100]
    )
