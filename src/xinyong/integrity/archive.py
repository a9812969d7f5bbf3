"""The integrity archive (政务诚信档案, R-GOV-1): the one way an event enters or changes.

Every channel — a department's form or file through the collection pipeline, the arrears
ledger, complaints, the court list, a public commitment's fulfilment, a reviewed internet item
— calls :func:`add_event`; so every event is checked against the model in force, audited, and
raises its warning (预警) and its dishonest-body item (失信事项) the moment it arrives. Events made
by another part of the platform carry an ``origin`` (``arrear:12``): adding the same origin
again updates the event instead of counting it twice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record
from xinyong.core import ric
from xinyong.departments.models import Department
from xinyong.integrity.model import LEVELS
from xinyong.integrity.models import GovBody, IntegrityEvent, SourceChannel
from xinyong.integrity.services import IntegrityError, mask_name, model_for
from xinyong.subjects.models import Subject, SubjectKind

__all__ = ["KEEP", "Keep", "add_event", "body_for", "clear_event", "remove_event"]


class Keep:
    """Leave a date of an existing event as it is (see :func:`add_event`)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()


def body_for(
    *, subject: Subject | None = None, department: Department | None = None, code: str = ""
) -> GovBody | None:
    """The body under evaluation for a subject, a platform department, or a credit code."""
    qs = GovBody.objects.select_related("subject")
    if subject is not None:
        return qs.filter(subject=subject).first()
    if department is not None:
        return (
            qs.filter(department=department).first()
            or qs.filter(subject__uscc=department.code).first()
        )
    if code:
        return qs.filter(subject__uscc=code.strip().upper()).first()
    return None


def add_event(
    body: GovBody,
    kind: str,
    day: datetime.date,
    *,
    channel: str,
    source_doc: str = "",
    level: str = "",
    note: str = "",
    origin: str = "",
    item: str = "",
    points: Decimal | None = None,
    rectified_on: datetime.date | Keep | None = KEEP,
    repaired_on: datetime.date | Keep | None = KEEP,
    person: Subject | None = None,
    person_role: str = "",
    actor: Any = None,
) -> IntegrityEvent:
    """Record one archive event (or update the event of the same ``origin``).

    ``person``: the civil servant the event is about (a natural-person subject), with
    ``person_role`` (职务); the event still counts for ``body`` (see IntegrityEvent.person).
    Their full name and any ID number are masked in the note, which the body's own pages show.

    ``rectified_on`` / ``repaired_on`` left out keep what the event has: a register that does
    not own a date (the arrears ledger owns repayment, not a rectification the credit office
    confirmed) never wipes it. An origin that was withdrawn and comes back counts again.

    Refused with a Chinese message, changing nothing: a kind or item the model in force on
    ``day`` does not know, an honour without its level, an unknown channel, a future date,
    a person who is not a natural person."""
    model = model_for(day)
    if kind not in model.kinds:
        raise IntegrityError(f"事件类别“{kind}”不在{model.version}版评价模型中")
    if item and item not in model.items:
        raise IntegrityError(f"监测事项“{item}”不在{model.version}版评价模型中")
    if channel not in SourceChannel.values:
        raise IntegrityError(f"信息来源“{channel}”未知（可选：{'、'.join(SourceChannel.values)}）")
    target = model.items.get(item) or model.item_for_kind.get(kind)
    if level and level not in LEVELS:
        raise IntegrityError(f"级别“{level}”未知（可选：{'、'.join(LEVELS)}）")
    if target is not None and target.honour and not level:
        raise IntegrityError(f"“{model.kinds[kind]}”须注明级别（{'、'.join(LEVELS)}）")
    if day > datetime.date.today() + datetime.timedelta(days=1):
        raise IntegrityError(f"发生日期{day}晚于今天")
    if person is not None and (person.pk is None or person.kind != SubjectKind.NATURAL):
        raise IntegrityError(f"“{person.name}”不是自然人主体，不能作为公职人员记入政务诚信档案")
    if person is None and person_role.strip():
        raise IntegrityError("填写了职务但未指明公职人员")
    note = ric.mask_in_text(note)
    if person is not None and person.name:
        note = note.replace(person.name, mask_name(person.name))
    fields: dict[str, Any] = {
        "body": body,
        "item": item,
        "kind": kind,
        "event_date": day,
        "level": level,
        "channel": channel,
        "source_doc": source_doc[:300],
        "points": points,
        "note": note[:500],
        "person": person,
        "person_role": person_role.strip()[:100],
    }
    for key, when in (("rectified_on", rectified_on), ("repaired_on", repaired_on)):
        if not isinstance(when, Keep):
            fields[key] = when
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        event = (
            IntegrityEvent.objects.select_for_update().filter(origin=origin).first()
            if origin
            else None
        )
        if event is not None:
            if event.withdrawn_on is not None:
                fields["withdrawn_on"], fields["withdraw_reason"] = None, ""
            changed = {k: v for k, v in fields.items() if getattr(event, k) != v}
            if not changed:
                return event
            for key, new in changed.items():
                setattr(event, key, new)
            event.save(update_fields=list(changed))
            record(
                actor,
                AuditAction.UPDATE,
                f"更新{body.name}政务诚信事件：{model.kinds[kind]}（{origin}）",
                obj=event,
                detail={"fields": sorted(changed)},
            )
        else:
            event = IntegrityEvent.objects.create(**fields, origin=origin, created_by=user)
            record(
                actor,
                AuditAction.CREATE,
                f"记入{body.name}政务诚信档案：{model.kinds[kind]}（{day}）",
                obj=event,
                detail={"origin": origin} if origin else None,
            )
        _after(event, model, actor)
    return event


