"""Finding the list entries of the queried subjects: by code, by masked ID, by name."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Max

from xinyong.core import ric, uscc
from xinyong.dbbulk import driver_cursor, driver_sql
from xinyong.departments.models import Department
from xinyong.jrp.checking.results import EntryHit, Query
from xinyong.jrp.models import Clearance
from xinyong.lists.models import EntryStatus, ListEntry
from xinyong.lists.rules import definition
from xinyong.subjects.identity import pii_box
from xinyong.subjects.models import Subject

_CHUNK = 500

# -- the list names, indexed once per change of the lists ---------------------------------


_index_lock = threading.Lock()
_index_cache: dict[str, Any] = {}


def _fingerprint() -> tuple[Any, ...]:
    agg = ListEntry.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def _name_index(day: dt.date) -> Any:
    """A NameIndex over the names of entries in force, rebuilt when the lists change."""
    from xinyong.core.names import NameIndex

    key = (_fingerprint(), day)
    with _index_lock:
        if _index_cache.get("key") != key:
            pairs = ListEntry.objects.in_force(day).values_list("id", "listed_name")
            _index_cache["index"] = NameIndex(list(pairs))
            _index_cache["key"] = key
        return _index_cache["index"]


# -- matching ------------------------------------------------------------------------------


@dataclass
class Prepared:
    position: int
    query: Query
    kind: str  # uscc / id / name / invalid
    code: str
    error: str = ""
    lookup: str = ""  # uscc, or the keyed hash of an ID number


def prepare(position: int, query: Query) -> Prepared:
    raw_code = (query.code or "").strip()
    name = (query.name or "").strip()
    if not raw_code:
        if not name:
            return Prepared(position, query, "invalid", "", "未提供代码或名称")
        return Prepared(position, query, "name", "")
    code = uscc.compact(raw_code)
    if uscc.is_valid(code):
        return Prepared(position, query, "uscc", code, lookup=code)
    number = ric.compact(raw_code)
    if ric.is_valid(number):
        return Prepared(position, query, "id", number)
    return Prepared(
        position, query, "invalid", raw_code, "代码不是有效的统一社会信用代码或身份证号码"
    )


def hit(
    entry: ListEntry | EntryRow, matched_by: str, score: float = 1.0, features: Any = None
) -> EntryHit:
    list_def = definition(entry.list_code)
    suspended = entry.status == EntryStatus.OBJECTION
    return EntryHit(
        entry_id=entry.id,
        list_code=entry.list_code,
        list_name=list_def.name,
        polarity=list_def.polarity,
        listed_name=entry.listed_name,
        listed_code=entry.listed_code,
        reason=entry.reason,
        legal_basis=entry.legal_basis,
        authority=entry.authority_name,
        doc_no=entry.doc_no,
        start_date=entry.start_date,
        end_date=entry.end_date,
        status=_STATUS_LABELS.get(entry.status, entry.status),
        suspended=suspended,
        public=entry.public,
        matched_by=matched_by,
        score=score,
        features=features or [],
    )


_STATUS_LABELS = dict(EntryStatus.choices)
_ENTRY_FIELDS = (
    "id",
    "list_code",
    "subject_id",
    "listed_name",
    "listed_code",
    "reason",
    "legal_basis",
    "authority_name",
    "doc_no",
    "start_date",
    "end_date",
    "status",
    "public",
)


class EntryRow(NamedTuple):
    """The columns of a list entry a check reads (raw rows: no ORM on the hot path)."""

    id: int
    list_code: str
    subject_id: int | None
    listed_name: str
    listed_code: str
    reason: str
    legal_basis: str
    authority_name: str
    doc_no: str
    start_date: dt.date
    end_date: dt.date | None
    status: str
    public: bool


class SubjectRow(NamedTuple):
    id: int
    name: str
    key: str


_IN_FORCE = (EntryStatus.ACTIVE.value, EntryStatus.OBJECTION.value)


def lookup_codes(
    prepared: Sequence[Prepared], day: dt.date
) -> tuple[dict[tuple[str, str], SubjectRow], dict[int, list[EntryRow]]]:
    """Subjects by code and their entries in force on ``day``: one query per 500 codes.

    Raw SQL (the same on SQLite and PostgreSQL) because building ORM queries cost more than
    running them for a one-subject check inside a counter clerk's click (R-JRP-5)."""
    if any(p.kind == "id" for p in prepared):
        box = pii_box()
        for p in prepared:
            if p.kind == "id":
                p.lookup = box.lookup_hash(p.code)
    subjects: dict[tuple[str, str], SubjectRow] = {}
    entries: dict[int, list[EntryRow]] = defaultdict(list)
    for kind, column in (("uscc", "uscc"), ("id", "id_hash")):
        keys = sorted({p.lookup for p in prepared if p.kind == kind})
        for start in range(0, len(keys), _CHUNK):
            part = keys[start : start + _CHUNK]
            with driver_cursor() as cursor:
                cursor.execute(_lookup_sql(column, len(part)), [*_IN_FORCE, day, day, *part])
                for row in cursor.fetchall():
                    subject = SubjectRow(row[0], row[1], row[2])
                    subjects[(kind, subject.key)] = subject
                    if row[3] is not None:
                        entries[subject.id].append(EntryRow(*row[3:]))
    return subjects, entries


