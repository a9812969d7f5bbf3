"""Feedback on checks, cleared false positives and the trigger-feedback rate (R-JRP-3).

触发反馈率 (trigger-feedback rate) of a department over a period: of the check items in which
punishment or incentive measures were triggered (not suspended), the share for which the
department reported, for every triggered measure, whether it applied it (applied / not applied
with the reason). Items checked by the credit office itself are not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip, record
from xinyong.departments.models import Department
from xinyong.departments.permissions import ensure_can_act_for, refuse
from xinyong.jrp.models import Check, CheckItem, Clearance, Feedback

__all__ = [
    "FeedbackError",
    "FeedbackIn",
    "RateRow",
    "clear_false_positive",
    "feedback_rates",
    "give_feedback",
]


class FeedbackError(ValueError):
    """Feedback or a clearance is refused; the message says why, in Chinese."""


@dataclass(frozen=True)
class FeedbackIn:
    measure: str
    applied: bool
    reason: str = ""


def _ensure_own_check(user: Any, item: CheckItem, what: str, request: Any = None) -> None:
    department = item.check_run.department
    if department is None:
        from xinyong.departments.permissions import ensure_operator

        ensure_operator(user, what=what, request=request)
    else:
        ensure_can_act_for(user, department, what=what, request=request)
    # Only the department that checked reports what it did, not the credit office for it.
    if department is not None and getattr(user, "department_id", None) != department.pk:
        raise refuse(
            user,
            f"只有核查部门（{department}）可以{what}",
            department=department,
            what=what,
            request=request,
        )


def give_feedback(
    user: Any, item: CheckItem, feedback: Sequence[FeedbackIn], *, request: Any = None
) -> list[Feedback]:
    """Report applied / not applied (+ why) for the measures a check triggered."""
    _ensure_own_check(user, item, "反馈措施采取情况", request)
    if not feedback:
        raise FeedbackError("没有提交任何反馈")
    triggered = set(item.measures)
    listed = "、".join(item.measures) or "无"
    for f in feedback:
        if f.measure not in triggered:
            raise FeedbackError(f"措施“{f.measure}”不是本次核查触发的措施（触发：{listed}）")
        if not f.applied and not f.reason.strip():
            raise FeedbackError(f"措施“{f.measure}”未采取，须说明原因")
    try:
        with transaction.atomic():
            rows = [
                Feedback.objects.create(
                    item=item,
                    measure_code=f.measure,
                    applied=f.applied,
                    reason=f.reason.strip(),
                    user=user if getattr(user, "pk", None) else None,
                )
                for f in feedback
            ]
    except IntegrityError:
        raise FeedbackError("该措施已经反馈过，不能重复反馈") from None
    record(
        user,
        AuditAction.CREATE,
        f"核查反馈：{item} {len(rows)}项措施",
        obj=item,
        detail={f.measure: f.applied for f in feedback},
        ip=client_ip(request),
    )
    return rows


def clear_false_positive(
    user: Any, item: CheckItem, entry_id: int, reason: str, *, request: Any = None
) -> Clearance:
    """A name match judged wrong: not flagged again for this department and this name."""
    from xinyong.core.names import normalise

    _ensure_own_check(user, item, "排除误报", request)
    if item.check_run.department is None:
        raise FeedbackError("信用办自身的核查不记录误报排除")
    if not reason.strip():
        raise FeedbackError("排除误报须说明理由")
    entries = {e["entry_id"]: e for e in item.result.get("entries", [])}
    entry = entries.get(entry_id)
    if entry is None:
        raise FeedbackError("该名单条目不在本次核查结果中")
    if entry["matched_by"] != "name":
        raise FeedbackError("按代码匹配的结果不能作为误报排除；如信息有误请提出异议")
    clearance, _ = Clearance.objects.get_or_create(
        department=item.check_run.department,
        query_key=normalise(item.query_name)[:200],
        entry_id=entry_id,
        defaults={"reason": reason.strip(), "user": user if getattr(user, "pk", None) else None},
    )
    record(
        user,
        AuditAction.CREATE,
        f"排除误报：{item.query_name} 与名单条目{entry_id}",
        obj=clearance,
        reason=reason,
        ip=client_ip(request),
    )
    return clearance


@dataclass(frozen=True)
class RateRow:
    department: Department
    triggered: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.triggered if self.triggered else None


def feedback_rates(start: dt.date, end: dt.date) -> list[RateRow]:
    """触发反馈率 per department for checks made from ``start`` to ``end`` (inclusive)."""
    items = (
        CheckItem.objects.filter(
            check_run__checked_on__gte=start,
            check_run__checked_on__lte=end,
            check_run__department__isnull=False,
        )
        .filter(hit=True)
        .annotate(n_feedback=Count("feedback"))
        .values("id", "measures", "n_feedback", "check_run__department_id")
    )
    triggered: dict[int, int] = {}
    answered: dict[int, int] = {}
    for row in items:
        if not row["measures"]:
            continue
        dep = row["check_run__department_id"]
        triggered[dep] = triggered.get(dep, 0) + 1
        if row["n_feedback"] >= len(row["measures"]):
            answered[dep] = answered.get(dep, 0) + 1
    checked = Check.objects.filter(
        checked_on__gte=start, checked_on__lte=end, department__isnull=False
    ).values("department_id")
    departments = Department.objects.filter(Q(pk__in=triggered) | Q(pk__in=checked))
    return sorted(
        (RateRow(d, triggered.get(d.pk, 0), answered.get(d.pk, 0)) for d in departments),
        key=lambda r: (-(r.rate or 0), r.department.name),
    )
