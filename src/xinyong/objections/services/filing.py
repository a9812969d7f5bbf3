"""Filing an objection, the objector's access, the staff queue and the portal markers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from xinyong import casework
from xinyong.audit.models import AuditAction
from xinyong.casework import due_after as _due
from xinyong.casework import today_or as _today
from xinyong.core import ric, uscc
from xinyong.departments.permissions import PermissionDenied, ensure_operator, scope_to_user
from xinyong.lists.models import ListEntry
from xinyong.objections.models import (
    OPEN_STATUSES,
    Channel,
    CorrectionNotice,
    Material,
    Objection,
    ObjectionQuerySet,
    ObjectionStep,
    Status,
    StepKind,
)
from xinyong.objections.rules import rule_on
from xinyong.objections.services.common import (
    AccessDenied,
    ObjectionError,
    Objector,
    _step,
    _target_public,
)
from xinyong.records.models import CreditRecord, RecordStatus
from xinyong.subjects.identity import pii_box


def portal_refusal(
    record: CreditRecord | None = None,
    entry: ListEntry | None = None,
    today: dt.date | None = None,
) -> str | None:
    """Why the public may not object to this on the portal today, or None when it may.

    Only what is on public display can be objected to from the portal — including on the last
    day of its publicity period. Afterwards the credit office can still register an objection
    for the subject (``file_objection`` with an operator).
    """
    if not _target_public(record, entry, _today(today)):
        return (
            "该信息已不在公示期内，不能在网站上提出异议；如仍有异议，请持身份证明到信用办提出，"
            "由信用办代为登记"
        )
    return None


def _route(record: CreditRecord | None, entry: ListEntry | None) -> tuple[Any, str]:
    """The department that verifies (核查), and a note when it is the credit office."""
    if record is not None:
        return record.department, f"转{record.department.name}核查（信息提供单位）"
    assert entry is not None
    list_def = entry.definition
    if list_def.scope == "national" or entry.department_id is None:
        authority = list_def.authority or entry.authority_name or "认定机关"
        return None, (
            f"“{list_def.name}”为全国名单，由{authority}依法认定：信用办核对本平台导入的信息，"
            f"名单本身的异议由异议人向{authority}提出，由{authority}决定"
        )
    department = entry.department
    assert department is not None
    return department, f"转{department.name}核查（认定部门）"


def _check_objector(objector: Objector) -> tuple[str, str, str]:
    """The objector's code as (keyed hash, cipher, masked form), or an ObjectionError."""
    name = objector.name.strip()
    if not name:
        raise ObjectionError("请填写异议人姓名或名称")
    if len(name) > 200:
        raise ObjectionError("异议人姓名或名称过长（最多200个字符）")
    problem = casework.contact_problem(objector.phone.strip(), objector.email.strip())
    if problem:
        raise ObjectionError(problem)
    code = objector.code.strip().upper().replace(" ", "")
    if not code:
        raise ObjectionError("请填写异议人的身份证号码或统一社会信用代码")
    box = pii_box()
    if len(code) == 18 and uscc.is_valid(code) and not ric.is_valid(code):
        return box.lookup_hash(code), box.encrypt(code), code
    if ric.is_valid(code):
        number = ric.compact(code)
        return box.lookup_hash(number), box.encrypt(number), ric.mask(number)
    if uscc.is_valid(code):
        return box.lookup_hash(code), box.encrypt(code), code
    raise ObjectionError("身份证号码或统一社会信用代码无效，请核对后重新填写")


# -- filing -------------------------------------------------------------------------------------


