"""失信政府机构名单 (R-GOV-4): bodies and their dishonesty items with rectification progress.

An event of a kind the model names (unkept promise, arrears, court listing, breach ruling,
fraud) opens a dishonesty item as it arrives; rectification or repair of the event closes it.
An item still open when its rectification period runs out escalates the body to the
serious-dishonesty list (:func:`escalate_due`, a daily job), published, which bars the body
from honours for the model's bar period.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record
from xinyong.core import ric
from xinyong.departments.permissions import scope_to_user
from xinyong.integrity import engine
from xinyong.integrity.model import Model
from xinyong.integrity.models import DishonestItem, GovBody, IntegrityEvent
from xinyong.integrity.services import IntegrityError, model_for
from xinyong.lists.models import ListEntry
from xinyong.lists.services import add_rule_entry

__all__ = [
    "Sweep",
    "escalate_due",
    "honour_bars",
    "on_event",
    "open_items",
    "rectify",
    "register_of",
    "report_progress",
    "visible_items",
]

#: The list a body escalates to (lists/data/lists.yaml, scope ``rule``).
SERIOUS_LIST = "zfsx"


def on_event(event: IntegrityEvent, model: Model, actor: Any = None) -> DishonestItem | None:
    """Open the event's dishonesty item once, and keep it in step with the event: its
    rectification (or the reopening when that is taken back), a correction of body, kind or
    date, and the event's withdrawal (the item is voided, and an escalation it caused ends)."""
    cleared = min((d for d in (event.rectified_on, event.repaired_on) if d), default=None)
    item = DishonestItem.objects.filter(event=event).first()
    if item is not None:
        if item.voided_on is None:
            _follow(item, event, model, cleared, actor)
        return item
    if event.withdrawn_on is not None or event.kind not in model.dishonest_kinds:
        return None
    item = DishonestItem.objects.create(
        body=event.body,
        event=event,
        kind=event.kind,
        title=_title(event, model),
        found_on=event.event_date,
        rectify_by=engine.add_months(event.event_date, model.rectify_months),
        rectified_on=cleared,
    )
    record(actor, AuditAction.CREATE, f"列入失信政府机构名单事项：{item.title}", obj=item)
    return item


def _title(event: IntegrityEvent, model: Model) -> str:
    return f"{event.body.name}：{model.kinds[event.kind]}"


def _follow(
    item: DishonestItem,
    event: IntegrityEvent,
    model: Model,
    cleared: datetime.date | None,
    actor: Any,
) -> None:
    if event.withdrawn_on is not None or event.kind not in model.dishonest_kinds:
        why = (
            f"失信事件已撤销：{event.withdraw_reason}"
            if event.withdrawn_on is not None
            else "失信事件已更正，不再属于失信事项"
        )
        _void(item, why, actor)
        return
    changed: list[str] = []
    if item.escalated_on is None and (item.body_id, item.kind, item.found_on) != (
        event.body_id,
        event.kind,
        event.event_date,
    ):
        item.body, item.kind, item.title = event.body, event.kind, _title(event, model)
        item.found_on = event.event_date
        item.rectify_by = engine.add_months(event.event_date, model.rectify_months)
        changed += ["body", "kind", "title", "found_on", "rectify_by"]
    if item.rectified_on != cleared:
        item.rectified_on = cleared
        changed.append("rectified_on")
    if changed:
        item.save(update_fields=changed)
        summary = (
            f"失信事项整改完成：{item.title}"
            if changed == ["rectified_on"] and cleared
            else f"失信事项随事件更正：{item.title}"
        )
        record(actor, AuditAction.UPDATE, summary, obj=item, detail={"fields": changed})


