"""Complaints (投诉受理, R-GOV-5): filing, assignment, answer, closing, progress, monitoring.

The flow, with the working-day deadlines of ``data/complaints.yaml`` (the rule in force on the
filing day)::

    file ──► 待转办 ──assign──► 办理中 ──answer──► 已答复 ──close──► 已办结（属实 / 不属实）

* ``file_complaint`` — an enterprise on the portal (name and 统一社会信用代码 checked), about a
  department or a government body; it gets a tracking number and an access code (shown once,
  stored only as an HMAC) to follow the progress.
* ``assign`` — the credit office, within ``steps.assign`` working days, to the responsible body.
* ``answer`` — the responsible body (its staff, or the credit office), within ``steps.answer``.
* ``close`` — the credit office, within ``steps.close``: substantiated or not, with reasons.

Every step is a ``ComplaintStep`` (all shown to the complainant) and an audit event.
``complaints_for_month`` gives each body's complaints of a month (a statement); monitoring
reads the integrity archive, to which a substantiated complaint is added when it is closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.db.models import Q

from xinyong import casework
from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip
from xinyong.audit.services import record as audit
from xinyong.complaints.models import (
    Category,
    Complaint,
    ComplaintMaterial,
    ComplaintQuerySet,
    ComplaintStep,
    Finding,
    Status,
    StepKind,
)
from xinyong.complaints.rules import ComplaintRule, rule_on
from xinyong.core import uscc
from xinyong.departments.models import Department
from xinyong.departments.permissions import ensure_can_act_for, ensure_operator, scope_to_user
from xinyong.subjects.models import Subject, SubjectKind

__all__ = [
    "ACCESS_DENIED",
    "AccessDenied",
    "Complainant",
    "ComplaintError",
    "MonthCount",
    "answer",
    "assign",
    "check_access",
    "close",
    "complaints_for_month",
    "countdown",
    "ensure_can_view",
    "file_complaint",
    "is_overdue",
    "queue_for",
    "rule_of",
]

from xinyong.casework import ACCESS_DENIED, countdown, is_overdue
from xinyong.casework import due_after as _due
from xinyong.casework import today_or as _today


class ComplaintError(casework.CaseError):
    """A complaint step is refused; the message says why, in Chinese."""


class AccessDenied(casework.CaseAccessDenied, ComplaintError):
    """A tracking number and access code that do not match (always the same message)."""


@dataclass(frozen=True)
class Complainant:
    """The complaining enterprise and whom to contact."""

    name: str
    uscc: str
    contact: str
    phone: str = ""
    email: str = ""


# -- helpers ------------------------------------------------------------------------------------


def rule_of(complaint: Complaint) -> ComplaintRule:
    return rule_on(complaint.filed_on)


def _unit_name(actor: Any) -> str:
    """Who acted, as the complainant sees it: the unit, never a staff member's account."""
    if getattr(actor, "pk", None):
        if getattr(actor, "is_operator", False):
            return "信用办"
        department = getattr(actor, "department", None)
        return department.name if department is not None else "信用办"
    return Complaint.filer


def _step(
    complaint: Complaint,
    kind: str,
    actor: Any,
    day: dt.date,
    note: str,
    *,
    due: dt.date | None = None,
    request: Any = None,
    action: str = AuditAction.UPDATE,
) -> ComplaintStep:
    """One step, shown to the complainant as done by the unit, never a staff member."""
    step: ComplaintStep = casework.log_step(
        ComplaintStep,
        complaint,
        kind,
        actor,
        day,
        note,
        actor_name=_unit_name(actor),
        audit_as=actor if getattr(actor, "pk", None) else Complaint.filer,
        due=due,
        request=request,
        action=action,
        audit_detail={"status": complaint.status},
    )
    return step


# -- filing -------------------------------------------------------------------------------------


def _check_complainant(who: Complainant) -> str:
    name = who.name.strip()
    if not name:
        raise ComplaintError("请填写投诉企业名称")
    if len(name) > 200:
        raise ComplaintError("企业名称过长（最多200个字符）")
    try:
        code = uscc.validate(who.uscc.strip().upper())
    except ValueError as exc:
        raise ComplaintError(f"投诉企业的统一社会信用代码无效：{exc}") from None
    if not who.contact.strip():
        raise ComplaintError("请填写联系人")
    problem = casework.contact_problem(who.phone.strip(), who.email.strip())
    if problem:
        raise ComplaintError(problem)
    return code


