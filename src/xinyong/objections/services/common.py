"""Errors, deadlines and the step log shared by the objection services."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip
from xinyong.audit.services import record as audit
from xinyong.core.workdays import ScheduleMissing
from xinyong.lists.models import ListEntry
from xinyong.objections.models import (
    Objection,
    ObjectionStep,
    StepKind,
)
from xinyong.objections.rules import ObjectionRule, rule_on
from xinyong.records.models import CreditRecord
from xinyong.workdays.services import get_calendar

#: The answer every failed progress lookup gets, whatever was wrong.
ACCESS_DENIED = "受理编号或查询码不正确"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


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


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def rule_of(objection: Objection) -> ObjectionRule:
    return rule_on(objection.filed_on)


def _due(start: dt.date, days: int) -> dt.date | None:
    try:
        return get_calendar().add(start, days)
    except ScheduleMissing:
        return None


def countdown(due: dt.date | None, today: dt.date | None = None) -> str:
    """The deadline as staff and objectors see it: 剩余N个工作日 / 今日到期 / 已超期N个工作日."""
    if due is None:
        return "期限暂无法计算（该年度节假日安排尚未录入）"
    day = _today(today)
    try:
        if day <= due:
            left = get_calendar().between(day, due)
            return f"剩余{left}个工作日" if left > 0 else "今日到期"
        late = get_calendar().between(due, day)
    except ScheduleMissing:
        return f"期限{due:%Y-%m-%d}"
    return f"已超期{late}个工作日" if late > 0 else f"已超过期限（{due:%Y-%m-%d}）"


def is_overdue(objection: Objection, today: dt.date | None = None) -> bool:
    return (
        objection.is_open and objection.due_date is not None and objection.due_date < _today(today)
    )


def _access_hash(number: str, code: str) -> str:
    key = hashlib.sha256(("xinyong-objection-access:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{number}:{code}".encode(), hashlib.sha256).hexdigest()


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


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
