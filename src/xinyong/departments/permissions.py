"""Who may act for which department (R-SEC-1), and the record of every refusal (R-SEC-2).

One rule everywhere: an operator of the credit office (信用办) acts for every department; a
department submitter (部门报送员) only for its own, active department. Services call
``ensure_can_act_for`` before changing or reading a department's data, and scope their queries
with ``visible_departments`` / ``scope_to_user``::

    ensure_can_act_for(request.user, batch.department, request=request, what="撤销记录")
    records = scope_to_user(request.user, CreditRecord.objects.all())

A refusal raises ``PermissionDenied`` (a ``django.core.exceptions.PermissionDenied``) whose
message says why, in Chinese, and writes an audit event with action ``denied``. The API turns it
into ``403 {"code": "forbidden", "message": …}``; Django views into a 403 page.

Call the check before opening a transaction where possible: an audit row written inside a
transaction that is later rolled back is lost. The API's 403 handler re-records a denial whose
event was rolled back (``ensure_denial_recorded``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.audit.services import client_ip, record
from xinyong.departments.models import Department

__all__ = [
    "PermissionDenied",
    "can_act_for",
    "ensure_can_act_for",
    "ensure_denial_recorded",
    "ensure_operator",
    "refuse",
    "scope_to_user",
    "visible_departments",
]


class PermissionDenied(DjangoPermissionDenied):
    """An action was refused; ``message`` (also ``str(exc)``) says why, in Chinese."""

    code = "forbidden"

    def __init__(
        self,
        message: str,
        *,
        event: AuditEvent | None = None,
        audit: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        #: the audit event written for this refusal
        self.event = event
        #: what was written, to write it again if the transaction holding ``event`` rolled back
        self.audit = audit or {}

    def __str__(self) -> str:
        return self.message


def _is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _refusal(user: Any, department: Department | None) -> str | None:
    """Why ``user`` may not act for ``department``, or None when it may."""
    if not _is_authenticated(user):
        return "请先登录"
    if not user.is_active:
        return "您的账号已停用"
    if user.is_operator:
        return None
    own = user.department
    if own is None:
        target = f"“{department.name}”的数据" if department is not None else "部门数据"
        return f"您的账号未关联部门，无权操作{target}"
    if not own.is_active:
        return f"您所属的“{own.name}”已停用，不能再操作数据"
    if department is None:
        return f"未指定部门，您（“{own.name}”）无法操作这些数据"
    if own.pk != department.pk:
        return f"您属于“{own.name}”，无权操作“{department.name}”的数据"
    return None


def can_act_for(user: Any, department: Department | None) -> bool:
    """Whether ``user`` may act for ``department`` (no audit event; for showing or hiding)."""
    return _refusal(user, department) is None


def _deny(
    user: Any,
    message: str,
    *,
    department: Department | None = None,
    what: str = "",
    request: Any = None,
    detail: dict[str, Any] | None = None,
) -> PermissionDenied:
    own = getattr(user, "department", None) if _is_authenticated(user) else None
    audit: dict[str, Any] = {
        "actor": user,
        "action": AuditAction.DENIED,
        "summary": f"{what}：{message}" if what else message,
        "detail": {
            "what": what,
            "user_department": own.name if own is not None else None,
            "target_department": department.name if department is not None else None,
            **(detail or {}),
        },
        "ip": client_ip(request),
    }
    if department is not None:
        audit["obj"] = department
    if request is not None and getattr(request, "path", None):
        audit["detail"]["path"] = request.path
        audit["detail"]["method"] = request.method
    event = record(**audit)
    return PermissionDenied(message, event=event, audit=audit)


def refuse(
    user: Any,
    message: str,
    *,
    department: Department | None = None,
    what: str = "",
    request: Any = None,
) -> PermissionDenied:
    """A ``PermissionDenied`` for a rule of a capability (audited like every refusal)."""
    return _deny(user, message, department=department, what=what, request=request)


def ensure_can_act_for(
    user: Any, department: Department | None, *, what: str = "", request: Any = None
) -> None:
    """Raise ``PermissionDenied`` (and audit the refusal) unless ``user`` may act for
    ``department``.

    ``what`` names the attempted action for the log ("上传批次", "撤销记录" …); ``request``
    adds the client address and path.
    """
    message = _refusal(user, department)
    if message is not None:
        raise _deny(user, message, department=department, what=what, request=request)


def ensure_operator(user: Any, *, what: str = "", request: Any = None) -> None:
    """Raise ``PermissionDenied`` (and audit it) unless ``user`` is an active operator."""
    if not _is_authenticated(user):
        message = "请先登录"
    elif not user.is_active:
        message = "您的账号已停用"
    elif not user.is_operator:
        message = f"只有信用办管理员可以{what or '执行此操作'}"
    else:
        return
    raise _deny(user, message, what=what, request=request)


def ensure_denial_recorded(exc: BaseException) -> None:
    """Write the audit event of a refusal again if its transaction was rolled back."""
    if not isinstance(exc, PermissionDenied) or exc.event is None or not exc.audit:
        return
    event = exc.event
    still_there = AuditEvent.objects.filter(
        pk=event.pk, action=AuditAction.DENIED, summary=event.summary, at=event.at
    ).exists()
    if not still_there:
        exc.event = record(**exc.audit)


def visible_departments(user: Any) -> QuerySet[Department]:
    """The departments whose data ``user`` may see: all for an operator, its own (while
    active, as in ``ensure_can_act_for``) for a submitter, none for anyone else."""
    if not _is_authenticated(user) or not user.is_active:
        return Department.objects.none()
    if user.is_operator:
        return Department.objects.all()
    if user.department_id is None:
        return Department.objects.none()
    return Department.objects.filter(pk=user.department_id, is_active=True)


def scope_to_user(user: Any, queryset: QuerySet[Any], field: str = "department") -> QuerySet[Any]:
    """Restrict ``queryset`` to rows whose ``field`` (a Department foreign key) ``user`` sees."""
    if _is_authenticated(user) and user.is_active and user.is_operator:
        return queryset
    return queryset.filter(**{f"{field}__in": visible_departments(user)})
