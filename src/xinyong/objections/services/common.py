"""Errors, deadlines and the step log shared by the objection services."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip
from xinyong.audit.services import record as audit
from xinyong.casework import (
    ACCESS_DENIED,
    access_hash,
)
from xinyong.casework import today_or as _today
from xinyong.lists.models import ListEntry
from xinyong.objections.models import (
    Objection,
    ObjectionStep,
    StepKind,
)
from xinyong.objections.rules import ObjectionRule, rule_on
from xinyong.records.models import CreditRecord


def _access_hash(number: str, code: str) -> str:
    return access_hash("objection", number, code)


class ObjectionError(ValueError):
    """An objection step is refused; the message says why, in Chinese."""


class AccessDenied(ObjectionError):
    """A tracking number and access code that do not match (always the same message)."""

    def __init__(self) -> None:
        super().__init__(ACCESS_DENIED)


@dataclass(frozen=True)
class Objector:
    """Who objects: name, how to reach them, and their ID number or 统一社会信用代码."""

    name: str
    code: str
    phone: str = ""
    email: str = ""


# -- small helpers ------------------------------------------------------------------------------


def rule_of(objection: Objection) -> ObjectionRule:
    return rule_on(objection.filed_on)


def is_overdue(objection: Objection, today: dt.date | None = None) -> bool:
    return (
        objection.is_open and objection.due_date is not None and objection.due_date < _today(today)
    )


def _new_number(day: dt.date) -> str:
    while True:
        number = f"YY{day:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not Objection.objects.filter(number=number).exists():
            return number


def _actor_name(actor: Any) -> str:
    if getattr(actor, "pk", None):
        return str(actor.get_username())
    if isinstance(actor, str):
        return actor
    return "异议人"


def _step(
    objection: Objection,
    kind: str,
    actor: Any,
    day: dt.date,
    note: str = "",
    *,
    visible: bool = True,
    due: dt.date | None = None,
    request: Any = None,
    action: str = AuditAction.UPDATE,
    detail: dict[str, Any] | None = None,
) -> ObjectionStep:
    """One step: kept on the objection and written to the audit log."""
    step = ObjectionStep.objects.create(
        objection=objection,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        day=day,
        note=note,
        due_date=due,
        visible_to_objector=visible,
        detail=detail or {},
    )
    audit(
        actor if actor is not None else "异议人",
        action,
        f"{objection}：{StepKind(kind).label}",
        obj=objection,
        reason=note,
        detail={"step": step.pk, "kind": kind, **(detail or {})},
        ip=client_ip(request),
    )
    return step


# -- targets ------------------------------------------------------------------------------------


def tied_entries(objection: Objection) -> QuerySet[ListEntry]:
    """The list entries whose measures an objection suspends: the entry itself, or the entries
    based on the objected record."""
    if objection.entry_id is not None:
        return ListEntry.objects.filter(pk=objection.entry_id)
    return ListEntry.objects.filter(record_id=objection.record_id)


def _target_public(record: CreditRecord | None, entry: ListEntry | None, day: dt.date) -> bool:
    if record is not None:
        return record.is_public_on(day)
    assert entry is not None
    return entry.public and entry.in_force_on(day)
