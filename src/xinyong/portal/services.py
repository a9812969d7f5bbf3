"""What the public portal shows, and how it is fetched cheaply.

Every record query starts from ``CreditRecord.objects.public(day)`` (R-PUB-2); lists use the
``(type_code, published, decision_date)`` index for their order, fetch one page of narrow rows
(``.only()`` plus the subject's name in the same query) and count at most a few pages ahead
instead of the whole table (:func:`paginate`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from django.core.cache import cache
from django.db.models import Count, Model, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from xinyong.catalog.model import Catalog, CatalogError, RecordType, default_catalog
from xinyong.core import ric
from xinyong.departments.models import Department
from xinyong.keys import row_id
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject
from xinyong.subjects.services import SubjectQuery, matching_ids, parse_query, subject_match

#: The two 双公示 types the portal lists, in display order (names come from the catalog).
GS_TYPES = ("xzxk", "xzcf")
PER_PAGE = 20
#: Pages counted ahead of the current one; beyond that the paginator only says "more".
LOOKAHEAD_PAGES = 10
#: The deepest page served; a list is narrowed by its filters rather than paged further.
MAX_PAGE = 100
STATS_TTL = 300  # seconds the home page figures may be old
#: A list keyword found in more subject names than this is checked row by row.
COMMON_KEYWORD = 300

LIST_FIELDS = (
    "id",
    "type_code",
    "doc_no",
    "decision_date",
    "authority_name",
    "penalty_category",
    "fine_amount",
    "subject_id",
    "subject__name",
    "subject__kind",
)

_FULL_ID = re.compile(r"\d{17}[\dXx]|\d{15}")

T = TypeVar("T", bound=Model)


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------
# pagination without COUNT(*) over the whole table
# ---------------------------------------------------------------------------


@dataclass
class CappedPage(Generic[T]):
    """One page of results, knowing the total only up to a few pages ahead."""

    items: list[T]
    number: int
    per_page: int
    #: rows known to exist (exact when ``more`` is false)
    known: int
    #: there are rows beyond ``known``
    more: bool

    @property
    def known_pages(self) -> int:
        return max(1, math.ceil(self.known / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.known_pages

    @property
    def limited(self) -> bool:
        """More rows exist than the pages may reach."""
        return self.more and self.known_pages >= MAX_PAGE

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    @property
    def page_range(self) -> list[int | None]:
        """Page numbers to link, ``None`` for a gap: 1 … 4 5 [6] 7 8 … 16."""
        last = self.known_pages
        wanted = {1, last, *range(self.number - 2, self.number + 3)}
        pages = sorted(p for p in wanted if 1 <= p <= last)
        out: list[int | None] = []
        for page in pages:
            if out and out[-1] is not None and page - out[-1] > 1:  # type: ignore[operator]
                out.append(None)
            out.append(page)
        return out


def page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def paginate(qs: QuerySet[T], page: str | int | None, per_page: int = PER_PAGE) -> CappedPage[T]:
    """Fetch one page and count rows only up to ``LOOKAHEAD_PAGES`` pages beyond it.

    The count is ``SELECT COUNT(*) FROM (… LIMIT n)``: cheap near the start of a long list.
    Pages stop at ``MAX_PAGE`` (an ``OFFSET`` costs as much as the rows it skips); past that
    the searcher narrows the filters. A short page needs no count; a page past the end falls
    back to the last page.
    """
    number = page_number(str(page) if page is not None else None)
    items = list(qs[(number - 1) * per_page : number * per_page])
    if not items and number > 1:
        found = qs[: MAX_PAGE * per_page].count()
        number = max(1, math.ceil(found / per_page))
        items = list(qs[(number - 1) * per_page : number * per_page])
    start = (number - 1) * per_page
    if len(items) < per_page:
        # the last page: the total is known without counting
        return CappedPage(items, number, per_page, known=start + len(items), more=False)
    cap = min(number + LOOKAHEAD_PAGES, MAX_PAGE) * per_page
    # keep the order: newest first finds current (public) rows soonest in the index
    found = qs[: cap + 1].count()
    return CappedPage(items, number, per_page, known=min(found, cap), more=found > cap)


# ---------------------------------------------------------------------------
# catalog access
# ---------------------------------------------------------------------------


def catalog() -> Catalog:
    return default_catalog()


def record_type(type_code: str, version: str | None = None) -> RecordType | None:
    """The catalog's type: the version a record was submitted under, else the current one."""
    cat = catalog()
    if version:
        try:
            return cat.type(type_code, version=version)
        except CatalogError:
            pass
    try:
        return cat.type(type_code)
    except CatalogError:
        return None


