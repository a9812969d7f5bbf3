"""Joint reward and punishment checks (联合奖惩核查, R-JRP-2, R-JRP-4, R-JRP-5).

An implementing department, in a business scenario, asks about subjects by code or by name and
gets, per subject: how it was matched, the list entries hit, the measures to apply with their
legal bases, and the entries whose punishments are suspended because an objection is under way.
Every check is stored (``Check`` + one ``CheckItem`` per subject) and is the log of who checked
whom.

Matching, in order:

1. a valid 统一社会信用代码 or 身份证号码 finds the subject itself, and its in-force entries;
   a person's ID also matches entries of national lists that publish the number masked, when
   the name is the same and every visible character agrees;
2. without a code, the name is screened against the names on the lists (core/names.py): the
   features that matched and the score are part of the answer; a match a person of the
   department cleared as a false positive is not flagged again for that department.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from xinyong import dbbulk
from xinyong.core import ric, uscc
from xinyong.dbbulk import JsonText
from xinyong.departments.models import Department
from xinyong.departments.permissions import ensure_can_act_for
from xinyong.jrp.measures import Catalog, Measure, catalog
from xinyong.jrp.models import Check, CheckItem, Clearance
from xinyong.lists.models import EntryStatus, ListEntry
from xinyong.lists.rules import definition
from xinyong.subjects.identity import pii_box
from xinyong.subjects.models import Subject

__all__ = [
    "MAX_BATCH",
    "CheckError",
    "CheckOutcome",
    "EntryHit",
    "Query",
    "SubjectResult",
    "run_check",
]

#: The largest batch one call may check.
MAX_BATCH = 200_000
_CHUNK = 500


class CheckError(ValueError):
    """The check request itself is refused (nothing is logged as a check)."""


@dataclass(frozen=True)
class Query:
    code: str = ""
    name: str = ""


@dataclass
class EntryHit:
    entry_id: int
    list_code: str
    list_name: str
    polarity: str
    listed_name: str
    listed_code: str
    reason: str
    legal_basis: str
    authority: str
    doc_no: str
    start_date: dt.date
    end_date: dt.date | None
    status: str
    suspended: bool
    public: bool
    matched_by: str  # code / masked_id / name
    score: float = 1.0
    features: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "list_code": self.list_code,
            "list_name": self.list_name,
            "polarity": self.polarity,
            "listed_name": self.listed_name,
            "listed_code": self.listed_code,
            "reason": self.reason,
            "legal_basis": self.legal_basis,
            "authority": self.authority,
            "doc_no": self.doc_no,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "status": self.status,
            "suspended": self.suspended,
            "matched_by": self.matched_by,
            "score": round(self.score, 4),
            "features": self.features,
        }


@dataclass
class SubjectResult:
    position: int
    query_code: str  # ID numbers masked
    query_name: str
    valid: bool
    error: str
    subject_id: int | None
    subject_name: str
    matched_by: str
    entries: list[EntryHit]
    measures: list[dict[str, Any]]
    suspended_measures: list[dict[str, Any]]
    explanation: str

    @property
    def hit(self) -> bool:
        return bool(self.entries)

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "query_code": self.query_code,
            "query_name": self.query_name,
            "valid": self.valid,
            "error": self.error,
            "subject_id": self.subject_id,
            "subject_name": self.subject_name,
            "matched_by": self.matched_by,
            "hit": self.hit,
            "entries": [e.as_dict() for e in self.entries],
            "measures": self.measures,
            "suspended_measures": self.suspended_measures,
            "explanation": self.explanation,
        }


@dataclass
class CheckOutcome:
    check: Check
    results: list[SubjectResult]

    def as_dict(self) -> dict[str, Any]:
        run = self.check
        return {
            "check_id": run.pk,
            "scenario": run.scenario,
            "scenario_name": catalog().scenarios[run.scenario],
            "checked_on": run.checked_on,
            "queries": run.queries,
            "hits": run.hits,
            "results": [r.as_dict() for r in self.results],
        }


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
class _Prepared:
    position: int
    query: Query
    kind: str  # uscc / id / name / invalid
    code: str
    error: str = ""
    lookup: str = ""  # uscc, or the keyed hash of an ID number


def _prepare(position: int, query: Query) -> _Prepared:
    raw_code = (query.code or "").strip()
    name = (query.name or "").strip()
    if not raw_code:
        if not name:
            return _Prepared(position, query, "invalid", "", "未提供代码或名称")
        return _Prepared(position, query, "name", "")
    code = uscc.compact(raw_code)
    if uscc.is_valid(code):
        return _Prepared(position, query, "uscc", code, lookup=code)
    number = ric.compact(raw_code)
    if ric.is_valid(number):
        return _Prepared(position, query, "id", number)
    return _Prepared(
        position, query, "invalid", raw_code, "代码不是有效的统一社会信用代码或身份证号码"
    )


def _masked_agrees(masked: str, number: str) -> bool:
    """A published masked ID (``3301**********1234``) agrees with a full number."""
    masked = masked.strip().upper()
    if len(masked) != len(number) or "*" not in masked:
        return False
    return all(m in "*" or m == n for m, n in zip(masked, number.upper(), strict=True))


def _hit(
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


def _lookup_codes(
    prepared: Sequence[_Prepared], day: dt.date
) -> tuple[dict[tuple[str, str], SubjectRow], dict[int, list[EntryRow]]]:
    """Subjects by code and their entries in force on ``day``: one query per 500 codes.

    Raw SQL (the same on SQLite and PostgreSQL) because building ORM queries cost more than
    running them for a one-subject check inside a counter clerk's click (R-JRP-5)."""
    box = pii_box()
    for p in prepared:
        if p.kind == "id":
            p.lookup = box.lookup_hash(p.code)
    subjects: dict[tuple[str, str], SubjectRow] = {}
    entries: dict[int, list[EntryRow]] = defaultdict(list)
    quote = connection.ops.quote_name
    subject_table = quote(Subject._meta.db_table)
    entry_table = quote(ListEntry._meta.db_table)
    entry_columns = ", ".join(f"e.{quote(c)}" for c in EntryRow._fields)
    for kind, column in (("uscc", "uscc"), ("id", "id_hash")):
        keys = sorted({p.lookup for p in prepared if p.kind == kind})
        for start in range(0, len(keys), _CHUNK):
            part = keys[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(part))
            # Table and column names come from the models; values are parameters.
            sql = (
                f"SELECT s.id, s.name, s.{column}, {entry_columns} FROM {subject_table} s"  # noqa: S608
                f" LEFT JOIN {entry_table} e ON e.subject_id = s.id AND e.status IN (%s, %s)"
                " AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)"
                f" WHERE s.{column} IN ({marks}) ORDER BY s.id, e.start_date, e.id"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [*_IN_FORCE, day, day, *part])
                for row in cursor.fetchall():
                    subject = SubjectRow(row[0], row[1], row[2])
                    subjects[(kind, subject.key)] = subject
                    if row[3] is not None:
                        entries[subject.id].append(EntryRow(*row[3:]))
    return subjects, entries


