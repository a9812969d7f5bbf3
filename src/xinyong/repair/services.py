"""Credit repair (信用修复, R-REP-1…2): applying, reviewing, approving and refusing.

Views, API endpoints and commands stay thin and call these functions, which check permissions
(``ensure_can_act_for``: the responsible department, or an operator), keep the steps history and
write the audit log. The eligibility itself is computed in ``repair.eligibility``.

On approval the record becomes ``REPAIRED`` (a new ``RecordVersion`` with the reason, history
kept), so it leaves the portal, search, reports and checks at once (they all start from
``CreditRecord.objects.public``); the list entries tied to it go to ``REPAIRED`` through
``lists.services.change_status`` (their measures stop), and every department that checked the
subject is told (``jrp.notify.notify_checkers``).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip
from xinyong.audit.services import record as audit
from xinyong.casework import access_hash
from xinyong.departments.permissions import ensure_can_act_for, scope_to_user
from xinyong.records.models import CreditRecord, RecordStatus, RecordVersion, VersionAction
from xinyong.repair.eligibility import RepairInfo, add_workdays, entry_repair, record_repair
from xinyong.repair.eligibility import workdays_left as _workdays_left
from xinyong.repair.materials import MaterialError, check_materials, material_path, store
from xinyong.repair.models import (
    OPEN_STATUSES,
    RepairApplication,
    RepairStatus,
    RepairStep,
)
from xinyong.repair.rules import repair_rules
from xinyong.subjects.models import Subject
from xinyong.uploads import discard

__all__ = [
    "Deadline",
    "RepairError",
    "applications_for",
    "approve",
    "audit_applicant_read",
    "check_subject_code",
    "deadline",
    "find_application",
    "get_for_user",
    "material_path",
    "refuse",
    "start_review",
    "submit_application",
    "target_info",
]

ACCESS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACCESS_LENGTH = 8


class RepairError(ValueError):
    """A repair action is refused; the message says why, in Chinese."""


@dataclass(frozen=True)
class Deadline:
    """The deadline an open application is counting down to, in working days."""

    label: str
    due: dt.date
    left: int  # working days left; 0 due today; negative overdue
    estimated: bool

    @property
    def overdue(self) -> bool:
        return self.left < 0

    @property
    def text(self) -> str:
        base = f"{self.label}：{self.due:%Y年%m月%d日}"
        if self.left > 0:
            base += f"（剩余{self.left}个工作日）"
        elif self.left == 0:
            base += "（今天到期）"
        else:
            base += f"（已超期{-self.left}个工作日）"
        return base + ("，按周末估算，节假日安排尚未录入" if self.estimated else "")


# -- helpers ----------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _access_hash(tracking_no: str, code: str) -> str:
    return access_hash("repair", tracking_no, code.strip().upper())


def _new_tracking_no(day: dt.date) -> str:
    while True:
        number = f"XF{day:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not RepairApplication.objects.filter(tracking_no=number).exists():
            return number


def _actor_name(actor: Any) -> str:
    if getattr(actor, "pk", None):
        name = actor.get_username()
        if getattr(actor, "department", None) is not None:
            return f"{name}（{actor.department.name}）"
        return f"{name}（信用办）" if getattr(actor, "is_operator", False) else name
    return str(actor or "申请人")


def _step(application: RepairApplication, title: str, note: str, actor: Any) -> RepairStep:
    return RepairStep.objects.create(
        application=application,
        status=application.status,
        title=title,
        note=note,
        actor_name=_actor_name(actor),
    )


def target_info(
    *, record: CreditRecord | None = None, entry: Any = None, today: dt.date | None = None
) -> RepairInfo:
    """The repair information of a record or a list entry."""
    if record is not None:
        return record_repair(record, today)
    if entry is not None:
        return entry_repair(entry, today)
    raise RepairError("须指定信用记录或名单条目")


def check_subject_code(subject: Subject, code: str) -> bool:
    """Whether ``code`` (统一社会信用代码 or 身份证号码) is the subject's, in constant time."""
    from xinyong.subjects.identity import pii_box

    given = code.strip().upper()
    if not given:
        return False
    if subject.uscc:
        return hmac.compare_digest(given.encode(), subject.uscc.upper().encode())
    if subject.id_hash:
        return hmac.compare_digest(pii_box().lookup_hash(given), subject.id_hash)
    return False


# -- applying ---------------------------------------------------------------------------------


