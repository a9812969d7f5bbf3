"""The arrears ledger (拖欠账款台账, R-GOV-6): record, plan, repay, and what monitoring reads.

* ``record_arrear`` — an arrear of a department, another government body or a state enterprise
  to an enterprise (private or small and medium-sized: ``creditor_sme``), in 万元.
* ``set_plan`` — a repayment plan (instalments summing to what is still owed); a new plan
  supersedes the old one, which is kept.
* ``repay`` — a repayment with its proof; the status follows from the amounts:
  nothing paid 未偿还, some paid 部分偿还, all paid 已清偿 (with the day it was cleared).
* ``set_disputed`` — an arrear in dispute (e.g. before a court) does not count as unpaid
  undisputed.
* ``unpaid_undisputed(month)`` — the month's statement: arrears due by the end of the month,
  not disputed, and not fully repaid by then. (Monitoring itself reads the integrity archive,
  which every ledger change updates: ``integrity.sources.sync_arrear``.)
* ``court_listed_bodies(day)`` — 发现一起、预警一起、退出一起: government debtors on the
  失信被执行人 list are found, their department is warned (inbox notice), and the tracking ends
  when they are no longer listed.

Operators act on every arrear; a department on those it answers for (its own as debtor, or as
supervising department). Every change is an ``ArrearEvent`` and an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from xinyong.arrears.models import (
    ZERO,
    Arrear,
    ArrearEvent,
    ArrearStatus,
    CourtWatch,
    DebtorKind,
    EventKind,
    Instalment,
    Repayment,
    RepaymentPlan,
)
from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip
from xinyong.audit.services import record as audit
from xinyong.core import uscc
from xinyong.departments.models import Department
from xinyong.departments.permissions import ensure_can_act_for, scope_to_user
from xinyong.lists.models import ListEntry
from xinyong.subjects.models import Subject, SubjectKind

__all__ = [
    "ArrearError",
    "CourtSweep",
    "UnpaidArrear",
    "court_listed_bodies",
    "derive_status",
    "ensure_can_view",
    "ledger_for",
    "parse_amount",
    "record_arrear",
    "repay",
    "set_disputed",
    "set_plan",
    "status_on",
    "unpaid_undisputed",
]

COURT_LIST = "sxbzxr"
NOTICE_KIND = "arrears"
MAX_AMOUNT = Decimal("100000000")  # 1万亿元, in 万元: anything above is a typing error


class ArrearError(ValueError):
    """A ledger change is refused; the message says why, in Chinese."""


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _wan(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.0001')).normalize():f}万元"


def parse_amount(value: Any, what: str = "金额") -> Decimal:
    """An amount in 万元: positive, at most 6 decimals (分)."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ArrearError(f"{what}“{value}”不是有效数字（单位：万元）") from None
    if not amount.is_finite() or amount <= 0:
        raise ArrearError(f"{what}必须大于0（单位：万元）")
    if amount > MAX_AMOUNT:
        raise ArrearError(f"{what}过大，请核对单位（万元）")
    if amount != amount.quantize(Decimal("0.000001")):
        raise ArrearError(f"{what}最多精确到分（万元后6位小数）")
    return amount


def derive_status(amount: Decimal, paid: Decimal) -> str:
    """未偿还 / 部分偿还 / 已清偿 from the amount owed and the amount repaid."""
    if paid <= 0:
        return ArrearStatus.UNPAID
    if paid >= amount:
        return ArrearStatus.CLEARED
    return ArrearStatus.PARTIAL


def status_on(arrear: Arrear, day: dt.date) -> str:
    """The status as it was at the end of ``day`` (repayments made up to that day)."""
    paid = arrear.repayments.filter(paid_on__lte=day).aggregate(s=Sum("amount"))["s"] or ZERO
    return derive_status(arrear.amount, paid)


