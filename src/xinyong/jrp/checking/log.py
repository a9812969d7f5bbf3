"""The log of a check: one row per subject, written without building model objects."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from xinyong import dbbulk
from xinyong.dbbulk import JsonText
from xinyong.jrp.checking.results import SubjectResult
from xinyong.jrp.models import Check, CheckItem

CHECK_COLUMNS = (
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


def store_items(check_id: int, results: Sequence[SubjectResult]) -> None:
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


def audit_nonpublic(
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