def _void(item: DishonestItem, reason: str, actor: Any) -> None:
    """Void an item whose event was withdrawn or corrected; an escalation it caused ends."""
    from xinyong.lists.models import EntryStatus
    from xinyong.lists.models import EventKind as ListEventKind
    from xinyong.lists.services import IN_FORCE, change_status

    item.voided_on = timezone.localdate()
    item.void_reason = reason[:300]
    item.save(update_fields=["voided_on", "void_reason"])
    record(actor, AuditAction.UPDATE, f"撤销失信事项：{item.title}", obj=item, reason=reason)
    entry = item.list_entry
    if entry is not None and entry.status in IN_FORCE:
        change_status(
            entry,
            EntryStatus.REMOVED,
            ListEventKind.LEAVE,
            f"据以升级的失信事项已撤销：{reason}",
            actor or "系统",
        )


@dataclass
class Sweep:
    """What one run of :func:`escalate_due` did."""

    day: datetime.date
    escalated: list[DishonestItem] = field(default_factory=list)

    def explain(self) -> str:
        return f"失信政府机构：{len(self.escalated)}项失信事项逾期未整改，已升级列入严重失信名单"


def escalate_due(today: datetime.date | None = None) -> Sweep:
    """失信事项自认定之日起在评价模型规定的期限（默认6个月）内未整改完成的，期满次日升级列入
    严重失信政府机构名单，列入期间（默认3年）不得参加评先评优。

    Safe to run twice on a day; a missed day is caught up with the dates the rule gives, not
    the day the job ran."""
    day = today or timezone.localdate()
    sweep = Sweep(day)
    due = (
        DishonestItem.objects.filter(
            escalated_on__isnull=True, voided_on__isnull=True, rectify_by__lt=day
        )
        .filter(Q(rectified_on__isnull=True) | Q(rectified_on__gt=F("rectify_by")))
        .order_by("rectify_by", "id")
    )
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # Locked and read again: two runs at once escalate an item once.
            item = (
                DishonestItem.objects.select_for_update()
                .select_related("body__subject", "event")
                .get(pk=pk)
            )
            if item.escalated_on is not None or item.voided_on is not None:
                continue
            model = model_for(item.found_on)
            start = item.rectify_by + datetime.timedelta(days=1)
            entry = add_rule_entry(
                list_code=SERIOUS_LIST,
                subject=item.body.subject,
                reason=(
                    f"失信事项“{item.title}”（{item.found_on:%Y年%m月%d日}认定）"
                    f"逾期未整改（整改期限{item.rectify_by:%Y年%m月%d日}）"
                ),
                legal_basis=(
                    f"{model.version}版政务诚信评价模型：失信事项自认定之日起{model.rectify_months}个月内"
                    f"未整改完成的，升级列入严重失信名单，{model.bar_years}年内不得参加评先评优"
                ),
                doc_no=f"政务诚信失信事项{item.pk}",
                start_date=start,
                end_date=engine.add_months(start, 12 * model.bar_years)
                - datetime.timedelta(days=1),
            )
            item.escalated_on = start
            item.list_entry = entry
            item.save(update_fields=["escalated_on", "list_entry"])
            record(
                "系统",
                AuditAction.UPDATE,
                f"失信事项逾期未整改，升级为严重失信：{item.title}",
                obj=item,
            )
        sweep.escalated.append(item)
    return sweep


def honour_bars(
    body_ids: Iterable[int] | None = None,
) -> dict[int, list[tuple[datetime.date, datetime.date]]]:
    """Per body, the periods it is barred from honours: its entries on the serious list, from
    the start to the end — the entry's last day, or the day before it left the list early
    (removed, repaired), so a month re-run later gives the same result."""
    from xinyong.lists.models import EventKind as ListEventKind
    from xinyong.lists.models import ListEvent
    from xinyong.lists.services import IN_FORCE

    qs = ListEntry.objects.filter(list_code=SERIOUS_LIST, subject__gov_body__isnull=False)
    if body_ids is not None:
        qs = qs.filter(subject__gov_body__in=list(body_ids))
    rows = list(
        qs.order_by("start_date", "id").values_list(
            "id", "subject__gov_body", "start_date", "end_date", "status"
        )
    )
    ended = dict(
        ListEvent.objects.filter(
            entry_id__in=[r[0] for r in rows if r[4] not in IN_FORCE],
            kind__in=[ListEventKind.LEAVE, ListEventKind.REPAIR, ListEventKind.EXPIRE],
        )
        .order_by("date")
        .values_list("entry_id", "date")
    )
    bars: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for entry_id, body_id, start, end, _status in rows:
        last = end or datetime.date.max
        if entry_id in ended:
            last = min(last, ended[entry_id] - datetime.timedelta(days=1))
        if last >= start:
            bars.setdefault(body_id, []).append((start, last))
    return bars