def submit_application(
    *,
    record: CreditRecord | None = None,
    entry: Any = None,
    subject_code: str,
    applicant_name: str,
    applicant_phone: str,
    statement: str,
    obligations_fulfilled: bool,
    training_done: bool = False,
    commitment_signed: bool = False,
    commitment_signer: str = "",
    files: Sequence[Any] = (),
    actor: Any = None,
    request: Any = None,
    today: dt.date | None = None,
) -> tuple[RepairApplication, str]:
    """File a repair application for a record or a list entry; returns it and its access code
    (查询码, shown once to the applicant; only its HMAC is kept)."""
    day = today or _today()
    if (record is None) == (entry is None):
        raise RepairError("须指定一条信用记录或一个名单条目")
    info = target_info(record=record, entry=entry, today=day)
    if not info.repairable:
        raise RepairError(info.reason or "该信息不适用信用修复")
    if not info.eligible:
        raise RepairError(info.reason)
    subject: Subject = record.subject if record is not None else entry.subject
    if subject is None:
        raise RepairError("该名单条目未关联信用主体，请联系信用办办理")
    if not check_subject_code(subject, subject_code):
        raise RepairError("主体代码（统一社会信用代码或身份证号码）与该信息的主体不符")
    problems = []
    if not applicant_name.strip():
        problems.append("请填写申请人（经办人）姓名")
    if not applicant_phone.strip():
        problems.append("请填写联系电话")
    if not statement.strip():
        problems.append("请说明失信行为的纠正情况和法定责任的履行情况")
    if not obligations_fulfilled:
        problems.append("须已履行法定责任和义务后方可申请")
    if info.training_required and not training_done:
        problems.append("严重失信信息须参加信用修复专题培训后方可申请")
    if info.commitment_required and not (commitment_signed and commitment_signer.strip()):
        problems.append("须阅读并签署信用修复承诺书（勾选并填写承诺人姓名）")
    if problems:
        raise RepairError("；".join(problems))
    try:
        checked = check_materials(files)
    except MaterialError as exc:
        raise RepairError(str(exc)) from None
    rules = repair_rules()
    procedure = rules.procedure_for(day)
    accept_due, estimated_a = add_workdays(day, procedure.accept_workdays)
    review_due, estimated_r = add_workdays(day, procedure.review_workdays)
    department = record.department if record is not None else entry.department
    code = "".join(secrets.choice(ACCESS_ALPHABET) for _ in range(ACCESS_LENGTH))
    written: list[Any] = []
    try:
        with transaction.atomic():
            tracking_no = _new_tracking_no(day)
            application = RepairApplication.objects.create(
                tracking_no=tracking_no,
                access_hash=_access_hash(tracking_no, code),
                record=record,
                entry=entry,
                subject=subject,
                department=department,
                tier=info.tier,
                condition_rule=info.rule_id,
                procedure_rule=procedure.id,
                rules_version=rules.version,
                earliest_date=info.earliest_date or day,
                applicant_name=applicant_name.strip()[:100],
                applicant_phone=applicant_phone.strip()[:30],
                statement=statement.strip(),
                obligations_fulfilled=True,
                training_done=bool(training_done),
                commitment_text=rules.commitment if commitment_signed else "",
                commitment_signer=commitment_signer.strip()[:100] if commitment_signed else "",
                commitment_date=day if commitment_signed else None,
                submitted_at=timezone.now(),
                submitted_date=day,
                accept_due=accept_due,
                review_due=review_due,
                due_estimated=estimated_a or estimated_r,
            )
            written = store(application, checked)
            responsible = department.name if department is not None else "信用办"
            _step(
                application,
                "提交申请",
                f"已提交至{responsible}；{procedure.accept_workdays}个工作日内受理，"
                f"{procedure.review_workdays}个工作日内办结（{review_due:%Y年%m月%d日}前）",
                applicant_name.strip() or "申请人",
            )
            audit(
                actor if getattr(actor, "pk", None) else f"申请人 {applicant_name.strip()[:50]}",
                AuditAction.CREATE,
                f"信用修复申请{tracking_no}：{application.target_label}",
                obj=application,
                detail={"tier": info.tier, "rule": info.rule_id, "files": len(checked)},
                ip=client_ip(request),
            )
    except Exception:
        discard(written)
        raise
    return application, code


