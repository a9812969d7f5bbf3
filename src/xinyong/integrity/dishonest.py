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
    "report_progress",
    "visible_items",
]

#: The list a body escalates to (lists/data/lists.yaml, scope ``rule``).
SERIOUS_LIST = "zfsx"


def on_event(event: IntegrityEvent, model: Model, actor: Any = None) -> DishonestItem | None:
    """Open the event's dishonesty item once; record its rectification when the event clears."""
    cleared = min((d for d in (event.rectified_on, event.repaired_on) if d), default=None)
    item = DishonestItem.objects.filter(event=event).first()
    if item is not None:
        if cleared and item.rectified_on != cleared:
            item.rectified_on = cleared
            item.save(update_fields=["rectified_on"])
            record(actor, AuditAction.UPDATE, f"失信事项整改完成：{item.title}", obj=item)
        return item
    if event.kind not in model.dishonest_kinds:
        return None
    item = DishonestItem.objects.create(
        body=event.body,
        event=event,
        kind=event.kind,
        title=f"{event.body.name}：{model.kinds[event.kind]}",
        found_on=event.event_date,
        rectify_by=engine.add_months(event.event_date, model.rectify_months),
        rectified_on=cleared,
    )
    record(actor, AuditAction.CREATE, f"列入失信政府机构名单事项：{item.title}", obj=item)
    return item


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
        DishonestItem.objects.filter(escalated_on__isnull=True, rectify_by__lt=day)
        .filter(Q(rectified_on__isnull=True) | Q(rectified_on__gt=F("rectify_by")))
        .select_related("body__subject", "event")
        .order_by("rectify_by", "id")
    )
    for item in due:
        model = model_for(item.found_on)
        start = item.rectify_by + datetime.timedelta(days=1)
        with transaction.atomic():
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
    """Per body, the periods it is barred from honours: its entries on the serious list,
    from start to end (the entry's end, or start + bar years when open)."""
    qs = ListEntry.objects.filter(list_code=SERIOUS_LIST, subject__gov_body__isnull=False)
    if body_ids is not None:
        qs = qs.filter(subject__gov_body__in=list(body_ids))
    bars: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for body_id, start, end in qs.order_by("start_date", "id").values_list(
        "subject__gov_body", "start_date", "end_date"
    ):
        bars.setdefault(body_id, []).append((start, end or datetime.date.max))
    return bars


def open_items(body: GovBody | None = None) -> QuerySet[DishonestItem]:
    """Items still to rectify, oldest deadline first."""
    qs = DishonestItem.objects.filter(rectified_on__isnull=True).select_related("body", "event")
    return (qs.filter(body=body) if body is not None else qs).order_by("rectify_by", "id")


def visible_items(user: Any) -> QuerySet[DishonestItem]:
    """Items the user may act on: all for operators, its own body's for a department."""
    qs = DishonestItem.objects.select_related("body", "event", "list_entry")
    if getattr(user, "is_operator", False):
        return qs
    department = getattr(user, "department_id", None)
    return qs.filter(body__department_id=department) if department else qs.none()


def _ensure_can_act(item: DishonestItem, user: Any) -> None:
    if not visible_items(user).filter(pk=item.pk).exists():
        raise IntegrityError("无权办理该失信事项：只能报送本单位的整改情况")


def report_progress(item: DishonestItem, text: str, user: Any) -> DishonestItem:
    """The body reports rectification progress; the list shows it as reported, dated."""
    _ensure_can_act(item, user)
    text = text.strip()
    if len(text) < 5:
        raise IntegrityError("请写明整改进展（不少于5个字）")
    stamp = f"{timezone.localdate():%Y-%m-%d}：{text[:1000]}"
    item.progress = f"{item.progress}\n{stamp}".strip()
    item.save(update_fields=["progress"])
    record(user, AuditAction.UPDATE, f"报送失信事项整改进展：{item.title}", obj=item, reason=text)
    return item


def rectify(item: DishonestItem, day: datetime.date, text: str, user: Any) -> DishonestItem:
    """Rectification completed on ``day``: the event stops counting from the next month and
    the item leaves the open list (an escalation already made stands for its bar period)."""
    from xinyong.integrity.archive import clear_event

    _ensure_can_act(item, user)
    if item.rectified_on is not None:
        raise IntegrityError(f"该失信事项已于{item.rectified_on}整改完成")
    if day > timezone.localdate():
        raise IntegrityError(f"整改完成日期{day}晚于今天")
    with transaction.atomic():
        report_progress(item, f"整改完成（{day:%Y-%m-%d}）：{text}", user)
        clear_event(item.event, rectified_on=day, actor=user)
        item.refresh_from_db()
    return item