def open_items(body: GovBody | None = None) -> QuerySet[DishonestItem]:
    """Items still to rectify, oldest deadline first."""
    qs = DishonestItem.objects.filter(rectified_on__isnull=True, voided_on__isnull=True)
    qs = qs.select_related("body", "event")
    return (qs.filter(body=body) if body is not None else qs).order_by("rectify_by", "id")


def visible_items(user: Any) -> QuerySet[DishonestItem]:
    """Items the user may act on: all for operators, its own body's for a department."""
    qs = DishonestItem.objects.select_related("body", "event", "list_entry")
    return scope_to_user(user, qs, field="body__department")


def _ensure_can_act(item: DishonestItem, user: Any) -> None:
    if not visible_items(user).filter(pk=item.pk).exists():
        raise IntegrityError("无权办理该失信事项：只能报送本单位的整改情况")


def report_progress(item: DishonestItem, text: str, user: Any) -> DishonestItem:
    """The body reports rectification progress; the list shows it as reported, dated (ID
    numbers typed in it are masked: the list is public)."""
    _ensure_can_act(item, user)
    text = ric.mask_in_text(text.strip())
    if len(text) < 5:
        raise IntegrityError("请写明整改进展（不少于5个字）")
    stamp = f"{timezone.localdate():%Y-%m-%d}：{text[:1000]}"
    item.progress = f"{item.progress}\n{stamp}".strip()
    item.save(update_fields=["progress"])
    record(user, AuditAction.UPDATE, f"报送失信事项整改进展：{item.title}", obj=item, reason=text)
    return item


#: Items whose event a register of the platform keeps: they are rectified there, not here.
REGISTERS = {
    "arrear:": "拖欠账款台账（全部清偿后自动整改完成）",
    "court:": "失信被执行人跟踪（退出名单后自动整改完成）",
    "pledge:": "政府公开承诺（报送“已履行”后自动整改完成）",
    "record:": "政务诚信信息报送（由报送部门更正整改完成日期或信用修复）",
}


def register_of(item: DishonestItem) -> str:
    """The register that keeps the item's event (and rectifies it), or "" when none does."""
    return next((v for k, v in REGISTERS.items() if item.event.origin.startswith(k)), "")


def rectify(item: DishonestItem, day: datetime.date, text: str, user: Any) -> DishonestItem:
    """The credit office confirms rectification completed on ``day`` (a body reports its
    progress; it does not close its own item): the event stops counting from the next month
    and the item leaves the open list (an escalation already made stands for its bar period).
    Items kept by a register are rectified in that register."""
    from xinyong.integrity.archive import clear_event

    if not getattr(user, "is_operator", False):
        raise IntegrityError("整改完成由信用办确认：请报送整改进展，信用办核实后登记整改完成")
    register = register_of(item)
    if register:
        raise IntegrityError(f"该失信事项由{register}")
    if item.voided_on is not None:
        raise IntegrityError("该失信事项已撤销")
    if item.rectified_on is not None:
        raise IntegrityError(f"该失信事项已于{item.rectified_on}整改完成")
    if day > timezone.localdate():
        raise IntegrityError(f"整改完成日期{day}晚于今天")
    with transaction.atomic():
        report_progress(item, f"整改完成（{day:%Y-%m-%d}）：{text}", user)
        clear_event(item.event, rectified_on=day, actor=user)
        item.refresh_from_db()
    return item