@functools.lru_cache(maxsize=64)
def _lookup_sql(column: str, count: int) -> str:
    quote = connection.ops.quote_name
    subject_table = quote(Subject._meta.db_table)
    entry_table = quote(ListEntry._meta.db_table)
    entry_columns = ", ".join(f"e.{quote(c)}" for c in EntryRow._fields)
    marks = ", ".join(["%s"] * count)
    # Table and column names come from the models; values are parameters.
    return driver_sql(
        f"SELECT s.id, s.name, s.{column}, {entry_columns} FROM {subject_table} s"  # noqa: S608
        f" LEFT JOIN {entry_table} e ON e.subject_id = s.id AND e.status IN (%s, %s)"
        " AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)"
        f" WHERE s.{column} IN ({marks}) ORDER BY s.id, e.start_date, e.id"
    )


def masked_candidates(prepared: Sequence[Prepared], day: dt.date) -> dict[str, list[ListEntry]]:
    """Entries without a subject that publish a masked ID, by name, for the queried persons."""
    names = sorted({p.query.name.strip() for p in prepared if p.kind == "id" and p.query.name})
    found: dict[str, list[ListEntry]] = defaultdict(list)
    for start in range(0, len(names), _CHUNK):
        rows = (
            ListEntry.objects.in_force(day)
            .filter(subject__isnull=True, listed_name__in=names[start : start + _CHUNK])
            .filter(listed_code__contains="*")
            .only(*_ENTRY_FIELDS)
        )
        for entry in rows:
            found[entry.listed_name].append(entry)
    return found


def _cleared(department: Department | None, keys: Iterable[str]) -> set[tuple[str, int]]:
    if department is None:
        return set()
    keys = sorted(set(keys))
    cleared: set[tuple[str, int]] = set()
    for start in range(0, len(keys), _CHUNK):
        cleared.update(
            Clearance.objects.filter(
                department=department, query_key__in=keys[start : start + _CHUNK]
            ).values_list("query_key", "entry_id")
        )
    return cleared


def name_hits(
    prepared: Sequence[Prepared], department: Department | None, day: dt.date
) -> dict[int, list[EntryHit]]:
    from xinyong.core.names import normalise

    queries = [p for p in prepared if p.kind == "name"]
    if not queries:
        return {}
    index = _name_index(day)
    keys = {p.position: normalise(p.query.name) for p in queries}
    cleared = _cleared(department, keys.values())
    matches: dict[int, list[tuple[int, Any]]] = {}
    wanted: set[int] = set()
    for p in queries:
        found = [
            (hit.id, hit.match)
            for hit in index.search(p.query.name)
            if (keys[p.position], hit.id) not in cleared
        ]
        matches[p.position] = found
        wanted.update(entry_id for entry_id, _ in found)
    entries: dict[int, ListEntry] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), _CHUNK):
        for entry in ListEntry.objects.filter(id__in=ids[start : start + _CHUNK]).only(
            *_ENTRY_FIELDS
        ):
            entries[entry.id] = entry
    result: dict[int, list[EntryHit]] = {}
    for position, found in matches.items():
        result[position] = [
            hit(
                entries[entry_id],
                "name",
                match.score,
                [
                    {
                        "feature": f.name,
                        "description": f.description,
                        "weight": f.weight,
                        "score": round(f.score, 4),
                        "detail": f.detail,
                    }
                    for f in match.features
                ],
            )
            for entry_id, match in found
            if entry_id in entries
        ]
    return result