def _event(
    arrear: Arrear,
    kind: str,
    actor: Any,
    day: dt.date,
    note: str,
    *,
    request: Any = None,
    action: str = AuditAction.UPDATE,
    detail: dict[str, Any] | None = None,
) -> ArrearEvent:
    user = actor if getattr(actor, "pk", None) else None
    event = ArrearEvent.objects.create(
        arrear=arrear,
        kind=kind,
        day=day,
        actor=user,
        actor_name=user.get_username() if user is not None else str(actor or "系统"),
        note=note,
        status_after=arrear.status,
        paid_after=arrear.paid,
    )
    audit(
        actor if actor is not None else "系统",
        action,
        f"拖欠账款台账：{arrear}：{EventKind(kind).label}",
        obj=arrear,
        reason=note[:500],
        detail={
            "event": event.pk,
            "status": arrear.status,
            "paid": str(arrear.paid),
            **(detail or {}),
        },
        ip=client_ip(request),
    )
    # Every change of the ledger is reflected in the debtor body's integrity archive at once.
    from xinyong.integrity.sources import sync_arrear

    sync_arrear(arrear, day, actor=actor if actor is not None else "系统")
    return event


def _code(value: str, who: str) -> str:
    try:
        return uscc.validate(value.strip().upper())
    except ValueError as exc:
        raise ArrearError(f"{who}的统一社会信用代码无效：{exc}") from None


# -- recording ----------------------------------------------------------------------------------


def record_arrear(
    user: Any,
    *,
    debtor_kind: str,
    creditor_name: str,
    creditor_uscc: str,
    amount: Any,
    due_date: dt.date,
    basis: str,
    debtor_department: Department | None = None,
    debtor_name: str = "",
    debtor_uscc: str = "",
    department: Department | None = None,
    creditor_sme: bool = True,
    disputed: bool = False,
    dispute_note: str = "",
    today: dt.date | None = None,
    request: Any = None,
) -> Arrear:
    """Record an arrear. A department records its own (as debtor or supervising department);
    the credit office any."""
    day = _today(today)
    if debtor_kind not in DebtorKind.values:
        raise ArrearError("请选择债务人类别")
    if debtor_kind == DebtorKind.DEPARTMENT:
        if debtor_department is None:
            raise ArrearError("债务人为本县部门的，请选择该部门")
        department = debtor_department
        name, code = debtor_department.name, debtor_department.code
    else:
        name = debtor_name.strip()
        if not name or len(name) > 200:
            raise ArrearError("请填写债务人名称（最多200个字符）")
        code = _code(debtor_uscc, "债务人")
    ensure_can_act_for(user, department, what="登记拖欠账款", request=request)
    creditor = creditor_name.strip()
    if not creditor or len(creditor) > 200:
        raise ArrearError("请填写债权企业名称（最多200个字符）")
    creditor_code = _code(creditor_uscc, "债权企业")
    if creditor_code == code:
        raise ArrearError("债务人和债权企业不能是同一主体")
    value = parse_amount(amount, "欠款金额")
    basis = basis.strip()
    if len(basis) < 2:
        raise ArrearError("请写明合同或其他依据")
    if disputed and not dispute_note.strip():
        raise ArrearError("存在争议的，请写明争议说明")
    with transaction.atomic():
        arrear = Arrear.objects.create(
            debtor_kind=debtor_kind,
            debtor_name=name,
            debtor_uscc=code,
            debtor_subject=Subject.objects.filter(uscc=code).first(),
            department=department,
            creditor_name=creditor,
            creditor_uscc=creditor_code,
            creditor_sme=creditor_sme,
            amount=value,
            due_date=due_date,
            basis=basis,
            disputed=disputed,
            dispute_note=dispute_note.strip()[:500],
            recorded_on=day,
            recorded_by=user if getattr(user, "pk", None) else None,
        )
        arrear.court_listed = _listed_subjects([arrear.debtor_subject_id], day) != set()
        arrear.save(update_fields=["court_listed"])
        _event(
            arrear,
            EventKind.RECORD,
            user,
            day,
            f"登记欠款{_wan(value)}，应付日期{due_date:%Y-%m-%d}"
            + ("，存在争议" if disputed else ""),
            request=request,
            action=AuditAction.CREATE,
        )
    return arrear


def _locked(arrear: Arrear) -> Arrear:
    return Arrear.objects.select_for_update().get(pk=arrear.pk)


def ensure_can_view(user: Any, arrear: Arrear, request: Any = None, *, what: str = "") -> None:
    """Operators every arrear; a department those it answers for (403 + audit)."""
    ensure_can_act_for(
        user, arrear.department, what=what or f"查看拖欠账款{arrear.pk}", request=request
    )


def ledger_for(user: Any) -> Any:
    """The arrears a staff member sees: all for an operator, its department's for others."""
    return scope_to_user(user, Arrear.objects.select_related("department", "debtor_subject"))


def set_plan(
    user: Any,
    arrear: Arrear,
    instalments: Sequence[tuple[dt.date, Any]],
    note: str = "",
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> RepaymentPlan:
    """A repayment plan whose instalments add up to what is still owed."""
    ensure_can_view(user, arrear, request, what="制定还款计划")
    day = _today(today)
    if not instalments:
        raise ArrearError("请至少填写一期还款计划")
    rows = sorted((d, parse_amount(a, f"{d:%Y-%m-%d}的计划金额")) for d, a in instalments)
    dates = [d for d, _ in rows]
    if len(set(dates)) != len(dates):
        raise ArrearError("同一日期只能有一期还款计划")
    with transaction.atomic():
        arrear = _locked(arrear)
        if arrear.status == ArrearStatus.CLEARED:
            raise ArrearError("该笔欠款已清偿，无需还款计划")
        total = sum((a for _, a in rows), ZERO)
        if total != arrear.outstanding:
            raise ArrearError(
                f"各期金额合计{_wan(total)}，应等于尚欠金额{_wan(arrear.outstanding)}"
            )
        arrear.plans.filter(current=True).update(current=False)
        plan = RepaymentPlan.objects.create(
            arrear=arrear,
            made_on=day,
            note=note.strip()[:500],
            made_by=user if getattr(user, "pk", None) else None,
        )
        Instalment.objects.bulk_create(
            [Instalment(plan=plan, due_date=d, amount=a) for d, a in rows]
        )
        _event(
            arrear,
            EventKind.PLAN,
            user,
            day,
            f"还款计划{len(rows)}期，最后一期{rows[-1][0]:%Y-%m-%d}，合计{_wan(total)}"
            + (f"；{note.strip()}" if note.strip() else ""),
            request=request,
            detail={"instalments": [[f"{d}", str(a)] for d, a in rows]},
        )
    return plan


def repay(
    user: Any,
    arrear: Arrear,
    paid_on: dt.date,
    amount: Any,
    proof: str,
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Repayment:
    """Record a repayment; the status follows from the amounts."""
    ensure_can_view(user, arrear, request, what="登记还款")
    day = _today(today)
    value = parse_amount(amount, "还款金额")
    proof = proof.strip()
    if len(proof) < 2:
        raise ArrearError("请填写还款凭证号或说明")
    if paid_on > day:
        raise ArrearError("还款日期不能晚于今天")
    with transaction.atomic():
        arrear = _locked(arrear)
        if value > arrear.outstanding:
            raise ArrearError(f"还款金额{_wan(value)}超过尚欠金额{_wan(arrear.outstanding)}")
        payment = Repayment.objects.create(
            arrear=arrear,
            paid_on=paid_on,
            amount=value,
            proof=proof[:500],
            recorded_by=user if getattr(user, "pk", None) else None,
        )
        arrear.paid += value
        arrear.status = derive_status(arrear.amount, arrear.paid)
        if arrear.status == ArrearStatus.CLEARED:
            arrear.cleared_on = max(
                arrear.repayments.values_list("paid_on", flat=True), default=paid_on
            )
        arrear.save(update_fields=["paid", "status", "cleared_on"])
        _event(
            arrear,
            EventKind.REPAY,
            user,
            day,
            f"{paid_on:%Y-%m-%d}还款{_wan(value)}（凭证：{proof}），尚欠{_wan(arrear.outstanding)}",
            request=request,
            action=AuditAction.CREATE,
            detail={"repayment": payment.pk},
        )
    return payment


def set_disputed(
    user: Any,
    arrear: Arrear,
    disputed: bool,
    note: str,
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Arrear:
    """Mark an arrear disputed (with the reason) or no longer disputed."""
    ensure_can_view(user, arrear, request, what="变更争议状态")
    note = note.strip()
    if len(note) < 2:
        raise ArrearError("请写明争议情况或争议解决情况")
    day = _today(today)
    with transaction.atomic():
        arrear = _locked(arrear)
        if arrear.disputed == disputed:
            raise ArrearError("争议状态没有变化")
        arrear.disputed = disputed
        arrear.dispute_note = note[:500]
        arrear.save(update_fields=["disputed", "dispute_note"])
        _event(
            arrear,
            EventKind.DISPUTE,
            user,
            day,
            ("标记为存在争议：" if disputed else "争议已解决：") + note,
            request=request,
        )
    return arrear


# -- monitoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnpaidArrear:
    """An arrear unpaid and undisputed at the end of a month (the month's statement)."""

    arrear_id: int
    department_id: int | None
    debtor_name: str
    debtor_uscc: str
    due_date: dt.date
    outstanding: Decimal


def _month_end(month: str | dt.date) -> dt.date:
    if isinstance(month, str):
        try:
            year, mon = (int(part) for part in month.split("-"))
            first = dt.date(year, mon, 1)
        except ValueError:
            raise ArrearError(f"月份“{month}”无效，应如2026-10") from None
    else:
        first = month.replace(day=1)
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def unpaid_undisputed(month: str | dt.date) -> list[UnpaidArrear]:
    """Arrears due by the last day of ``month``, recorded by then, not disputed (as marked
    now), and not fully repaid by then — with what was still owed at the end of the month."""
    end = _month_end(month)
    money = DecimalField(max_digits=18, decimal_places=6)
    qs = (
        Arrear.objects.filter(due_date__lte=end, recorded_on__lte=end, disputed=False)
        .annotate(
            paid_by=Coalesce(
                Sum("repayments__amount", filter=Q(repayments__paid_on__lte=end)),
                Value(ZERO, output_field=money),
                output_field=money,
            )
        )
        .order_by("id")
    )
    return [
        UnpaidArrear(
            arrear_id=a.pk,
            department_id=a.department_id,
            debtor_name=a.debtor_name,
            debtor_uscc=a.debtor_uscc,
            due_date=a.due_date,
            outstanding=a.amount - a.paid_by,
        )
        for a in qs
        if a.amount - a.paid_by > 0
    ]


# -- 发现一起、预警一起、退出一起 -----------------------------------------------------------------


@dataclass
class CourtSweep:
    """What one run of ``court_listed_bodies`` did, with the bodies still listed."""

    day: dt.date
    found: list[CourtWatch] = field(default_factory=list)
    exited: list[CourtWatch] = field(default_factory=list)
    listed: list[CourtWatch] = field(default_factory=list)

    def explain(self) -> str:
        return (
            f"失信被执行人政府机构：新发现{len(self.found)}家（已预警），退出{len(self.exited)}家，"
            f"仍在名单{len(self.listed)}家"
        )


def _listed_subjects(subject_ids: Sequence[int | None], day: dt.date) -> set[int]:
    ids = [i for i in subject_ids if i is not None]
    if not ids:
        return set()
    return set(
        ListEntry.objects.in_force(day)
        .filter(list_code=COURT_LIST, subject_id__in=ids)
        .values_list("subject_id", flat=True)
    )


def _responsible(subject: Subject) -> Department | None:
    """The department to warn about a listed body: the body itself when it is a department,
    else the department answerable for its arrears in the ledger."""
    if subject.uscc:
        own = Department.objects.filter(code=subject.uscc, is_active=True).first()
        if own is not None:
            return own
    arrear = (
        Arrear.objects.filter(debtor_subject=subject, department__isnull=False)
        .select_related("department")
        .order_by("id")
        .first()
    )
    return arrear.department if arrear is not None else None


def court_listed_bodies(day: dt.date | None = None) -> CourtSweep:
    """发现一起、预警一起、退出一起 (R-GOV-6); safe to run twice on a day.

    Tracked bodies: government subjects, subjects with a department's code, and every debtor
    of the ledger. A tracked body in force on the 失信被执行人 list with no open tracking is
    found and its department warned (inbox notice; the credit office sees it at
    /office/arrears/court/); an open tracking whose body is no longer listed is closed
    (退出). The ledger's ``court_listed`` flags follow.
    """
    from xinyong.integrity.sources import sync_court_watch
    from xinyong.jrp.notify import notify_department

    today = _today(day)
    sweep = CourtSweep(today)
    # Debtors recorded before their subject existed: link them by code.
    for arrear in Arrear.objects.filter(debtor_subject__isnull=True):
        subject = Subject.objects.filter(uscc=arrear.debtor_uscc).first()
        if subject is not None:
            arrear.debtor_subject = subject
            arrear.save(update_fields=["debtor_subject"])
    tracked = (
        Q(subject__kind=SubjectKind.GOVERNMENT)
        | Q(subject__uscc__in=Department.objects.values("code"))
        | Q(
            subject__in=Arrear.objects.filter(debtor_subject__isnull=False).values("debtor_subject")
        )
    )
    entries = (
        ListEntry.objects.in_force(today)
        .filter(list_code=COURT_LIST, subject__isnull=False)
        .filter(tracked)
        .select_related("subject")
        .order_by("start_date", "id")
    )
    listed: dict[int, ListEntry] = {}
    for entry in entries:
        assert entry.subject_id is not None
        listed.setdefault(entry.subject_id, entry)
    with transaction.atomic():
        open_watches = {w.subject_id: w for w in CourtWatch.objects.filter(exited_on__isnull=True)}
        for subject_id, entry in listed.items():
            if subject_id in open_watches:
                sweep.listed.append(open_watches[subject_id])
                continue
            subject = entry.subject
            assert subject is not None
            department = _responsible(subject)
            owed = Arrear.objects.filter(debtor_subject=subject).exclude(
                status=ArrearStatus.CLEARED
            )
            total = sum((a.outstanding for a in owed), ZERO)
            warning = (
                f"{subject.name}于{entry.start_date:%Y-%m-%d}被{entry.authority_name or '人民法院'}"
                f"列为失信被执行人（案号{entry.doc_no or '—'}）。请立即履行生效法律文书确定的义务，"
                f"履行后向执行法院申请删除失信信息；台账内尚欠{owed.count()}笔、{_wan(total)}。"
            )
            watch = CourtWatch.objects.create(
                subject=subject,
                department=department,
                entry=entry,
                listed_name=subject.name,
                case_no=entry.doc_no,
                court=entry.authority_name,
                found_on=today,
                warned_on=today,
                warning=warning,
            )
            event = sync_court_watch(watch)
            # A body under evaluation is warned through its integrity archive (one notice).
            warned = event is not None and event.body.department_id == getattr(
                department, "pk", None
            )
            if department is not None and not warned:
                notify_department(
                    department.pk,
                    NOTICE_KIND,
                    f"预警：{subject.name}被列为失信被执行人",
                    warning,
                    subject=subject,
                    link="/office/arrears/court/",
                    data={"court_watch": watch.pk},
                )
            audit(
                "系统",
                AuditAction.CREATE,
                f"发现失信被执行人政府机构：{subject.name}，"
                + (f"已预警{department.name}" if department else "无对应部门，由信用办跟踪"),
                obj=watch,
                detail={"entry": entry.pk, "department": department.pk if department else None},
            )
            sweep.found.append(watch)
            sweep.listed.append(watch)
        for subject_id, watch in open_watches.items():
            if subject_id in listed:
                continue
            watch.exited_on = today
            watch.save(update_fields=["exited_on"])
            sync_court_watch(watch)
            if watch.department_id is not None:
                notify_department(
                    watch.department_id,
                    NOTICE_KIND,
                    f"{watch.listed_name}已退出失信被执行人名单",
                    f"{watch.listed_name}已不在失信被执行人名单中（{today:%Y-%m-%d}核查），"
                    f"跟踪结束。",
                    subject=watch.subject,
                    link="/office/arrears/court/",
                    data={"court_watch": watch.pk},
                )
            audit(
                "系统",
                AuditAction.UPDATE,
                f"失信被执行人政府机构退出名单：{watch.listed_name}",
                obj=watch,
            )
            sweep.exited.append(watch)
        _sync_flags(set(listed), today)
    return sweep


def _sync_flags(listed: set[int], day: dt.date) -> None:
    """The ledger's ``court_listed`` flags follow the list; each change is an event."""
    for arrear in Arrear.objects.filter(debtor_subject__isnull=False).select_related(
        "debtor_subject"
    ):
        now = arrear.debtor_subject_id in listed
        if arrear.court_listed == now:
            continue
        arrear.court_listed = now
        arrear.save(update_fields=["court_listed"])
        _event(
            arrear,
            EventKind.LISTED if now else EventKind.EXITED,
            "系统",
            day,
            "债务人被列为失信被执行人" if now else "债务人已退出失信被执行人名单",
        )
