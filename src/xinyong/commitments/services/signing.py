"""Signing commitments: at a counter, by API, or a 主动型承诺 on the portal."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinyong.commitments import rules
from xinyong.commitments.models import (
    Channel,
    Commitment,
    EventKind,
)
from xinyong.commitments.services.base import (
    CLOSED,
    CommitmentError,
    SubjectInput,
    add_event,
    audit_event,
    ensure_department,
    new_number,
    subject_code,
    user_of,
)
from xinyong.core.workdays import ScheduleMissing
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import ensure_can_act_for
from xinyong.subjects.identity import resolve
from xinyong.workdays.services import get_calendar

# -- signing ----------------------------------------------------------------------------------


def create_commitment(
    *,
    actor: Any,
    department: Department,
    kind_code: str,
    who: SubjectInput,
    matter: str,
    signer: str,
    signed_at: dt.datetime | None,
    channel: str,
    confirmed: bool,
    licence_doc_no: str = "",
    contact: str = "",
    request: Any = None,
) -> Commitment:
    signed_at = signed_at or timezone.now()
    signed_date = (
        timezone.localdate(signed_at) if timezone.is_aware(signed_at) else signed_at.date()
    )
    if signed_date > timezone.localdate():
        raise CommitmentError("签署日期不能晚于今天")
    try:
        kind = rules.kind(kind_code, signed_date)
    except KeyError as exc:
        raise CommitmentError(str(exc.args[0])) from None
    matter = (matter or "").strip()
    signer = (signer or "").strip()
    if not matter:
        raise CommitmentError("请填写承诺事项（如申请的许可名称）")
    if not signer:
        raise CommitmentError("请填写签署人姓名")
    ref = who.ref()
    calendar = get_calendar()
    due = verify_by = None
    missing = ""
    if kind.materials_workdays:
        try:
            due = calendar.add(signed_date, kind.materials_workdays)
        except ScheduleMissing as exc:
            # A legal deadline is never guessed: the counter asks the office to load the year.
            raise CommitmentError(
                f"无法计算补齐材料期限：{exc.message}，请联系信用办导入"
            ) from None
    if kind.verify_workdays:
        try:
            verify_by = calendar.add(signed_date, kind.verify_workdays)
        except ScheduleMissing as exc:
            missing = f"核查期限暂无法计算（{exc.message}）"
    with transaction.atomic():
        subject = next(iter(resolve([ref], source="信用承诺").values()))
        text = kind.render(
            subject_name=subject.name,
            subject_code=subject_code(subject),
            department=department.name,
            matter=matter,
            signed_date=signed_date,
            due_date=due,
        )
        now = timezone.now()
        commitment = Commitment.objects.create(
            number=f"T{uuid.uuid4().hex[:18]}",
            subject=subject,
            kind=kind.code,
            kind_name=kind.name,
            rule_version=kind.version,
            department=department,
            matter=matter[:200],
            licence_doc_no=(licence_doc_no or "").strip()[:200],
            text=text,
            signer=signer[:50],
            signed_at=signed_at,
            signed_date=signed_date,
            public=kind.public,
            confirmed=confirmed,
            confirmed_at=now if confirmed else None,
            confirmed_by=user_of(actor) if confirmed else None,
            channel=channel,
            due_date=due,
            verify_by=verify_by,
            created_by=user_of(actor),
            contact=contact[:100],
        )
        commitment.number = new_number(commitment)
        commitment.save(update_fields=["number"])
        notes = [kind.explain()]
        if due:
            notes.append(
                f"欠缺材料补齐期限：{due.isoformat()}（{kind.materials_workdays}个工作日）"
            )
        if verify_by:
            notes.append(f"核查期限：{verify_by.isoformat()}（{kind.verify_workdays}个工作日）")
        if missing:
            notes.append(missing)
        add_event(commitment, EventKind.SIGN, actor, "；".join(notes))
        audit_event(
            actor,
            "create",
            f"{department.name}登记{kind.name}{commitment.number}（{subject.name}，{matter}）",
            commitment,
            request,
            detail={"kind": kind.code, "channel": channel, "public": kind.public},
        )
    return commitment


def sign(
    actor: User,
    department: Department,
    *,
    kind: str,
    subject: SubjectInput,
    matter: str,
    signer: str,
    signed_at: dt.datetime | None = None,
    licence_doc_no: str = "",
    channel: str = Channel.COUNTER,
    request: Any = None,
) -> Commitment:
    """A department records a commitment signed at its counter (or sent by its system through
    the API). The text is rendered from the rule of the kind in force on the signing day; a
    容缺 commitment gets its materials due date in working days, a verified kind its
    verification deadline. Public kinds are published at once (the department confirms by
    recording it)."""
    ensure_can_act_for(actor, department, what="登记信用承诺", request=request)
    return create_commitment(
        actor=actor,
        department=department,
        kind_code=kind,
        who=subject,
        matter=matter,
        signer=signer,
        signed_at=signed_at,
        channel=channel,
        confirmed=True,
        licence_doc_no=licence_doc_no,
        request=request,
    )


def submit_on_portal(
    *,
    department: Department,
    kind: str,
    subject: SubjectInput,
    matter: str,
    signer: str,
    contact: str = "",
    request: Any = None,
) -> Commitment:
    """A subject makes a 主动型承诺 on the portal, addressed to a department. Only kinds the
    rule data marks ``portal`` may be made this way; nothing is published until the department
    or an operator confirms it (anyone can type a company's name on the portal)."""
    try:
        found = rules.kind(kind, timezone.localdate())
    except KeyError as exc:
        raise CommitmentError(str(exc.args[0])) from None
    if not found.portal:
        raise CommitmentError(f"{found.name}须到受理部门办理，不能在网站上自行作出")
    if not department.is_active:
        raise CommitmentError("该部门已停用，请选择其他部门")
    if not (contact or "").strip():
        raise CommitmentError("请填写联系电话，以便受理部门核实")
    actor = getattr(request, "user", None)
    actor = actor if getattr(actor, "pk", None) else "门户访问者"
    return create_commitment(
        actor=actor,
        department=department,
        kind_code=kind,
        who=subject,
        matter=matter,
        signer=signer,
        signed_at=None,
        channel=Channel.PORTAL,
        confirmed=False,
        contact=contact.strip(),
        request=request,
    )


def confirm(actor: User, commitment: Commitment, *, request: Any = None) -> Commitment:
    """The department (or an operator) confirms a portal commitment: public kinds are then
    published in 信用承诺公示."""
    ensure_department(actor, commitment, "确认信用承诺", request)
    if commitment.confirmed:
        raise CommitmentError("该承诺已确认")
    if commitment.status in CLOSED:
        raise CommitmentError("该承诺已撤回")
    with transaction.atomic():
        commitment.confirmed = True
        commitment.confirmed_at = timezone.now()
        commitment.confirmed_by = actor
        commitment.save(update_fields=["confirmed", "confirmed_at", "confirmed_by", "updated_at"])
        note = "已确认，在门户公示" if commitment.public else "已确认（该类承诺不公示）"
        add_event(commitment, EventKind.CONFIRM, actor, note)
        audit_event(actor, "update", f"确认信用承诺{commitment.number}", commitment, request)
    return commitment
