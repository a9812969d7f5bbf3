"""Verification (核查), 容缺 materials and the daily check of overdue commitments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinyong.commitments import rules
from xinyong.commitments.models import (
    Commitment,
    CommitmentStatus,
    EventKind,
    Verification,
)
from xinyong.commitments.services.base import (
    CLOSED,
    CommitmentError,
    add_event,
    audit_event,
    ensure_department,
)
from xinyong.departments.models import User

# -- verification, materials, overdue ---------------------------------------------------------


def set_status(commitment: Commitment, status: str, reason: str) -> str:
    before = commitment.status
    commitment.status = status
    commitment.status_reason = reason[:2000]
    commitment.save(update_fields=["status", "status_reason", "updated_at"])
    return before


def materials_pending(commitment: Commitment) -> bool:
    return commitment.due_date is not None and commitment.materials_supplied_at is None


def verify(
    actor: User,
    commitment: Commitment,
    *,
    result: str,
    note: str = "",
    tier: str | None = None,
    tier_reason: str = "",
    doc_no: str = "",
    on: dt.date | None = None,
    request: Any = None,
) -> Verification:
    """The accepting department verifies (核查) a commitment: ``result`` is ``true`` (属实) or
    ``untrue`` (不实).

    属实: the commitment is 已履约 (a 容缺 commitment only once its materials are in).
    不实: the commitment is 虚假承诺 and becomes a dishonesty record at once (``breach``) with
    the note as its facts. Another department's commitment is refused (403, audited)."""
    ensure_department(actor, commitment, "核查信用承诺", request)
    if result not in Verification.Result.values:
        raise CommitmentError("核查结果应为“属实”（true）或“不实”（untrue）")
    if commitment.status in CLOSED:
        raise CommitmentError("该承诺已撤回，不能核查")
    if commitment.record_id is not None:
        raise CommitmentError("该承诺已认定为失信，不能再核查")
    note = (note or "").strip()
    if result == Verification.Result.UNTRUE and not note:
        raise CommitmentError("核查不实须写明核查情况（将作为失信事实公示）")
    day = on or timezone.localdate()
    on_time = commitment.verify_by is None or day <= commitment.verify_by
    with transaction.atomic():
        verification = Verification.objects.create(
            commitment=commitment,
            result=result,
            note=note,
            verified_by=actor,
            verified_at=timezone.now(),
            on_time=on_time,
        )
        label = Verification.Result(result).label
        late = "" if on_time else f"（超过核查期限{commitment.verify_by}）"
        before = commitment.status
        if (
            result == Verification.Result.TRUE
            and commitment.status == CommitmentStatus.ACTIVE
            and not materials_pending(commitment)
        ):
            set_status(commitment, CommitmentStatus.FULFILLED, f"核查属实：{note}".rstrip("："))
        add_event(
            commitment, EventKind.VERIFY, actor, f"核查{label}{late}：{note}".rstrip("："), before
        )
        audit_event(
            actor,
            "update",
            f"核查信用承诺{commitment.number}：{label}",
            commitment,
            request,
            detail={"result": result, "on_time": on_time},
        )
        if result == Verification.Result.UNTRUE:
            # breach() builds on this module's helpers: imported here, not at the top.
            from xinyong.commitments.services.breach import breach

            breach(
                actor,
                commitment,
                kind="untrue",
                facts=note,
                tier=tier,
                tier_reason=tier_reason,
                doc_no=doc_no,
                request=request,
            )
    return verification


def supply_materials(
    actor: User,
    commitment: Commitment,
    *,
    note: str = "",
    on: dt.date | None = None,
    request: Any = None,
) -> Commitment:
    """容缺受理: the missing materials were supplied. On or before the due date the commitment
    is 已履约 (unless a verification is still due); after it, it is 未履约 (supplied late)."""
    ensure_department(actor, commitment, "登记补齐材料", request)
    if commitment.due_date is None:
        raise CommitmentError(f"{commitment.kind_name}没有欠缺材料的补齐期限")
    if commitment.materials_supplied_at is not None:
        raise CommitmentError("已登记补齐材料")
    if commitment.status in CLOSED or commitment.status == CommitmentStatus.UNTRUE:
        raise CommitmentError(f"该承诺状态为“{commitment.get_status_display()}”，不能登记补齐材料")
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise CommitmentError("补齐日期不能晚于今天")
    with transaction.atomic():
        commitment.materials_supplied_at = timezone.now()
        commitment.save(update_fields=["materials_supplied_at", "updated_at"])
        before = commitment.status
        if day <= commitment.due_date:
            text = f"{day}补齐材料，在期限{commitment.due_date}内"
            verification_due = (
                rules.kind(commitment.kind, commitment.signed_date).verified
                and not commitment.verifications.filter(result=Verification.Result.TRUE).exists()
            )
            if commitment.status == CommitmentStatus.ACTIVE and not verification_due:
                set_status(commitment, CommitmentStatus.FULFILLED, text)
        else:
            text = f"{day}补齐材料，已超过期限{commitment.due_date}"
            if commitment.status in (CommitmentStatus.ACTIVE, CommitmentStatus.FULFILLED):
                set_status(commitment, CommitmentStatus.UNFULFILLED, text)
        if note.strip():
            text += f"：{note.strip()}"
        add_event(commitment, EventKind.MATERIALS, actor, text, before)
        audit_event(actor, "update", f"信用承诺{commitment.number}：{text}", commitment, request)
    return commitment


@dataclass(frozen=True)
class OverdueResult:
    day: dt.date
    marked: list[Commitment]

    def explain(self) -> str:
        if not self.marked:
            return f"{self.day}：没有逾期未补齐材料的容缺受理承诺"
        numbers = "、".join(c.number for c in self.marked[:20])
        more = "等" if len(self.marked) > 20 else ""
        return (
            f"{self.day}：{len(self.marked)}件容缺受理承诺逾期未补齐材料，"
            f"已标记为未履约：{numbers}{more}"
        )


def check_overdue(today: dt.date | None = None, actor: Any = "系统（每日任务）") -> OverdueResult:
    """The daily job: every 履约中 commitment whose materials were due before ``today`` and are
    not supplied becomes 未履约. Idempotent: a second run the same day finds nothing."""
    day = today or timezone.localdate()
    marked: list[Commitment] = []
    for commitment in Commitment.objects.overdue(day).select_related("subject").order_by("id"):
        with transaction.atomic():
            # Against a concurrent run or a counter registering the materials meanwhile.
            updated = (
                Commitment.objects.overdue(day)
                .filter(pk=commitment.pk)
                .update(
                    status=CommitmentStatus.UNFULFILLED,
                    status_reason=f"欠缺材料应于{commitment.due_date}前补齐，逾期未补齐",
                    updated_at=timezone.now(),
                )
            )
            if not updated:
                continue
            commitment.refresh_from_db()
            add_event(
                commitment,
                EventKind.OVERDUE,
                actor,
                f"欠缺材料补齐期限{commitment.due_date}已过（检查日{day}），标记为未履约",
                CommitmentStatus.ACTIVE,
            )
            audit_event(
                actor,
                "update",
                f"信用承诺{commitment.number}逾期未补齐材料，标记为未履约",
                commitment,
                detail={
                    "due_date": commitment.due_date.isoformat() if commitment.due_date else None
                },
            )
            marked.append(commitment)
    return OverdueResult(day, marked)
