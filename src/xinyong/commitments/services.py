"""Credit commitment services (信用承诺, R-COM-1…3): sign, confirm, verify, supply materials,
the daily overdue check, breach (→ a dishonesty record through the collection pipeline) and
withdrawal. Coverage (信用承诺覆盖率) is in :mod:`xinyong.commitments.coverage`.

Views, API endpoints and commands stay thin: every change goes through these functions, which
check permissions (a department acts on its own commitments, an operator on all), keep the
commitment's event history and write the audit log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinyong.audit.services import client_ip
from xinyong.audit.services import record as audit
from xinyong.commitments import rules
from xinyong.commitments.models import (
    Channel,
    Commitment,
    CommitmentEvent,
    CommitmentStatus,
    EventKind,
    Verification,
)
from xinyong.core import ric, uscc
from xinyong.core.exceptions import InvalidCode
from xinyong.core.workdays import ScheduleMissing
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import ensure_can_act_for, scope_to_user
from xinyong.records.models import CreditRecord, Source
from xinyong.subjects.identity import KIND_BY_LABEL, SubjectRef, pii_box, resolve
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.workdays.services import get_calendar

__all__ = [
    "BREACH_TYPE",
    "CommitmentError",
    "SubjectInput",
    "breach",
    "check_overdue",
    "confirm",
    "find",
    "sign",
    "submit_on_portal",
    "supply_materials",
    "verify",
    "visible_commitments",
    "withdraw",
]

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


def _actor_name(actor: Any) -> str:
    if getattr(actor, "pk", None):
        return str(actor.get_username())
    return actor if isinstance(actor, str) else "匿名访问者"


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def _event(
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
        actor=_user(actor),
        actor_name=_actor_name(actor),
        status_before=before,
        status_after=commitment.status,
        note=note[:2000],
    )


def _audit(
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


def _ensure_department(actor: Any, commitment: Commitment, what: str, request: Any) -> None:
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


def _new_number(commitment: Commitment) -> str:
    return f"CN{commitment.signed_date.year}{commitment.pk:08d}"


# -- signing ----------------------------------------------------------------------------------


def _create(
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
            confirmed_by=_user(actor) if confirmed else None,
            channel=channel,
            due_date=due,
            verify_by=verify_by,
            created_by=_user(actor),
            contact=contact[:100],
        )
        commitment.number = _new_number(commitment)
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
        _event(commitment, EventKind.SIGN, actor, "；".join(notes))
        _audit(
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
    return _create(
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
    return _create(
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
    _ensure_department(actor, commitment, "确认信用承诺", request)
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
        _event(commitment, EventKind.CONFIRM, actor, note)
        _audit(actor, "update", f"确认信用承诺{commitment.number}", commitment, request)
    return commitment


# -- verification, materials, overdue ---------------------------------------------------------


def _set_status(commitment: Commitment, status: str, reason: str) -> str:
    before = commitment.status
    commitment.status = status
    commitment.status_reason = reason[:2000]
    commitment.save(update_fields=["status", "status_reason", "updated_at"])
    return before


def _materials_pending(commitment: Commitment) -> bool:
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
    _ensure_department(actor, commitment, "核查信用承诺", request)
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
            and not _materials_pending(commitment)
        ):
            _set_status(commitment, CommitmentStatus.FULFILLED, f"核查属实：{note}".rstrip("："))
        _event(
            commitment, EventKind.VERIFY, actor, f"核查{label}{late}：{note}".rstrip("："), before
        )
        _audit(
            actor,
            "update",
            f"核查信用承诺{commitment.number}：{label}",
            commitment,
            request,
            detail={"result": result, "on_time": on_time},
        )
        if result == Verification.Result.UNTRUE:
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
    _ensure_department(actor, commitment, "登记补齐材料", request)
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
                _set_status(commitment, CommitmentStatus.FULFILLED, text)
        else:
            text = f"{day}补齐材料，已超过期限{commitment.due_date}"
            if commitment.status in (CommitmentStatus.ACTIVE, CommitmentStatus.FULFILLED):
                _set_status(commitment, CommitmentStatus.UNFULFILLED, text)
        if note.strip():
            text += f"：{note.strip()}"
        _event(commitment, EventKind.MATERIALS, actor, text, before)
        _audit(actor, "update", f"信用承诺{commitment.number}：{text}", commitment, request)
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
            _event(
                commitment,
                EventKind.OVERDUE,
                actor,
                f"欠缺材料补齐期限{commitment.due_date}已过（检查日{day}），标记为未履约",
                CommitmentStatus.ACTIVE,
            )
            _audit(
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


# -- breach -----------------------------------------------------------------------------------


def _breach_row(
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

    _ensure_department(actor, commitment, "认定违背信用承诺", request)
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
    row = _breach_row(
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
        before = _set_status(commitment, status, f"{rules.BREACHES[kind]}：{facts}")
        commitment.record = record
        commitment.save(update_fields=["record", "updated_at"])
        if record.published and record.publicity_end:
            shown = f"公示至{record.publicity_end}"
        else:
            shown = "不公示（轻微失信信息原则上不公示）" if not record.published else "公示"
        _event(
            commitment,
            EventKind.BREACH,
            actor,
            f"认定{rules.BREACHES[kind]}，{chosen}失信，记入信用记录{record.doc_no}（{shown}）：{facts}",
            before,
        )
        _audit(
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
    _ensure_department(actor, commitment, "撤回信用承诺", request)
    reason = (reason or "").strip()
    if not reason:
        raise CommitmentError("撤回须写明原因")
    if commitment.status in CLOSED:
        raise CommitmentError("该承诺已撤回")
    if commitment.record_id is not None:
        raise CommitmentError("该承诺已形成失信记录，不能撤回；如有错误请对该记录提出异议或撤销")
    with transaction.atomic():
        before = _set_status(commitment, CommitmentStatus.WITHDRAWN, reason)
        _event(commitment, EventKind.WITHDRAW, actor, reason, before)
        _audit(
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
