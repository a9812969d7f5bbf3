"""A false or broken commitment becomes a dishonesty record; withdrawal; public listing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinyong.commitments import rules
from xinyong.commitments.models import (
    Commitment,
    CommitmentStatus,
    EventKind,
)
from xinyong.commitments.services.base import (
    BREACH_TYPE,
    CLOSED,
    CommitmentError,
    add_event,
    audit_event,
    ensure_department,
)
from xinyong.commitments.services.fulfilment import (
    set_status,
)
from xinyong.departments.models import User
from xinyong.records.models import CreditRecord, Source
from xinyong.subjects.identity import pii_box
from xinyong.subjects.models import SubjectKind

# -- breach -----------------------------------------------------------------------------------


def breach_row(
    commitment: Commitment,
    *,
    kind: str,
    facts: str,
    tier: str,
    doc_no: str,
    basis: str,
    day: dt.date,
    remarks: str,
) -> dict[str, Any]:
    subject = commitment.subject
    department = commitment.department
    label = subject.get_kind_display()
    if subject.kind == SubjectKind.GOVERNMENT:
        label = "法人及非法人组织"
    row: dict[str, Any] = {
        "subject_name": subject.name,
        "subject_kind": label,
        "decision_number": doc_no,
        "commitment_no": commitment.number,
        "commitment_kind": commitment.kind_name,
        "matter": commitment.matter,
        "signed_date": commitment.signed_date.isoformat(),
        "breach": rules.BREACHES[kind],
        "facts": facts,
        "basis": basis,
        "decision_date": day.isoformat(),
        "tier": tier,
        "authority_name": department.name,
        "authority_code": department.code,
        "source_dept": department.name,
        "source_dept_code": department.code,
        "remarks": remarks,
    }
    if subject.kind == SubjectKind.NATURAL:
        row["id_type"] = "身份证"
        row["id_number"] = pii_box().decrypt(subject.id_cipher)
    else:
        row["subject_code"] = subject.uscc or ""
    return row


def breach(
    actor: User,
    commitment: Commitment,
    *,
    kind: str,
    facts: str,
    tier: str | None = None,
    tier_reason: str = "",
    doc_no: str = "",
    basis: str = "",
    request: Any = None,
) -> CreditRecord:
    """A false (``untrue``) or broken (``unfulfilled``) commitment becomes a dishonesty record
    of the subject (type ``xycn``), submitted through the collection pipeline
    (``ingest.services.submit_rows``) by the department that accepted the commitment: it gets
    a batch (provenance), a publicity window from its tier and decision date, and can be
    objected to and repaired like any record. The commitment keeps the link to the record.

    The tier is the rule's for the kind and breach (commitments.yaml) unless the department
    chooses another, with a reason."""
    from xinyong.ingest.services import SubmissionError, submit_rows

    ensure_department(actor, commitment, "认定违背信用承诺", request)
    if kind not in rules.BREACHES:
        raise CommitmentError("失信情形应为虚假承诺（untrue）或未履行承诺（unfulfilled）")
    if commitment.status in CLOSED:
        raise CommitmentError("该承诺已撤回，不能认定失信")
    if commitment.record_id is not None:
        raise CommitmentError(f"该承诺已认定失信（记录{commitment.record_id}）")
    if kind == "unfulfilled" and commitment.status == CommitmentStatus.FULFILLED:
        raise CommitmentError("该承诺已履约，不能认定为未履行承诺")
    facts = (facts or "").strip()
    if not facts:
        raise CommitmentError("请写明失信事实")
    rule = rules.kind(commitment.kind, commitment.signed_date)
    default_tier = rule.breach_tier(kind)
    chosen = (tier or "").strip() or default_tier
    if chosen not in ("轻微", "一般", "严重"):
        raise CommitmentError(f"失信等级“{chosen}”未知（可选：轻微、一般、严重）")
    if chosen != default_tier and not tier_reason.strip():
        raise CommitmentError(
            f"规则规定{rule.name}{rules.BREACHES[kind]}为“{default_tier}”失信，"
            f"改为“{chosen}”须说明理由"
        )
    day = timezone.localdate()
    doc_no = (doc_no or "").strip() or f"信用承诺失信认定第{commitment.number}号"
    remarks = f"由信用承诺{commitment.number}认定（规则{commitment.rule_version}）"
    if chosen != default_tier:
        remarks += f"；失信等级由“{default_tier}”调整为“{chosen}”：{tier_reason.strip()}"
    row = breach_row(
        commitment,
        kind=kind,
        facts=facts,
        tier=chosen,
        doc_no=doc_no,
        basis=(basis or "").strip() or rule.basis or rule.name,
        day=day,
        remarks=remarks[:512],
    )
    source = Source.API if getattr(request, "api_token", None) else Source.FORM
    with transaction.atomic():
        try:
            _batch, verdicts = submit_rows(
                actor, commitment.department, BREACH_TYPE, [row], source=source
            )
        except SubmissionError as exc:
            raise CommitmentError(f"失信记录未能报送：{exc.message}") from None
        verdict = verdicts[0]
        if not verdict.accepted or verdict.record_id is None:
            errors = "；".join(f"{e.field}：{e.message}" for e in verdict.errors)
            raise CommitmentError(f"失信记录未被接收：{errors}", detail=verdict.errors)
        record = CreditRecord.objects.get(pk=verdict.record_id)
        status = CommitmentStatus.UNTRUE if kind == "untrue" else CommitmentStatus.UNFULFILLED
        before = set_status(commitment, status, f"{rules.BREACHES[kind]}：{facts}")
        commitment.record = record
        commitment.save(update_fields=["record", "updated_at"])
        if record.published and record.publicity_end:
            shown = f"公示至{record.publicity_end}"
        else:
            shown = "不公示（轻微失信信息原则上不公示）" if not record.published else "公示"
        add_event(
            commitment,
            EventKind.BREACH,
            actor,
            f"认定{rules.BREACHES[kind]}，{chosen}失信，记入信用记录{record.doc_no}（{shown}）：{facts}",
            before,
        )
        audit_event(
            actor,
            "create",
            f"信用承诺{commitment.number}认定为{rules.BREACHES[kind]}，形成失信记录{record.pk}",
            commitment,
            request,
            reason=facts,
            detail={"record": record.pk, "tier": chosen, "breach": kind},
        )
    return record


def withdraw(
    actor: User, commitment: Commitment, *, reason: str, request: Any = None
) -> Commitment:
    """The commitment is withdrawn (the application was withdrawn before a decision, or it was
    recorded by mistake); it leaves the portal. A commitment already found to be a breach
    cannot be withdrawn: its record is objected to or repaired instead."""
    ensure_department(actor, commitment, "撤回信用承诺", request)
    reason = (reason or "").strip()
    if not reason:
        raise CommitmentError("撤回须写明原因")
    if commitment.status in CLOSED:
        raise CommitmentError("该承诺已撤回")
    if commitment.record_id is not None:
        raise CommitmentError("该承诺已形成失信记录，不能撤回；如有错误请对该记录提出异议或撤销")
    with transaction.atomic():
        before = set_status(commitment, CommitmentStatus.WITHDRAWN, reason)
        add_event(commitment, EventKind.WITHDRAW, actor, reason, before)
        audit_event(
            actor, "update", f"撤回信用承诺{commitment.number}", commitment, request, reason=reason
        )
    return commitment


def public_commitments() -> QuerySet[Commitment]:
    """What the portal's 信用承诺公示 lists, newest first."""
    return (
        Commitment.objects.public()
        .select_related("subject", "department")
        .order_by("-signed_date", "-id")
    )