def clear_event(
    event: IntegrityEvent,
    *,
    rectified_on: datetime.date | None = None,
    repaired_on: datetime.date | None = None,
    actor: Any = None,
) -> IntegrityEvent:
    """Mark an event rectified (整改完成) or repaired (信用修复); negatives of the items that
    stop on repair stop counting from the next month, and the body's dishonest item closes."""
    if rectified_on is None and repaired_on is None:
        raise IntegrityError("请填写整改完成日期或信用修复日期")
    for when in (rectified_on, repaired_on):
        if when is not None and when < event.event_date:
            raise IntegrityError(f"整改或修复日期{when}早于事件发生日期{event.event_date}")
    with transaction.atomic():
        if rectified_on is not None:
            event.rectified_on = rectified_on
        if repaired_on is not None:
            event.repaired_on = repaired_on
        event.save(update_fields=["rectified_on", "repaired_on"])
        record(
            actor,
            AuditAction.UPDATE,
            f"{event.body.name}政务诚信事件整改/修复："
            + (f"整改完成{rectified_on}" if rectified_on else f"信用修复{repaired_on}"),
            obj=event,
        )
        _after(event, model_for(event.event_date), actor)
    return event


def remove_event(origin: str, reason: str, *, actor: Any = None) -> bool:
    """Withdraw the event of ``origin`` (its source was revoked, disputed or corrected).

    The event stays in the archive, marked withdrawn with the reason, and no longer counts in
    any month evaluated (or re-run) afterwards; its open warning closes and its dishonesty item
    is voided ("撤销", not "整改"), ending an escalation it caused. Withdrawing twice changes
    nothing; False when there is no such event or it was already withdrawn."""
    with transaction.atomic():
        event = (
            IntegrityEvent.objects.select_for_update()
            .filter(origin=origin, withdrawn_on__isnull=True)
            .select_related("body")
            .first()
        )
        if event is None:
            return False
        event.withdrawn_on = timezone.localdate()
        event.withdraw_reason = reason[:300]
        event.save(update_fields=["withdrawn_on", "withdraw_reason"])
        record(
            actor,
            AuditAction.UPDATE,
            f"撤销{event.body.name}政务诚信事件（{origin}），不再计分",
            obj=event,
            reason=reason,
        )
        _after(event, model_for(event.event_date), actor)
    return True


def _after(event: IntegrityEvent, model: Any, actor: Any) -> None:
    """Warnings and dishonest items follow every event as it arrives or changes."""
    from xinyong.integrity import alerts, dishonest

    alerts.on_event(event, model, actor)
    dishonest.on_event(event, model, actor)