def find_application(
    tracking_no: str, access_code: str, request: Any = None
) -> RepairApplication | None:
    """The application for a tracking number and its access code, or None (the comparison is in
    constant time, and a wrong code is answered as a missing number). Every read is audited."""
    number = tracking_no.strip().upper()
    application = RepairApplication.objects.filter(tracking_no=number).first()
    expected = application.access_hash if application else _access_hash("XF", "invalid")
    given = _access_hash(number, access_code)
    if not hmac.compare_digest(expected, given) or application is None:
        audit(
            getattr(request, "user", None),
            AuditAction.DENIED,
            f"信用修复申请查询失败：受理编号{number[:20]}与查询码不符",
            object_type="repair.repairapplication",
            ip=client_ip(request),
        )
        return None
    audit(
        getattr(request, "user", None) if getattr(request, "user", None) else "申请人",
        AuditAction.READ,
        f"申请人查询信用修复申请{number}",
        obj=application,
        ip=client_ip(request),
    )
    return application


def audit_applicant_read(application: RepairApplication, request: Any = None) -> None:
    """An applicant's look at their application (progress page): audited like any read of
    non-public data."""
    user = getattr(request, "user", None)
    audit(
        user if getattr(user, "pk", None) else "申请人",
        AuditAction.READ,
        f"申请人查看信用修复申请{application.tracking_no}的办理进度",
        obj=application,
        ip=client_ip(request),
    )


# -- reviewing --------------------------------------------------------------------------------


def applications_for(user: Any) -> QuerySet[RepairApplication]:
    """The applications ``user`` may see: an operator all, a department its own."""
    queryset = RepairApplication.objects.select_related("subject", "department", "record", "entry")
    return scope_to_user(user, queryset)


def _ensure_responsible(user: Any, application: RepairApplication, what: str, request: Any) -> None:
    if application.department is None:
        from xinyong.departments.permissions import ensure_operator

        ensure_operator(user, what=what, request=request)
    else:
        ensure_can_act_for(user, application.department, what=what, request=request)


def get_for_user(user: Any, pk: int, *, request: Any = None) -> RepairApplication:
    """One application for its responsible department or an operator (others: 403, audited);
    the read is audited (the application holds the applicant's details)."""
    application = RepairApplication.objects.select_related(
        "subject", "department", "record", "entry"
    ).get(pk=pk)
    _ensure_responsible(user, application, "查阅信用修复申请", request)
    audit(
        user,
        AuditAction.READ,
        f"查阅信用修复申请{application.tracking_no}",
        obj=application,
        ip=client_ip(request),
    )
    return application


def deadline(application: RepairApplication, today: dt.date | None = None) -> Deadline | None:
    """The deadline the application is counting down to, or None when it is decided."""
    day = today or _today()
    if application.status == RepairStatus.SUBMITTED:
        due, label = application.accept_due, "受理期限"
    elif application.status == RepairStatus.REVIEWING:
        due, label = application.review_due, "办结期限"
    else:
        return None
    return Deadline(label, due, _workdays_left(day, due), application.due_estimated)


def _lock(application: RepairApplication) -> RepairApplication:
    locked = RepairApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status not in OPEN_STATUSES:
        raise RepairError(f"该申请已办结（{locked.get_status_display()}）")
    return locked


def start_review(
    user: Any, application: RepairApplication, note: str = "", *, request: Any = None
) -> RepairApplication:
    """The responsible department accepts the application (受理) and starts reviewing it."""
    _ensure_responsible(user, application, "受理信用修复申请", request)
    with transaction.atomic():
        locked = _lock(application)
        if locked.status != RepairStatus.SUBMITTED:
            raise RepairError("该申请已在审核中")
        locked.status = RepairStatus.REVIEWING
        locked.review_started_at = timezone.now()
        locked.save(update_fields=["status", "review_started_at"])
        _step(locked, "受理", note.strip() or "材料齐全，予以受理，进入审核", user)
        audit(
            user,
            AuditAction.UPDATE,
            f"受理信用修复申请{locked.tracking_no}",
            obj=locked,
            reason=note.strip(),
            ip=client_ip(request),
        )
    return locked