def resolve_target(
    department: Department | None, name: str, code: str
) -> tuple[Department | None, Subject | None, str, str]:
    """The body complained about: a department, or a government subject found by its code or
    name, or only the name and code given. Returns (department, subject, name, code)."""
    name, code = name.strip(), code.strip().upper()
    if department is not None:
        subject = Subject.objects.filter(uscc=department.code).first()
        return department, subject, department.name, department.code
    if not name and not code:
        raise ComplaintError("请选择或填写被投诉单位")
    if code:
        try:
            code = uscc.validate(code)
        except ValueError as exc:
            raise ComplaintError(f"被投诉单位的统一社会信用代码无效：{exc}") from None
        found = Department.objects.filter(code=code).first()
        if found is not None:
            return resolve_target(found, "", "")
    subjects = Subject.objects.filter(kind=SubjectKind.GOVERNMENT)
    subject = subjects.filter(uscc=code).first() if code else subjects.filter(name=name).first()
    if subject is not None:
        return None, subject, subject.name, subject.uscc or code
    if not name:
        raise ComplaintError("未找到该代码对应的政府机构，请同时填写被投诉单位名称")
    if len(name) > 200:
        raise ComplaintError("被投诉单位名称过长（最多200个字符）")
    return None, None, name, code


def file_complaint(
    *,
    complainant: Complainant,
    category: str,
    facts: str,
    claim: str = "",
    target_department: Department | None = None,
    target_name: str = "",
    target_code: str = "",
    uploads: Sequence[Any] = (),
    today: dt.date | None = None,
    request: Any = None,
) -> tuple[Complaint, str]:
    """File a complaint from the portal; returns it and its access code (shown once).

    Bad input raises ``ComplaintError`` (or ``xinyong.uploads.MaterialError``) and stores
    nothing.
    """
    day = _today(today)
    code = _check_complainant(complainant)
    if category not in Category.values:
        raise ComplaintError("请选择投诉类别")
    facts, claim = facts.strip(), claim.strip()
    if len(facts) < 10:
        raise ComplaintError("请写明事实与理由（不少于10个字）")
    if len(facts) > 5000 or len(claim) > 5000:
        raise ComplaintError("事实与理由或投诉请求过长（各最多5000字）")
    if category == Category.POLICY and not claim:
        raise ComplaintError("申请补偿救治的，请写明请求补偿或救治的内容")
    department, subject, name, tcode = resolve_target(target_department, target_name, target_code)
    rule = rule_on(day)
    due = _due(day, rule.steps["assign"])
    with casework.filing(
        Complaint,
        ComplaintMaterial,
        day=day,
        rule=rule,
        uploads=uploads,
        enterprise_name=complainant.name.strip(),
        enterprise_uscc=code,
        contact_name=complainant.contact.strip()[:100],
        contact_phone=complainant.phone.strip(),
        contact_email=complainant.email.strip(),
        target_department=department,
        target_subject=subject,
        target_name=name,
        target_code=tcode,
        category=category,
        facts=facts,
        claim=claim,
        due_date=due,
    ) as filed:
        _step(
            filed.case,
            StepKind.FILE,
            None,
            day,
            f"在门户网站提交投诉，附材料{filed.materials}份；信用办应在"
            f"{rule.steps['assign']}个工作日内转办",
            due=due,
            request=request,
            action=AuditAction.CREATE,
        )
    return filed.case, filed.code


# -- the complainant's view ---------------------------------------------------------------------


def check_access(number: str, code: str, request: Any = None) -> Complaint:
    """The complaint a tracking number and access code open (``casework.open_case``)."""
    return casework.open_case(Complaint, number, code, request, AccessDenied)


def steps_of(complaint: Complaint) -> list[ComplaintStep]:
    return list(complaint.steps.order_by("at", "id"))


# -- staff --------------------------------------------------------------------------------------


def queue_for(user: Any) -> ComplaintQuerySet:
    """The complaints a staff member sees: all for an operator, those assigned to its own
    department for a department user."""
    qs = Complaint.objects.select_related("department", "target_department", "target_subject")
    if getattr(user, "is_operator", False) and user.is_active:
        return qs
    return cast(ComplaintQuerySet, scope_to_user(user, qs))


