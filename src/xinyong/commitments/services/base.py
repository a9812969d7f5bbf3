"""Errors, inputs and helpers shared by the commitment services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from xinyong.audit.services import client_ip
from xinyong.audit.services import record as audit
from xinyong.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentStatus,
)
from xinyong.core import ric, uscc
from xinyong.core.exceptions import InvalidCode
from xinyong.departments.models import User
from xinyong.departments.permissions import ensure_can_act_for, scope_to_user
from xinyong.subjects.identity import KIND_BY_LABEL, SubjectRef
from xinyong.subjects.models import Subject, SubjectKind

#: The catalog type a breach becomes (catalog/data/xycn.yaml).

BREACH_TYPE = "xycn"
#: Statuses from which nothing changes any more.
CLOSED = (CommitmentStatus.WITHDRAWN,)


class CommitmentError(ValueError):
    """A commitment action is refused for a reason the user can fix; ``message`` in Chinese."""

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class SubjectInput:
    """Who makes the commitment, as typed at the counter or sent by a system.

    ``kind`` is a 行政相对人类别 label (法人及非法人组织 / 个体工商户 / 自然人) or a SubjectKind
    value.
    Organisations are identified by their 统一社会信用代码, natural persons by ID number.
    """

    name: str
    kind: str = "法人及非法人组织"
    code: str = ""
    id_number: str = ""

    def ref(self) -> SubjectRef:
        name = (self.name or "").strip()
        if not name:
            raise CommitmentError("请填写承诺主体名称")
        kind = KIND_BY_LABEL.get(self.kind.strip(), None) or (
            self.kind if self.kind in SubjectKind.values else None
        )
        if kind is None:
            raise CommitmentError(
                f"主体类别“{self.kind}”未知（可选：法人及非法人组织、个体工商户、自然人）"
            )
        if kind == SubjectKind.NATURAL:
            try:
                number = ric.validate(ric.compact(self.id_number or ""))
            except InvalidCode as exc:
                raise CommitmentError(f"身份证号码无效：{exc.message}") from None
            if len(number) == 15:
                number = ric.to_18(number)  # one person, one subject (R-ID-1)
            return SubjectRef(kind, name, id_number=number)
        code = uscc.clean(self.code or "")
        try:
            code = uscc.validate(code)
        except InvalidCode as exc:
            raise CommitmentError(f"统一社会信用代码“{self.code}”无效：{exc.message}") from None
        if kind == SubjectKind.LEGAL and code.startswith("11"):
            kind = SubjectKind.GOVERNMENT
        return SubjectRef(kind, name, uscc=code)


# -- helpers ----------------------------------------------------------------------------------


def actor_name(actor: Any) -> str:
    if getattr(actor, "pk", None):
        return str(actor.get_username())
    return actor if isinstance(actor, str) else "匿名访问者"


def user_of(actor: Any) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def add_event(
    commitment: Commitment,
    kind: str,
    actor: Any,
    note: str = "",
    before: str = "",
    when: dt.datetime | None = None,
) -> CommitmentEvent:
    return CommitmentEvent.objects.create(
        commitment=commitment,
        kind=kind,
        at=when or timezone.now(),
        actor=user_of(actor),
        actor_name=actor_name(actor),
        status_before=before,
        status_after=commitment.status,
        note=note[:2000],
    )


def audit_event(
    actor: Any,
    action: str,
    summary: str,
    commitment: Commitment,
    request: Any = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    audit(
        actor,
        action,
        summary,
        obj=commitment,
        reason=reason,
        detail={"number": commitment.number, **(detail or {})},
        ip=client_ip(request),
    )


def ensure_department(actor: Any, commitment: Commitment, what: str, request: Any) -> None:
    """The department that accepted the commitment, or an operator; refusals are audited."""
    ensure_can_act_for(
        actor, commitment.department, what=f"{what}（{commitment.number}）", request=request
    )


def subject_code(subject: Subject) -> str:
    """The code as the commitment text and public pages show it (ID numbers masked)."""
    return subject.public_code or "—"


def visible_commitments(user: Any) -> QuerySet[Commitment]:
    """Commitments ``user`` may see in the office: all for an operator, its department's else."""
    qs = Commitment.objects.select_related("subject", "department", "record")
    return scope_to_user(user, qs)


def find(user: Any, number: str) -> Commitment:
    """A commitment by number among those ``user`` may see; DoesNotExist otherwise."""
    return visible_commitments(user).get(number=number)


def new_number(commitment: Commitment) -> str:
    return f"CN{commitment.signed_date.year}{commitment.pk:08d}"