def _masked_candidates(prepared: Sequence[_Prepared], day: dt.date) -> dict[str, list[ListEntry]]:
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


def _name_hits(
    prepared: Sequence[_Prepared], department: Department | None, day: dt.date
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
            _hit(
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


# -- measures and explanation --------------------------------------------------------------


def _measure_dict(measure: Measure, entries: Sequence[EntryHit]) -> dict[str, Any]:
    return {
        "code": measure.code,
        "name": measure.name,
        "kind": measure.kind,
        "group": measure.group_label,
        "basis": list(measure.basis),
        "implementers": list(measure.implementers),
        "triggered_by": [e.entry_id for e in entries if e.list_code in measure.lists],
    }


def _measures(
    cat: Catalog, scenario: str, department_code: str | None, entries: Sequence[EntryHit]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(measures to apply, measures suspended by objections) for the entries hit."""
    if not entries:
        return [], []
    active = [e for e in entries if not e.suspended]
    suspended = [e for e in entries if e.suspended]
    apply = cat.triggered({e.list_code for e in active}, scenario, department_code)
    applied = {m.code for m in apply}
    held = [
        m
        for m in cat.triggered({e.list_code for e in suspended}, scenario, department_code)
        if m.code not in applied
    ]
    return (
        [_measure_dict(m, active) for m in apply],
        [_measure_dict(m, suspended) for m in held],
    )


def _explain(result: SubjectResult, scenario_name: str) -> str:
    if result.error:
        return result.error
    who = result.subject_name or result.query_name or result.query_code
    if not result.entries:
        how = {"code": "按代码", "name": "按名称"}.get(result.matched_by, "")
        return f"{who}：{how}核查，未在任何有效名单中。"
    parts = []
    for e in result.entries:
        how = {
            "code": "代码一致",
            "masked_id": "姓名一致且身份证号码公开位一致",
            "name": f"名称相似度{e.score:.2f}",
        }[e.matched_by]
        state = "（异议处理中，暂不执行惩戒措施）" if e.suspended else ""
        parts.append(f"{e.list_name}（{e.authority}，{e.doc_no or '无文号'}；{how}）{state}")
    text = f"{who}：在{'；'.join(parts)}。"
    if result.measures:
        text += f"在“{scenario_name}”中应采取：" + "；".join(
            f"{m['name']}（依据：{'、'.join(m['basis'])}）" for m in result.measures
        )
        text += "。"
    elif not result.suspended_measures:
        text += f"在“{scenario_name}”中无应采取的措施。"
    if result.suspended_measures:
        text += "暂停执行：" + "；".join(m["name"] for m in result.suspended_measures) + "。"
    return text


# -- the check -------------------------------------------------------------------------------


def run_check(
    user: Any,
    department: Department | None,
    scenario: str,
    queries: Sequence[Query],
    *,
    via: str = "api",
    day: dt.date | None = None,
    request: Any = None,
) -> CheckOutcome:
    """Check subjects in a scenario for a department (None: the credit office), and log it."""
    cat = catalog()
    if scenario not in cat.scenarios:
        options = "、".join(f"{k} {v}" for k, v in cat.scenarios.items())
        raise CheckError(f"业务场景“{scenario}”未定义（可选：{options}）")
    if not queries:
        raise CheckError("没有提交需要核查的主体")
    if len(queries) > MAX_BATCH:
        raise CheckError(f"一次最多核查{MAX_BATCH}个主体，本次{len(queries)}个")
    # ``user`` None: the platform's own command line, run by whoever runs the server.
    if user is not None and department is None:
        from xinyong.departments.permissions import ensure_operator

        ensure_operator(user, what="以信用办名义核查", request=request)
    elif user is not None:
        ensure_can_act_for(user, department, what="联合奖惩核查", request=request)
    day = day or timezone.localdate()
    department_code = department.code if department else None

    prepared = [_prepare(n, q) for n, q in enumerate(queries, start=1)]
    subjects, by_subject = _lookup_codes(prepared, day)
    masked = _masked_candidates(prepared, day)
    by_name = _name_hits(prepared, department, day)

    results: list[SubjectResult] = []
    scenario_name = cat.scenarios[scenario]
    for p in prepared:
        subject = subjects.get((p.kind, p.lookup)) if p.kind in ("uscc", "id") else None
        hits: list[EntryHit] = []
        if subject is not None:
            hits = [_hit(e, "code") for e in by_subject.get(subject.id, [])]
        if p.kind == "id" and p.query.name:
            hits += [
                _hit(e, "masked_id")
                for e in masked.get(p.query.name.strip(), [])
                if _masked_agrees(e.listed_code, p.code)
            ]
        if p.kind == "name":
            hits = by_name.get(p.position, [])
        apply, held = _measures(cat, scenario, department_code, hits)
        result = SubjectResult(
            position=p.position,
            query_code=ric.mask(p.code) if p.kind == "id" else p.code,
            query_name=p.query.name.strip(),
            valid=p.kind != "invalid",
            error=p.error,
            subject_id=subject.id if subject else None,
            subject_name=subject.name if subject else "",
            matched_by={"uscc": "code", "id": "code", "name": "name"}.get(p.kind, ""),
            entries=hits,
            measures=apply,
            suspended_measures=held,
            explanation="",
        )
        result.explanation = _explain(result, scenario_name)
        results.append(result)

    check = Check(
        department=department,
        user=user if getattr(user, "pk", None) else None,
        scenario=scenario,
        via=via,
        created_at=timezone.now(),
        checked_on=day,
        queries=len(results),
        hits=sum(1 for r in results if r.hit),
        measures_version=cat.version,
    )
    row = [
        check.department_id,
        check.user_id,
        check.scenario,
        check.via,
        check.created_at,
        check.checked_on,
        check.queries,
        check.hits,
        check.measures_version,
    ]
    with dbbulk.one_writer(), transaction.atomic():
        # Plain inserts: even a one-subject check must not pay for the ORM compiler.
        (check.pk,) = dbbulk.insert(Check, _CHECK_COLUMNS, [row], returning=True)
        check._state.adding = False
        _store_items(check.pk, results)
        _audit_nonpublic(user, check, results, request)
    return CheckOutcome(check, results)


_CHECK_COLUMNS = (
    "department",
    "user",
    "scenario",
    "via",
    "created_at",
    "checked_on",
    "queries",
    "hits",
    "measures_version",
)
_EMPTY_OBJECT = JsonText("{}")
_EMPTY_LIST = JsonText("[]")
_ITEM_COLUMNS = (
    "check_run",
    "position",
    "query_name",
    "query_code",
    "subject",
    "matched_by",
    "hit",
    "result",
    "measures",
)


def _store_items(check_id: int, results: Sequence[SubjectResult]) -> None:
    """One row per subject; a batch of 100,000 is written without building model objects."""

    def dumps(value: Any) -> JsonText:
        return JsonText(json.dumps(value, ensure_ascii=False, default=str))

    rows = [
        (
            check_id,
            r.position,
            r.query_name[:200],
            r.query_code[:40],
            r.subject_id,
            r.matched_by,
            r.hit,
            dumps(_stored(r)) if (r.hit or r.error) else _EMPTY_OBJECT,
            dumps([m["code"] for m in r.measures]) if r.measures else _EMPTY_LIST,
        )
        for r in results
    ]
    dbbulk.insert(CheckItem, _ITEM_COLUMNS, rows)


def _stored(result: SubjectResult) -> dict[str, Any]:
    return {
        "error": result.error,
        "entries": [e.as_dict() for e in result.entries],
        "suspended_measures": [m["code"] for m in result.suspended_measures],
        "explanation": result.explanation,
    }


def _audit_nonpublic(
    user: Any, check: Check, results: Sequence[SubjectResult], request: Any
) -> None:
    """Entries the public may not see (e.g. responsible persons') were read: audit it."""
    hidden = sorted({e.entry_id for r in results for e in r.entries if not e.public})
    if hidden:
        from xinyong.audit.models import AuditAction
        from xinyong.audit.services import client_ip, record

        record(
            user,
            AuditAction.READ,
            f"联合奖惩核查：含{len(hidden)}条非公开名单条目",
            obj=check,
            detail={"entries": hidden[:200]},
            ip=client_ip(request),
        )
