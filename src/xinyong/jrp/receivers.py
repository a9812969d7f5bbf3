"""List changes reach the departments that checked the subject (R-LST-3)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from xinyong.lists.signals import entry_changed


@receiver(entry_changed)
def tell_watchers(sender: Any, entry: Any, event: Any, **kwargs: Any) -> None:
    from xinyong.jrp.notify import notify_checkers

    if entry.subject_id is None:
        return
    list_name = entry.definition.name
    notify_checkers(
        entry.subject,
        "list",
        f"{entry.listed_name}：{list_name}{event.get_kind_display()}",
        f"{entry.listed_name}于{event.date:%Y年%m月%d日}{event.get_kind_display()}"
        f"（{list_name}，认定文书号{entry.doc_no or '无'}）。{event.reason}",
        data={"entry": entry.pk, "event": event.pk, "kind": event.kind},
    )
