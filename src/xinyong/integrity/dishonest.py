"""失信政府机构名单 (R-GOV-4): bodies and their dishonesty items with rectification progress.

An event of a kind the model names (unkept promise, arrears, court listing, breach ruling,
fraud) opens a dishonesty item as it arrives; rectification or repair of the event closes it.
An item still open when its rectification period runs out escalates the body to the
serious-dishonesty list (:func:`escalate_due`, a daily job), published, which bars the body
from honours for the model's bar period.
"""

from __future__ import annotations

from typing import Any

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record
from xinyong.integrity import engine
from xinyong.integrity.model import Model
from xinyong.integrity.models import DishonestItem, IntegrityEvent

__all__ = ["on_event"]


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