def ensure_can_view(user: Any, complaint: Complaint, request: Any = None) -> None:
    """Operators see every complaint; a department only those assigned to it (403 + audit),
    and its look is audited."""
    if casework.ensure_staff_can_view(user, complaint, request):
        audit(
            user,
            AuditAction.READ,
            f"{complaint}：承办单位查看",
            obj=complaint,
            ip=client_ip(request),
        )


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def assign(
    user: Any,
    complaint: Complaint,
    department: Department,
    note: str = "",
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Complaint:
    """The credit office assigns (转办) the complaint to the responsible body."""
    ensure_operator(user, what="转办投诉", request=request)
    day = _today(today)
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.status not in (Status.SUBMITTED, Status.ASSIGNED):
            raise ComplaintError(
                f"{complaint}当前状态为“{complaint.get_status_display()}”，不能转办"
            )
        if not department.is_active:
            raise ComplaintError(f"“{department.name}”已停用，不能承办投诉")
        days = rule_of(complaint).steps["answer"]
        due = _due(day, days)
        again = complaint.department_id is not None
        complaint.department = department
        complaint.assigned_on = day
        complaint.status = Status.ASSIGNED
        complaint.due_date = due
        complaint.save()
        text = f"{'改' if again else ''}转{department.name}调查处理，应在{days}个工作日内答复"
        _step(
            complaint,
            StepKind.ASSIGN,
            user,
            day,
            f"{text}。{note.strip()}".rstrip("。") + "。",
            due=due,
            request=request,
        )
    return complaint


def answer(
    user: Any,
    complaint: Complaint,
    text: str,
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Complaint:
    """The responsible body (or the credit office) answers the complaint, with its findings."""
    ensure_can_act_for(user, complaint.department, what=f"答复{complaint}", request=request)
    text = text.strip()
    if len(text) < 10:
        raise ComplaintError("请写明调查核实情况和处理意见（不少于10个字）")
    day = _today(today)
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.status != Status.ASSIGNED:
            raise ComplaintError(
                f"{complaint}当前状态为“{complaint.get_status_display()}”，不能答复"
            )
        days = rule_of(complaint).steps["close"]
        due = _due(day, days)
        complaint.answer = text
        complaint.answered_on = day
        complaint.status = Status.ANSWERED
        complaint.due_date = due
        complaint.save()
        _step(complaint, StepKind.ANSWER, user, day, text, due=due, request=request)
    return complaint


def close(
    user: Any,
    complaint: Complaint,
    finding: str,
    reason: str,
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Complaint:
    """The credit office closes the complaint: substantiated or not, with reasons."""
    ensure_operator(user, what="办结投诉", request=request)
    if finding not in Finding.values:
        raise ComplaintError("请选择办结结论（投诉属实 / 投诉不属实）")
    reason = reason.strip()
    if len(reason) < 5:
        raise ComplaintError("请写明结论理由（不少于5个字）")
    day = _today(today)
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.status != Status.ANSWERED:
            raise ComplaintError(
                f"{complaint}当前状态为“{complaint.get_status_display()}”，不能办结"
            )
        complaint.finding = finding
        complaint.finding_reason = reason
        complaint.closed_on = day
        complaint.status = Status.CLOSED
        complaint.due_date = None
        complaint.save()
        _step(
            complaint,
            StepKind.CLOSE,
            user,
            day,
            f"{Finding(finding).label}：{reason}",
            request=request,
        )
        # A substantiated complaint counts in the body's monitoring (R-GOV-5).
        from xinyong.integrity.sources import sync_complaint

        sync_complaint(complaint, actor=user)
    return complaint


# -- monitoring ---------------------------------------------------------------------------------


@dataclass
class MonthCount:
    """One body's complaints of a month (the month's statement)."""

    department_id: int
    count: int = 0
    substantiated: list[int] = field(default_factory=list)

    def as_tuple(self) -> tuple[int, int, list[int]]:
        return (self.department_id, self.count, self.substantiated)


def _month_bounds(month: str | dt.date) -> tuple[dt.date, dt.date]:
    if isinstance(month, str):
        try:
            year, mon = (int(part) for part in month.split("-"))
            first = dt.date(year, mon, 1)
        except ValueError:
            raise ComplaintError(f"月份“{month}”无效，应如2026-10") from None
    else:
        first = month.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return first, after


def complaints_for_month(month: str | dt.date) -> list[tuple[int, int, list[int]]]:
    """Per department: (department_id, complaints filed against it in the month, ids of its
    complaints closed as substantiated in the month).

    A complaint belongs to the body it was assigned to, or — not yet assigned — to the
    department complained about; complaints about bodies that are not departments of the
    platform are left out. Sorted by department id; the same month gives the same answer.
    """
    first, after = _month_bounds(month)
    rows: dict[int, MonthCount] = {}
    filed = Complaint.objects.filter(filed_on__gte=first, filed_on__lt=after).filter(
        Q(department__isnull=False) | Q(target_department__isnull=False)
    )
    for dept, target in filed.values_list("department_id", "target_department_id"):
        key = dept or target
        rows.setdefault(key, MonthCount(key)).count += 1
    closed = Complaint.objects.filter(
        closed_on__gte=first,
        closed_on__lt=after,
        finding=Finding.SUBSTANTIATED,
        department__isnull=False,
    ).order_by("id")
    for pk, dept in closed.values_list("id", "department_id"):
        rows.setdefault(dept, MonthCount(dept)).substantiated.append(pk)
    return [rows[key].as_tuple() for key in sorted(rows)]
