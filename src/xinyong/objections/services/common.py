"""Errors, rules and the step log shared by the objection services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from xinyong import casework
from xinyong.audit.models import AuditAction
from xinyong.lists.models import ListEntry
from xinyong.objections.models import Objection, ObjectionStep
from xinyong.objections.rules import ObjectionRule, rule_on
from xinyong.records.models import CreditRecord


class ObjectionError(casework.CaseError):
    """An objection step is refused; the message says why, in Chinese."""


class AccessDenied(casework.CaseAccessDenied, ObjectionError):
    """A tracking number and access code that do not match (always the same message)."""


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


def _actor_name(actor: Any) -> str:
    if getattr(actor, "pk", None):
        return str(actor.get_username())
    if isinstance(actor, str):
        return actor
    return Objection.filer


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
    """One step, named after the staff member who took it; ``visible``: to the objector."""
    step: ObjectionStep = casework.log_step(
        ObjectionStep,
        objection,
        kind,
        actor,
        day,
        note,
        actor_name=_actor_name(actor),
        audit_as=actor if actor is not None else Objection.filer,
        due=due,
        request=request,
        action=action,
        audit_detail=detail or {},
        visible_to_objector=visible,
        detail=detail or {},
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
