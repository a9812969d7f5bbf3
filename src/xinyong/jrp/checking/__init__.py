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
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinyong import dbbulk
from xinyong.core import ric
from xinyong.departments.models import Department
from xinyong.departments.permissions import ensure_can_act_for
from xinyong.jrp.checking.explain import explain, measures_for
from xinyong.jrp.checking.log import CHECK_COLUMNS, audit_nonpublic, store_items
from xinyong.jrp.checking.matching import (
    hit,
    lookup_codes,
    masked_candidates,
    name_hits,
    prepare,
)
from xinyong.jrp.checking.results import (
    MAX_BATCH,
    CheckError,
    CheckOutcome,
    EntryHit,
    Query,
    SubjectResult,
)
from xinyong.jrp.measures import catalog
from xinyong.jrp.models import Check

__all__ = [
    "MAX_BATCH",
    "CheckError",
    "CheckOutcome",
    "EntryHit",
    "Query",
    "SubjectResult",
    "run_check",
]


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

    prepared = [prepare(n, q) for n, q in enumerate(queries, start=1)]
    subjects, by_subject = lookup_codes(prepared, day)
    masked = masked_candidates(prepared, day)
    by_name = name_hits(prepared, department, day)

    results: list[SubjectResult] = []
    scenario_name = cat.scenarios[scenario]
    for p in prepared:
        subject = subjects.get((p.kind, p.lookup)) if p.kind in ("uscc", "id") else None
        hits: list[EntryHit] = []
        if subject is not None:
            hits = [hit(e, "code") for e in by_subject.get(subject.id, [])]
        if p.kind == "id" and p.query.name:
            hits += [
                hit(e, "masked_id")
                for e in masked.get(p.query.name.strip(), [])
                if ric.matches_mask(e.listed_code, p.code)
            ]
        if p.kind == "name":
            hits = by_name.get(p.position, [])
        apply, held = measures_for(cat, scenario, department_code, hits)
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
        result.explanation = explain(result, scenario_name)
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
        (check.pk,) = dbbulk.insert(Check, CHECK_COLUMNS, [row], returning=True)
        check._state.adding = False
        store_items(check.pk, results)
        audit_nonpublic(user, check, results, request)
    return CheckOutcome(check, results)