def record_types() -> list[RecordType]:
    """Types in force, the 双公示 types first (for the template downloads)."""
    order = list(GS_TYPES)
    return sorted(
        catalog().current(),
        key=lambda rt: (order.index(rt.code) if rt.code in order else len(order), rt.code),
    )


@functools.lru_cache(maxsize=32)
def template_bytes(rt: RecordType, fmt: str) -> bytes:
    """A type version's submission template (built once per process: ~0.1 s for Excel)."""
    from xinyong.catalog.template import template_csv, template_xlsx

    return template_xlsx(rt) if fmt == "xlsx" else template_csv(rt)


def type_name(type_code: str) -> str:
    rt = record_type(type_code)
    return rt.name if rt is not None else type_code


def penalty_categories() -> Sequence[str]:
    """Choices of the 处罚类别 filter: the catalog's code list."""
    codelist = catalog().codelists.get("penalty_category")
    return codelist.codes if codelist else ()


def _shown(value: Any, pii: bool, free_text: bool = False) -> Any:
    """A value as the public sees it; personal numbers are masked even if stored unmasked,
    and an ID number written into a free text (违法事实 …) is masked too (R-ID-3)."""
    if value is None or value == "":
        return ""
    if isinstance(value, list | tuple):
        return "、".join(str(_shown(v, pii, free_text)) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_shown(v, pii, free_text)}" for k, v in value.items())
    if pii and isinstance(value, str):
        return _FULL_ID.sub(lambda m: ric.mask(m.group(0)), value)
    if free_text and isinstance(value, str):
        return ric.mask_in_text(value)
    return value


@dataclass(frozen=True)
class ShownField:
    key: str
    label: str
    value: Any


def shown_fields(record: CreditRecord) -> list[ShownField]:
    """The record's catalog fields marked public, labelled by the catalog, empty ones left out."""
    rt = record_type(record.type_code, record.catalog_version)
    if rt is None:
        return []
    data = record.data or {}
    out: list[ShownField] = []
    for f in rt.fields:
        if not f.public:
            continue
        value = _shown(data.get(f.key), f.pii, f.type == "text")
        if value != "":
            out.append(ShownField(f.key, f.label, value))
    return out


# ---------------------------------------------------------------------------
# queries
# ---------------------------------------------------------------------------


def public_records(day: dt.date | None = None) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.public(day or today())


def public_of_type(type_code: str, day: dt.date | None = None) -> QuerySet[CreditRecord]:
    """Public records of a type, filtered so SQLite walks the list index newest first.

    Django writes ``published=True`` as a bare ``WHERE published``, which SQLite cannot match
    to the ``(type_code, published, decision_date)`` index: it would sort every record of the
    type for each page (~0.4 s on a county). ``published IN (1)`` is the same condition as an
    equality it can use. Not for one subject's or one department's records: their own index
    is better there, and SQLite picks it only without this.
    """
    return public_records(day).filter(type_code=type_code, published__in=[True])