def file_objection(
    *,
    objector: Objector,
    reasons: str,
    record: CreditRecord | None = None,
    entry: ListEntry | None = None,
    requested: str = "",
    uploads: Sequence[Any] = (),
    user: Any = None,
    today: dt.date | None = None,
    request: Any = None,
) -> tuple[Objection, str]:
    """File an objection on exactly one record or list entry; returns it and its access code.

    Without ``user`` it is a portal filing (the target must be on public display today); with
    ``user`` an operator registers it for the subject, public or not. Bad input raises
    ``ObjectionError`` (or ``xinyong.uploads.MaterialError``) and stores nothing.
    """
    day = _today(today)
    if (record is None) == (entry is None):
        raise ObjectionError("异议须针对一条信用记录或一个名单条目")
    if user is not None:
        ensure_operator(user, what="代为登记异议", request=request)
        channel = Channel.OFFICE
    else:
        channel = Channel.PORTAL
        refusal = portal_refusal(record, entry, day)
        if refusal:
            raise ObjectionError(refusal)
    if record is not None and record.status == RecordStatus.REVOKED:
        raise ObjectionError("该记录已撤销，无需提出异议")
    reasons, requested = reasons.strip(), requested.strip()
    if len(reasons) < 5:
        raise ObjectionError("请写明异议理由（不少于5个字）")
    if len(reasons) > 5000 or len(requested) > 5000:
        raise ObjectionError("异议理由或请求更正的内容过长（各最多5000字）")
    code_hash, cipher, masked = _check_objector(objector)
    rule = rule_on(day)
    department, note = _route(record, entry)
    subject = record.subject if record is not None else entry.subject if entry else None
    due = _due(day, rule.steps["accept"])
    actor: Any = user if user is not None else getattr(request, "user", None)
    with casework.filing(
        Objection,
        Material,
        day=day,
        rule=rule,
        uploads=uploads,
        record=record,
        entry=entry,
        subject=subject,
        department=department,
        routing_note=note,
        channel=channel,
        filed_by=user if getattr(user, "pk", None) else None,
        objector_name=objector.name.strip(),
        objector_phone=objector.phone.strip(),
        objector_email=objector.email.strip(),
        objector_code_hash=code_hash,
        objector_code_cipher=cipher,
        objector_code_masked=masked,
        reasons=reasons,
        requested=requested,
        target_public=_target_public(record, entry, day),
        stage_started=day,
        due_date=due,
    ) as filed:
        objection = filed.case
        how = "信用办代为登记" if user is not None else "在门户网站提交"
        _step(
            objection,
            StepKind.FILE,
            actor if user is not None else Objection.filer,
            day,
            f"{how}异议，附材料{filed.materials}份；信用办应在{rule.steps['accept']}个工作日内"
            f"决定是否受理",
            due=due,
            request=request,
            action=AuditAction.CREATE,
            detail={"channel": channel, "target_public": objection.target_public},
        )
        if rule.suspend_from == "filing":
            from xinyong.objections.services.workflow import _suspend

            _suspend(objection, actor, day, request)
    return objection, filed.code


# -- the objector's view ------------------------------------------------------------------------


def check_access(number: str, code: str, request: Any = None) -> Objection:
    """The objection a tracking number and access code open (``casework.open_case``)."""
    return casework.open_case(Objection, number, code, request, AccessDenied)


def visible_steps(objection: Objection) -> list[ObjectionStep]:
    return list(objection.steps.filter(visible_to_objector=True).order_by("at", "id"))


# -- staff: queue and access --------------------------------------------------------------------


def queue_for(user: Any) -> ObjectionQuerySet:
    """The objections a staff member handles: all for an operator, its own department's for a
    department user (from acceptance on; a filing not yet accepted is the credit office's)."""
    qs = Objection.objects.select_related("record", "entry", "department", "subject")
    if getattr(user, "is_operator", False) and user.is_active:
        return qs
    scoped = cast(ObjectionQuerySet, scope_to_user(user, qs))
    return scoped.exclude(status__in=[Status.SUBMITTED, Status.REFUSED])


def ensure_can_view(user: Any, objection: Objection, request: Any = None) -> None:
    """Operators see every objection; a department only those routed to it (403 + audit),
    once accepted."""
    as_department = casework.ensure_staff_can_view(user, objection, request)
    if as_department and objection.status in (Status.SUBMITTED, Status.REFUSED):
        raise PermissionDenied(f"{objection}尚未受理转办，暂不能查看")


# -- suspension (R-JRP-4) -----------------------------------------------------------------------


def _shown_statuses(today: dt.date) -> list[str]:
    statuses: list[str] = [Status.VERIFYING, Status.ANSWERED]
    if rule_on(today).suspend_from == "filing":
        statuses.append(Status.SUBMITTED)
    return statuses


def record_under_objection(record: CreditRecord, today: dt.date | None = None) -> bool:
    """Whether the portal shows “异议处理中” on a record (an accepted objection is open)."""
    return Objection.objects.filter(
        record=record, status__in=_shown_statuses(_today(today))
    ).exists()


def notices_for_record(
    record: CreditRecord, today: dt.date | None = None
) -> list[CorrectionNotice]:
    return list(CorrectionNotice.objects.shown(_today(today)).filter(record=record))


def notices_for_subject(subject: Any, today: dt.date | None = None) -> list[CorrectionNotice]:
    return list(CorrectionNotice.objects.shown(_today(today)).filter(subject=subject))


# -- reminders ----------------------------------------------------------------------------------


def open_for_target(record: CreditRecord | None = None, entry: ListEntry | None = None) -> bool:
    """Whether an objection on this record or entry is still being handled."""
    qs = Objection.objects.filter(status__in=OPEN_STATUSES)
    if record is not None:
        return qs.filter(record=record).exists()
    return qs.filter(entry=entry).exists()