def _repair_record(
    user: Any, record: CreditRecord, application: RepairApplication, reason: str
) -> int:
    """Mark the record repaired (history kept) and its list entries; returns entries moved."""
    from xinyong.ingest.pipeline import lock_records
    from xinyong.ingest.signals import send_repaired
    from xinyong.lists.models import EntryStatus, EventKind, ListEntry
    from xinyong.lists.services import IN_FORCE, change_status

    lock_records()
    record.refresh_from_db()
    if record.status != RecordStatus.ACTIVE:
        raise RepairError(f"该记录当前状态为“{record.get_status_display()}”，不能修复")
    now = timezone.now()
    text = f"信用修复（受理编号{application.tracking_no}）：{reason}"
    record.status = RecordStatus.REPAIRED
    record.repaired_at = now
    record.version += 1
    record.save(update_fields=["status", "repaired_at", "version"])
    RecordVersion.objects.create(
        record=record,
        version=record.version,
        action=VersionAction.REPAIR,
        data=record.data,
        pii_cipher=record.pii_cipher,
        content_hash=record.content_hash,
        submitter=user if getattr(user, "pk", None) else None,
        source=record.source,
        received_at=now,
        reason=text,
    )
    audit(user, AuditAction.UPDATE, f"信用修复：{record}", obj=record, reason=text)
    send_repaired(record, text, user)
    moved = 0
    entries = ListEntry.objects.filter(record=record, status__in=IN_FORCE, related_to__isnull=True)
    for entry in entries.order_by("pk"):
        change_status(
            entry,
            EntryStatus.REPAIRED,
            EventKind.REPAIR,
            text,
            user,
            detail={"repair": application.tracking_no},
        )
        moved += 1
    return moved


def approve(
    user: Any,
    application: RepairApplication,
    reason: str = "",
    *,
    request: Any = None,
    today: dt.date | None = None,
) -> RepairApplication:
    """Approve: the information leaves publication at once, measures stop, checkers are told."""
    from xinyong.jrp.notify import notify_checkers
    from xinyong.lists.models import EntryStatus, EventKind
    from xinyong.lists.services import IN_FORCE, change_status

    _ensure_responsible(user, application, "审核信用修复申请", request)
    day = today or _today()
    text = reason.strip() or "经审核，符合信用修复条件，予以修复"
    with transaction.atomic():
        locked = _lock(application)
        if locked.status == RepairStatus.SUBMITTED:
            _step(locked, "受理", "受理并审核", user)
        moved = 0
        if locked.record is not None:
            moved = _repair_record(user, locked.record, locked, text)
        else:
            entry = locked.entry
            assert entry is not None
            if entry.status not in IN_FORCE:
                raise RepairError(f"该名单条目当前状态为“{entry.get_status_display()}”，不能修复")
            change_status(
                entry,
                EntryStatus.REPAIRED,
                EventKind.REPAIR,
                f"信用修复（受理编号{locked.tracking_no}）：{text}",
                user,
                day=day,
                detail={"repair": locked.tracking_no},
            )
            moved = 1
        procedure = repair_rules().procedure_for(locked.submitted_date)
        share_due, _ = add_workdays(day, procedure.share_workdays)
        target = locked.target_label
        notices = notify_checkers(
            locked.subject,
            "repair",
            f"信用修复：{locked.subject.name}",
            f"{locked.subject.name}的{target}已于{day:%Y年%m月%d日}完成信用修复，"
            "停止公示，相关失信惩戒措施不再实施。",
            data={
                "tracking_no": locked.tracking_no,
                "record": locked.record_id,
                "entry": locked.entry_id,
            },
        )
        now = timezone.now()
        locked.status = RepairStatus.APPROVED
        locked.decided_at = now
        locked.decided_by = user if getattr(user, "pk", None) else None
        locked.decision_reason = text
        locked.share_due = share_due
        locked.shared_at = now
        locked.shared_to = len(notices)
        locked.save()
        _step(
            locked,
            "准予修复",
            f"{text}。已停止公示，{moved}个相关名单条目移出；修复结果已通知{len(notices)}个核查过该主体的部门",
            user,
        )
        audit(
            user,
            AuditAction.UPDATE,
            f"准予信用修复{locked.tracking_no}：{target}",
            obj=locked,
            reason=text,
            detail={"entries": moved, "notices": len(notices)},
            ip=client_ip(request),
        )
    return locked


def refuse(
    user: Any, application: RepairApplication, reasons: str, *, request: Any = None
) -> RepairApplication:
    """Refuse (不予修复): reasons are required and shown to the applicant."""
    _ensure_responsible(user, application, "审核信用修复申请", request)
    text = reasons.strip()
    if not text:
        raise RepairError("不予修复须说明理由")
    with transaction.atomic():
        locked = _lock(application)
        if locked.status == RepairStatus.SUBMITTED:
            _step(locked, "受理", "受理并审核", user)
        locked.status = RepairStatus.REFUSED
        locked.decided_at = timezone.now()
        locked.decided_by = user if getattr(user, "pk", None) else None
        locked.decision_reason = text
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        _step(locked, "不予修复", text, user)
        audit(
            user,
            AuditAction.UPDATE,
            f"不予信用修复{locked.tracking_no}",
            obj=locked,
            reason=text,
            ip=client_ip(request),
        )
    return locked