def record_rows(qs: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
    """Narrow rows for a list: the record's columns plus its subject's name, newest first."""
    return qs.select_related("subject").only(*LIST_FIELDS).order_by("-decision_date", "-id")


def home_stats(day: dt.date | None = None) -> dict[str, int]:
    """Figures on the home page, computed at most every ``STATS_TTL`` seconds."""
    day = day or today()

    def compute() -> dict[str, int]:
        return {
            "xzxk": public_of_type("xzxk", day).count(),
            "xzcf": public_of_type("xzcf", day).count(),
            "subjects": Subject.objects.count(),
        }

    return cast(
        dict[str, int], cache.get_or_set(f"portal:stats:{day.isoformat()}", compute, STATS_TTL)
    )


def latest_records(type_code: str, n: int = 8, day: dt.date | None = None) -> list[CreditRecord]:
    return list(record_rows(public_of_type(type_code, day))[:n])


def departments() -> list[Department]:
    return list(Department.objects.filter(is_active=True).only("id", "name").order_by("name"))


@dataclass
class ListFilters:
    """Filters of a 双公示 list, read from the query string; bad values are ignored and said."""

    department: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    category: str = ""
    #: who the list is narrowed to: a name (part), pinyin, code or ID number, as in search
    who: SubjectQuery = field(default_factory=lambda: SubjectQuery("empty"))
    subject: int | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params: QueryDict, type_code: str) -> ListFilters:
        f = cls()
        f.department = row_id(params.get("department"))
        f.subject = row_id(params.get("subject"))
        f.date_from = _date(params.get("from"), "起始日期", f.errors)
        f.date_to = _date(params.get("to"), "截止日期", f.errors)
        if f.date_from and f.date_to and f.date_from > f.date_to:
            f.errors.append("起始日期晚于截止日期")
        text = (params.get("q") or "").strip()
        if text:
            f.who = parse_query(text)
        else:  # an ID number arrives only hashed (see views.gs_list)
            f.who = SubjectQuery.for_id_hashes(params.getlist("k"), params.get("m", ""))
        category = (params.get("category") or "").strip()
        if type_code == "xzcf" and category:
            if category in penalty_categories():
                f.category = category
            else:
                f.errors.append("处罚类别不在可选范围内，已忽略")
        return f

    @property
    def keyword(self) -> str:
        """What the name box shows again (never an ID number)."""
        return "" if self.who.kind in ("id", "empty") else self.who.display

    @property
    def active(self) -> bool:
        return any(
            (
                self.department,
                self.date_from,
                self.date_to,
                self.category,
                self.who.kind != "empty",
                self.subject,
            )
        )

    def apply(self, qs: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
        if self.department:
            qs = qs.filter(department_id=self.department)
        if self.subject:
            qs = qs.filter(subject_id=self.subject)
        if self.date_from:
            qs = qs.filter(decision_date__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(decision_date__lte=self.date_to)
        if self.category:
            # A decision may impose several categories, stored joined by "；" (警告；罚款).
            c = self.category
            qs = qs.filter(
                Q(penalty_category=c)
                | Q(penalty_category__startswith=f"{c}；")
                | Q(penalty_category__endswith=f"；{c}")
                | Q(penalty_category__contains=f"；{c}；")
            )
        if self.who.kind == "empty":
            return qs
        if self.subject_ids is None:
            # most subjects match (e.g. 有限公司): check the name of each record met in date order
            return qs.filter(subject_match(self.who, prefix="subject__"))
        # few subjects match: their records by the (subject, type_code) index
        return qs.filter(subject_id__in=self.subject_ids)

    @functools.cached_property
    def subject_ids(self) -> list[int] | None:
        """The subjects the list is narrowed to, or None when more than ``COMMON_KEYWORD``."""
        if self.who.kind == "empty":
            return []
        return matching_ids(self.who, COMMON_KEYWORD)

    @property
    def walks_type_index(self) -> bool:
        """Best served by walking a type's records newest first (no narrower index applies)."""
        if self.subject or self.department:
            return False
        return self.who.kind == "empty" or self.subject_ids is None


def _date(value: str | None, label: str, errors: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        errors.append(f"{label}“{value[:20]}”不是有效日期（格式：2024-01-31），已忽略")
        return None


def gs_records(
    type_code: str, filters: ListFilters, day: dt.date | None = None
) -> QuerySet[CreditRecord]:
    if filters.walks_type_index:
        base = public_of_type(type_code, day)
    else:
        base = public_records(day).filter(type_code=type_code)
    return record_rows(filters.apply(base))


RECORD_FIELDS = (
    "id",
    "type_code",
    "catalog_version",
    "doc_no",
    "decision_date",
    "authority_name",
    "penalty_category",
    "fine_amount",
    "publicity_end",
    "data",
    "subject_id",
)


def records_by_type(
    subject: Subject, per_type: int = 50, day: dt.date | None = None
) -> list[dict[str, Any]]:
    """A subject's public records grouped by type (the 双公示 types first), newest first.

    One grouped count, then at most ``per_type`` records of each type the subject has.
    """
    public = public_records(day).filter(subject=subject)
    totals = dict(
        public.order_by()
        .values_list("type_code")
        .annotate(n=Count("id"))
        .values_list("type_code", "n")
    )
    order = [*GS_TYPES, *sorted(set(totals) - set(GS_TYPES))]
    out = []
    for code in order:
        total = totals.get(code, 0)
        records: list[CreditRecord] = []
        if total:
            records = list(
                public.filter(type_code=code)
                .only(*RECORD_FIELDS)
                .order_by("-decision_date", "-id")[:per_type]
            )
        out.append(
            {
                "code": code,
                "name": type_name(code),
                "records": [(r, shown_fields(r)) for r in records],
                "total": total,
                "more": max(0, total - per_type),
                "listed": code in GS_TYPES,
            }
        )
    return out


def former_names(subject: Subject) -> list[str]:
    names = (
        subject.names.exclude(name=subject.name)
        .order_by("-valid_from")
        .values_list("name", flat=True)
    )
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen
