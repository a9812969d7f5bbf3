"""Public commitments (公开承诺, R-GOV-2): publishing, fulfilment reports, withdrawal, and their
place in the integrity archive (政务诚信档案).

* ``publish`` — the body's own department user, or an operator of the credit office, publishes a
  pledge signed by the body's head (姓名、职务, 签署日期), with an optional due date (兑现期限).
* ``report`` — a fulfilment report (履约情况报送: 已履行 / 履行中 / 未履行, with evidence files)
  of last month (报送上月履约信息) becomes an archive event ``fulfilment_report`` dated the report
  day, so one made by the evaluation model's due day earns that month's on-time bonus. Reports
  of any other month are kept and published but make no event (``PledgeRule.makes_event``).
* ``check_overdue`` — the daily job: a pledge past its due date whose latest report is not
  已履行 (or which has none) becomes an archive event ``commitment_unkept`` dated the day after
  the due date; the model lists that kind as dishonest, so the body gets a 失信事项 at once. A
  later 已履行 report rectifies it (``archive.clear_event``). A standing pledge (no due date)
  is unkept when the body reports 未履行, on the report day (origin ``pledge-undone:<report>``).
* ``withdraw`` — nothing is deleted; a withdrawn pledge keeps its reason and its history, and
  an unkept event it already caused stays on the archive.

Archive events are made only through ``xinyong.integrity.archive`` (origins ``pledge:<id>`` and
``pledge-report:<id>``), so running anything twice never counts twice.

Free text the portal publishes (title, content, report text, withdrawal reason) is saved with
ID numbers masked (``xinyong.core.ric.mask_in_text``): a number typed there is never published.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError as DatabaseError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip
from xinyong.audit.services import record as audit
from xinyong.core.ric import mask_in_text
from xinyong.departments.permissions import ensure_can_act_for, refuse
from xinyong.integrity import archive
from xinyong.integrity.models import GovBody, SourceChannel
from xinyong.integrity.services import IntegrityError
from xinyong.pledges.models import (
    FulfilmentReport,
    Pledge,
    PledgeStatus,
    ReportFile,
    ReportStatus,
)
from xinyong.pledges.rules import PledgeRule, rule_on
from xinyong.uploads import check_files, discard, file_rows, store_files

__all__ = [
    "ACTOR",
    "OverdueRun",
    "PledgeError",
    "PledgeInput",
    "add_report",
    "bodies_for",
    "check_overdue",
    "create_pledge",
    "ensure_can_act_for_body",
    "parse_period",
    "pledges_for",
    "public_pledges",
    "publish",
    "report",
    "rule_of",
    "withdraw",
]

#: who the daily job acts as in the audit log
ACTOR = "系统（每日任务）"


class PledgeError(ValueError):
    """A step is refused; the message says why, in Chinese. Nothing was changed."""


@dataclass(frozen=True)
class PledgeInput:
    """A pledge as its body writes it."""

    title: str
    content: str
    category: str
    signer_name: str
    signer_title: str
    signed_on: dt.date
    due_date: dt.date | None = None
    public: bool = True


# -- helpers -------------------------------------------------------------------------------


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def rule_of(pledge: Pledge) -> PledgeRule:
    return rule_on(pledge.signed_on)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def parse_period(text: str) -> dt.date:
    """``YYYY-MM`` → the first day of that month."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise PledgeError(f"报送月份“{text}”无效，应为YYYY-MM格式，如2026-05")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def ensure_can_act_for_body(
    user: Any, body: GovBody, *, what: str = "", request: Any = None
) -> None:
    """Operators act for every body; a department user only for the body whose platform
    department is its own (403 with the reason, audited)."""
    if (
        body.department_id is None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and not user.is_operator
    ):
        raise refuse(
            user,
            f"“{body.name}”未关联平台部门，只有信用办可以代为办理",
            what=what,
            request=request,
        )
    ensure_can_act_for(user, body.department, what=what, request=request)


def bodies_for(user: Any) -> QuerySet[GovBody]:
    """The bodies a staff member may publish and report for."""
    qs = GovBody.objects.select_related("department", "subject").order_by("level", "name")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_operator:
        return qs
    if user.department_id is None or not user.department.is_active:
        return qs.none()
    return qs.filter(department_id=user.department_id)


def pledges_for(user: Any) -> QuerySet[Pledge]:
    """The pledges a staff member sees at /office/: all for an operator, its body's otherwise."""
    return Pledge.objects.select_related("body").filter(body__in=bodies_for(user))


def public_pledges(q: str = "") -> QuerySet[Pledge]:
    """Pledges published on the portal (withdrawn ones too, with their reason), searchable by
    the body's name or the pledge's title."""
    qs = Pledge.objects.filter(public=True).select_related("body", "body__subject")
    q = q.strip()[:100]
    if q:
        qs = qs.filter(Q(body__name__icontains=q) | Q(title__icontains=q) | Q(number=q))
    return qs.order_by("body__name", "-signed_on", "-id")


#: attempts at a pledge number when concurrent publishes take the same one
NUMBER_ATTEMPTS = 5


def _new_number(day: dt.date) -> str:
    """The year's next number ``GKCN<year>-<seq>``, at least 4 digits. The sequence is compared
    as a number: a string sort would put ``-9999`` after ``-10000`` and reuse a taken one."""
    prefix = f"GKCN{day.year}-"
    numbers = Pledge.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max(
        (int(tail) for tail in (n[len(prefix) :] for n in numbers) if tail.isdigit()),
        default=0,
    )
    return f"{prefix}{last + 1:04d}"


def _text(value: str, what: str, low: int, high: int, *, public: bool = False) -> str:
    """Checked, stripped text; ``public`` text (shown on the portal) has ID numbers masked."""
    value = (value or "").strip()
    if not value:
        raise PledgeError(f"请填写{what}")
    if len(value) < low:
        raise PledgeError(f"{what}过短（不少于{low}个字）")
    if len(value) > high:
        raise PledgeError(f"{what}过长（最多{high}个字）")
    return mask_in_text(value) if public else value


def _locked(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update().select_related("body").get(pk=pledge.pk)


# -- publishing ----------------------------------------------------------------------------


def publish(
    user: Any,
    body: GovBody,
    data: PledgeInput,
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Pledge:
    """Publish a pledge of ``body`` signed by its head. Bad input raises ``PledgeError``."""
    ensure_can_act_for_body(user, body, what="发布公开承诺", request=request)
    return create_pledge(user, body, data, today=today, request=request)


def create_pledge(
    actor: Any,
    body: GovBody,
    data: PledgeInput,
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Pledge:
    """``publish`` without the permission check, for trusted callers (demo data, imports)."""
    day = _today(today)
    title = _text(data.title, "承诺事项", 2, 200, public=True)
    content = _text(data.content, "承诺内容", 5, 5000, public=True)
    signer_name = _text(data.signer_name, "负责人姓名", 2, 50)
    signer_title = _text(data.signer_title, "负责人职务", 2, 50)
    if data.signed_on > day:
        raise PledgeError(f"签署日期{data.signed_on}晚于今天")
    try:
        rule = rule_on(data.signed_on)
    except ValueError as exc:
        raise PledgeError(str(exc)) from None
    if data.category not in rule.categories:
        raise PledgeError(f"请选择承诺类别（{'、'.join(rule.categories)}）")
    if data.due_date is not None and data.due_date < data.signed_on:
        raise PledgeError(f"兑现期限{data.due_date}早于签署日期{data.signed_on}")
    fields: dict[str, Any] = {
        "body": body,
        "title": title,
        "content": content,
        "category": data.category,
        "signer_name": signer_name,
        "signer_title": signer_title,
        "signed_on": data.signed_on,
        "due_date": data.due_date,
        "public": data.public,
        "rules_version": rule.version,
        "rule_from": rule.effective_from,
        "created_by": _user(actor),
    }
    with transaction.atomic():
        pledge = _create_numbered(fields, data.signed_on)
        audit(
            actor,
            AuditAction.CREATE,
            f"{body.name}发布公开承诺{pledge.number}《{title}》",
            obj=pledge,
            detail={
                "due_date": data.due_date.isoformat() if data.due_date else None,
                "public": data.public,
                "signer": pledge.signature,
            },
            ip=client_ip(request),
        )
    return pledge


def _create_numbered(fields: dict[str, Any], day: dt.date) -> Pledge:
    """Create the pledge with the next free number. A concurrent publish may take the same
    number first; the unique constraint then refuses ours inside a savepoint and the next
    number is tried, so the caller's transaction goes on instead of failing with a 500."""
    for _ in range(NUMBER_ATTEMPTS):
        number = _new_number(day)
        try:
            with transaction.atomic():
                return Pledge.objects.create(number=number, **fields)
        except DatabaseError:
            if not Pledge.objects.filter(number=number).exists():
                raise  # another constraint failed: not a numbering race
    raise PledgeError("承诺编号分配冲突（同时发布的承诺较多），请稍后重试")


# -- fulfilment ----------------------------------------------------------------------------


def _unkept_day(pledge: Pledge, rule: PledgeRule) -> dt.date | None:
    if pledge.due_date is None:
        return None
    return pledge.due_date + dt.timedelta(days=rule.days_after_due)


def _latest_status(pledge: Pledge, before: dt.date | None = None) -> str | None:
    qs = pledge.reports.all()
    if before is not None:
        qs = qs.filter(reported_on__lt=before)
    return qs.order_by("-reported_on", "-id").values_list("status", flat=True).first()


def _mark_unkept(
    pledge: Pledge,
    day: dt.date,
    latest: str | None,
    actor: Any,
    *,
    reported: FulfilmentReport | None = None,
) -> bool:
    """Record the pledge as unkept when it is; True if it was.

    A pledge with a due date is unkept the day after it (``days_after_due``) when its latest
    report is one of ``unkept_statuses`` or there is none. A standing pledge (no due date) has
    no deadline to miss: it is unkept when the body itself reports 未履行 (``reported``), on the
    report day; once rectified by a 已履行 report, a later 未履行 is a new breach.

    Caller holds the pledge row locked. A pledge already marked is left alone, so that a
    rectification recorded on its event is never undone by a second run."""
    if pledge.status != PledgeStatus.IN_FORCE:
        return False
    rule = rule_of(pledge)
    if pledge.due_date is None:
        if reported is None or reported.status not in rule.standing_unkept_statuses:
            return False
        when = day
        origin = f"pledge-undone:{reported.pk}"
        why = f"报送{reported.period:%Y年%m月}履约情况为“{reported.get_status_display()}”"
        note = f"长期承诺，{why}"
        headline = "未兑现"
    else:
        unkept_on = _unkept_day(pledge, rule)
        if (
            unkept_on is None
            or day < unkept_on
            or pledge.unkept_event_id is not None
            or (latest is not None and latest not in rule.unkept_statuses)
        ):
            return False
        when = unkept_on
        origin = f"pledge:{pledge.pk}"
        why = (
            "未报送履约情况" if latest is None else f"最近一次报送为“{ReportStatus(latest).label}”"
        )
        note = f"兑现期限{pledge.due_date}已过，{why}"
        headline = "逾期未兑现"
    try:
        event = archive.add_event(
            pledge.body,
            rule.unkept_kind,
            when,
            channel=SourceChannel.SELF,
            source_doc=pledge.source_doc,
            origin=origin,
            note=note,
            actor=actor,
        )
    except IntegrityError as exc:
        raise PledgeError(str(exc)) from None
    pledge.unkept_event = event
    pledge.status = PledgeStatus.UNFULFILLED
    pledge.save(update_fields=["unkept_event", "status", "updated_at"])
    audit(
        actor,
        AuditAction.UPDATE,
        f"公开承诺{pledge.number}{headline}，记入{pledge.body.name}政务诚信档案",
        obj=pledge,
        reason=note,
        detail={"event": event.pk, "event_date": when.isoformat()},
    )
    if pledge.body.department_id is not None:
        from xinyong.jrp.notify import notify_department

        department_id: int = pledge.body.department_id
        text = (
            f"公开承诺{pledge.number}《{pledge.title}》{note}，"
            f"已记为承诺未兑现并列入失信政府机构名单事项；兑现后请报送“已履行”及证明材料。"
        )
        transaction.on_commit(
            lambda: notify_department(
                department_id,
                "pledge_unkept",
                f"公开承诺{headline}：{pledge.title}",
                text,
                subject=pledge.body.subject,
                link=f"/office/integrity/pledges/{pledge.number}/",
                data={"pledge": pledge.pk, "event": event.pk},
            )
        )
    return True


def report(
    user: Any,
    pledge: Pledge,
    *,
    period: dt.date | str,
    status: str,
    text: str,
    uploads: Sequence[Any] = (),
    today: dt.date | None = None,
    request: Any = None,
) -> FulfilmentReport:
    """Report a pledge's fulfilment for a month (``period``), with evidence files.

    A report of last month becomes a ``fulfilment_report`` archive event dated today (other
    months: recorded and published, no event); 已履行 rectifies an
    unkept event and closes a pledge with a due date. Bad input raises ``PledgeError`` (or
    ``xinyong.uploads.MaterialError``) and stores nothing."""
    ensure_can_act_for_body(user, pledge.body, what=f"报送{pledge.number}履约情况", request=request)
    return add_report(
        user,
        pledge,
        period=period,
        status=status,
        text=text,
        uploads=uploads,
        today=today,
        request=request,
    )


def add_report(
    user: Any,
    pledge: Pledge,
    *,
    period: dt.date | str,
    status: str,
    text: str,
    uploads: Sequence[Any] = (),
    today: dt.date | None = None,
    request: Any = None,
) -> FulfilmentReport:
    """``report`` without the permission check, for trusted callers (demo data, imports)."""
    day = _today(today)
    month = parse_period(period) if isinstance(period, str) else period.replace(day=1)
    if month > day.replace(day=1):
        raise PledgeError(f"报送月份{month:%Y-%m}晚于本月")
    if month < pledge.signed_on.replace(day=1):
        raise PledgeError(f"报送月份{month:%Y-%m}早于承诺签署月份{pledge.signed_on:%Y-%m}")
    if status not in ReportStatus.values:
        raise PledgeError("请选择履行情况（已履行 / 履行中 / 未履行）")
    body_text = _text(text, "履行情况说明", 5, 5000, public=True)
    rule = rule_of(pledge)
    checked = check_files(list(uploads), rule.evidence)
    written: list[Any] = []
    try:
        with transaction.atomic():
            pledge = _locked(pledge)
            if pledge.status == PledgeStatus.WITHDRAWN:
                raise PledgeError(f"承诺{pledge.number}已于{pledge.withdrawn_on}撤回，不能报送")
            if pledge.status == PledgeStatus.FULFILLED:
                raise PledgeError(f"承诺{pledge.number}已于{pledge.fulfilled_on}兑现，无需再报送")
            # Whatever day the daily job last ran, a pledge already past due is recorded as
            # unkept first, so the archive does not depend on the job's timing.
            _mark_unkept(pledge, day, _latest_status(pledge), user)
            item = FulfilmentReport.objects.create(
                pledge=pledge,
                period=month,
                reported_on=day,
                status=status,
                text=body_text,
                reported_by=_user(user),
            )
            folder = Path(settings.DATA_DIR) / "pledges" / str(item.pk)
            written = store_files(folder, checked)
            ReportFile.objects.bulk_create(file_rows(ReportFile, written, report=item))
            # Only last month's report is 报送上月履约信息 (the on-time bonus); an old or current
            # month's report is published but is no archive event.
            if rule.makes_event(month, day):
                try:
                    item.event = archive.add_event(
                        pledge.body,
                        rule.report_kind,
                        day,
                        channel=SourceChannel.SELF,
                        source_doc=pledge.source_doc,
                        origin=f"pledge-report:{item.pk}",
                        note=f"{month:%Y年%m月}履约情况：{item.get_status_display()}",
                        actor=user,
                    )
                except IntegrityError as exc:
                    raise PledgeError(str(exc)) from None
                item.save(update_fields=["event"])
            audit(
                user,
                AuditAction.CREATE,
                f"{pledge.body.name}报送公开承诺{pledge.number}{month:%Y年%m月}履约情况："
                f"{item.get_status_display()}",
                obj=pledge,
                detail={"report": item.pk, "files": len(written), "event": item.event_id},
                ip=client_ip(request),
            )
            if status == ReportStatus.DONE:
                _fulfilled(pledge, day, user)
            else:
                _mark_unkept(pledge, day, status, user, reported=item)
    except Exception:
        discard(written)
        raise
    return item


def _fulfilled(pledge: Pledge, day: dt.date, actor: Any) -> None:
    """已履行: rectify the unkept event, and close a pledge that had a due date."""
    event = pledge.unkept_event
    if event is not None and event.rectified_on is None:
        archive.clear_event(event, rectified_on=max(day, event.event_date), actor=actor)
    if pledge.due_date is None:
        if pledge.status == PledgeStatus.UNFULFILLED:
            pledge.status = PledgeStatus.IN_FORCE
            pledge.save(update_fields=["status", "updated_at"])
        return
    pledge.status = PledgeStatus.FULFILLED
    pledge.fulfilled_on = day
    pledge.save(update_fields=["status", "fulfilled_on", "updated_at"])
    audit(
        actor,
        AuditAction.UPDATE,
        f"公开承诺{pledge.number}已兑现"
        + ("（逾期兑现，承诺未兑现事项整改完成）" if event is not None else ""),
        obj=pledge,
    )


# -- withdrawal ----------------------------------------------------------------------------


def withdraw(
    user: Any,
    pledge: Pledge,
    reason: str,
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Pledge:
    """Withdraw a pledge with its reason; it stays on record (and on the portal if public)."""
    ensure_can_act_for_body(user, pledge.body, what=f"撤回{pledge.number}", request=request)
    why = _text(reason, "撤回理由", 5, 2000, public=True)
    day = _today(today)
    with transaction.atomic():
        pledge = _locked(pledge)
        if pledge.status == PledgeStatus.WITHDRAWN:
            raise PledgeError(f"承诺{pledge.number}已于{pledge.withdrawn_on}撤回")
        if pledge.status == PledgeStatus.FULFILLED:
            raise PledgeError(f"承诺{pledge.number}已兑现，不能撤回")
        pledge.status = PledgeStatus.WITHDRAWN
        pledge.withdrawn_on = day
        pledge.withdraw_reason = why
        pledge.save(update_fields=["status", "withdrawn_on", "withdraw_reason", "updated_at"])
        audit(
            user,
            AuditAction.REVOKE,
            f"{pledge.body.name}撤回公开承诺{pledge.number}《{pledge.title}》",
            obj=pledge,
            reason=why,
            detail={"unkept_event": pledge.unkept_event_id},
            ip=client_ip(request),
        )
    return pledge


# -- the daily job -------------------------------------------------------------------------


@dataclass
class OverdueRun:
    day: dt.date
    checked: int = 0
    marked: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"公开承诺逾期检查（{self.day:%Y年%m月%d日}）：核对到期承诺{self.checked}项，"
            f"新认定逾期未兑现{len(self.marked)}项",
            *[f"  {line}" for line in self.marked],
        ]


def check_overdue(today: dt.date | None = None) -> OverdueRun:
    """The daily job: pledges past their due date and not kept become ``commitment_unkept``
    archive events (and 失信事项). Safe to run twice: a pledge is marked once."""
    day = _today(today)
    run = OverdueRun(day)
    due = (
        Pledge.objects.filter(status=PledgeStatus.IN_FORCE, due_date__lt=day)
        .order_by("due_date", "pk")
        .values_list("pk", flat=True)
    )
    for pk in list(due):
        with transaction.atomic():
            pledge = Pledge.objects.select_for_update().select_related("body").get(pk=pk)
            run.checked += 1
            if _mark_unkept(pledge, day, _latest_status(pledge), ACTOR):
                run.marked.append(
                    f"{pledge.body.name}：{pledge.number}《{pledge.title}》（兑现期限{pledge.due_date}）"
                )
    if run.marked:
        audit(
            ACTOR,
            AuditAction.UPDATE,
            f"公开承诺逾期检查：新认定逾期未兑现{len(run.marked)}项",
            object_type="pledges.check_overdue",
            object_id=day.isoformat(),
            detail={"day": day.isoformat(), "checked": run.checked, "marked": run.marked},
        )
    return run
