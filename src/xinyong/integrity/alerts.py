"""预警 (R-GOV-3, issue 4 pt 4): a serious event raises a warning to the body and the credit office
as it arrives, with a working-day deadline; which kinds and how long is the model's data.

A warning closes when the body reports how it dealt with it, or by itself when its event is
rectified or repaired. Operators see every warning; a department sees its own body's.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record
from xinyong.casework import due_after
from xinyong.departments.permissions import scope_to_user
from xinyong.integrity.model import Model
from xinyong.integrity.models import IntegrityEvent, Warning, WarningStatus
from xinyong.integrity.services import IntegrityError

__all__ = ["close_warning", "on_event", "rule_text", "visible_warnings"]


def rule_text(model: Model, kind: str) -> str:
    """The published rule behind a warning, with the model's figures."""
    return (
        f"{model.version}版评价模型：“{model.kinds[kind]}”事件一经录入即向该单位和信用办预警，"
        f"限{model.warnings[kind]}个工作日内处置"
    )


def on_event(event: IntegrityEvent, model: Model, actor: Any = None) -> Warning | None:
    """Raise the event's warning once; follow the event when it is cleared (rectified or
    repaired), withdrawn, or corrected to another body or kind."""
    cleared = event.rectified_on or event.repaired_on
    existing = Warning.objects.filter(event=event).first()
    if existing is not None:
        if existing.status != WarningStatus.OPEN:
            return existing
        if event.withdrawn_on is not None:
            _close(existing, event.withdrawn_on, f"触发事件已撤销：{event.withdraw_reason}", None)
        elif cleared:
            _close(existing, cleared, "触发事件已整改或修复，预警自动解除", None)
        elif event.kind not in model.warnings:
            _close(existing, timezone.localdate(), "触发事件已更正，不再属于预警类别", None)
        elif (existing.body_id, existing.kind) != (event.body_id, event.kind):
            existing.body, existing.kind = event.body, event.kind
            existing.title = _title(event, model)
            existing.rule = rule_text(model, event.kind)
            existing.save(update_fields=["body", "kind", "title", "rule"])
            record(actor, AuditAction.UPDATE, f"预警随事件更正：{existing.title}", obj=existing)
            _notify(existing, model)
        return existing
    if event.withdrawn_on is not None or event.kind not in model.warnings or cleared:
        return None
    today = timezone.localdate()
    body = event.body
    warning = Warning.objects.create(
        body=body,
        event=event,
        kind=event.kind,
        title=_title(event, model),
        rule=rule_text(model, event.kind),
        raised_on=today,
        deadline=due_after(today, model.warnings[event.kind]),
    )
    record(actor, AuditAction.CREATE, f"政务诚信预警：{warning.title}", obj=warning)
    _notify(warning, model)
    return warning


def _title(event: IntegrityEvent, model: Model) -> str:
    return f"{event.body.name}：{model.kinds[event.kind]}（{event.event_date:%Y-%m-%d}）"


def _notify(warning: Warning, model: Model) -> None:
    """The body's platform department hears of the warning in its inbox (and webhooks) —
    inside the event's transaction: the notice exists exactly when the warning does."""
    body = warning.body
    if body.department_id is None:
        return
    from xinyong.jrp.notify import notify_department

    deadline = (
        warning.deadline.isoformat() if warning.deadline else "（期限待节假日安排录入后计算）"
    )
    notify_department(
        body.department_id,
        "integrity_warning",
        f"政务诚信预警：{model.kinds[warning.kind]}",
        f"{warning.title}。{warning.rule}，处置期限{deadline}。",
        subject=body.subject,
        link=f"/office/integrity/warnings/{warning.pk}/",
        data={"warning": warning.pk, "event": warning.event_id},
    )


def _close(warning: Warning, day: datetime.date, response: str, actor: Any) -> None:
    warning.status = WarningStatus.CLOSED
    warning.closed_on = day
    warning.response = response
    warning.closed_by = actor if getattr(actor, "pk", None) else None
    warning.save(update_fields=["status", "closed_on", "response", "closed_by"])
    record(actor, AuditAction.UPDATE, f"预警已处置：{warning.title}", obj=warning, reason=response)


def visible_warnings(user: Any) -> QuerySet[Warning]:
    """Warnings the user may see: all for operators, its own body's for a department."""
    return scope_to_user(
        user, Warning.objects.select_related("body", "event"), field="body__department"
    )


def close_warning(warning: Warning, response: str, actor: Any) -> Warning:
    """The body (or the credit office) reports how the warning was dealt with."""
    if not visible_warnings(actor).filter(pk=warning.pk).exists():
        raise IntegrityError("无权处置该预警：只能处置本单位的预警")
    if warning.status != WarningStatus.OPEN:
        raise IntegrityError("该预警已处置")
    response = response.strip()
    if not response:
        raise IntegrityError("请填写处置情况")
    with transaction.atomic():
        _close(warning, timezone.localdate(), response, actor)
    return warning
