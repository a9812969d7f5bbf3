"""Writing to the audit log; every service that changes data or reads non-public data calls
``record``."""

from __future__ import annotations

from typing import Any

from xinyong.audit.models import AuditEvent


def record(
    actor: Any,
    action: str,
    summary: str,
    *,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
    user = actor if getattr(actor, "pk", None) else None
    if user is not None:
        actor_name = user.get_username()
    elif isinstance(actor, str):
        actor_name = actor
    elif getattr(actor, "is_anonymous", False):
        actor_name = "匿名访问者"
    else:
        actor_name = "系统"
    return AuditEvent.objects.create(
        actor=user,
        actor_name=actor_name,
        action=action,
        summary=summary[:500],
        object_type=object_type,
        object_id=str(object_id),
        reason=reason[:500],
        detail=detail or {},
        ip=ip,
    )


def client_ip(request: Any) -> str | None:
    """The client address of a request, for the audit log (the direct peer, never a header the
    client could forge)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_request(request: Any, action: str, summary: str, **kwargs: Any) -> AuditEvent:
    """``record`` with the actor and address taken from a request."""
    return record(getattr(request, "user", None), action, summary, ip=client_ip(request), **kwargs)
