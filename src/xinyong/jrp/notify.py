"""Telling departments what changed about subjects they checked (R-LST-3, R-REP-1).

A department that checked a subject in the last ``WATCH_DAYS`` days gets a notice in its inbox
(and on its webhooks) when the subject enters or leaves a list or a record of it is repaired.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xinyong.jrp.models import CheckItem, Delivery, Notice, Webhook
from xinyong.subjects.models import Subject

__all__ = ["WATCH_DAYS", "notify_checkers", "notify_department"]

#: How long a check keeps a department informed about the subject it checked.
WATCH_DAYS = 180


def notify_department(
    department_id: int,
    kind: str,
    title: str,
    body: str,
    *,
    subject: Subject | None = None,
    link: str = "",
    data: dict[str, Any] | None = None,
) -> Notice:
    notice = Notice.objects.create(
        department_id=department_id,
        kind=kind,
        title=title[:200],
        body=body,
        subject=subject,
        link=link,
        data=data or {},
    )
    hooks = Webhook.objects.filter(department_id=department_id, is_active=True)
    Delivery.objects.bulk_create(
        [Delivery(webhook=hook, notice=notice, next_attempt_at=timezone.now()) for hook in hooks]
    )
    return notice


def notify_checkers(
    subject: Subject,
    kind: str,
    title: str,
    body: str,
    *,
    link: str = "",
    data: dict[str, Any] | None = None,
    days: int = WATCH_DAYS,
) -> list[Notice]:
    """A notice to every department that checked ``subject`` in the last ``days`` days."""
    since = timezone.now() - dt.timedelta(days=days)
    departments = (
        CheckItem.objects.filter(subject=subject, check_run__created_at__gte=since)
        .values_list("check_run__department_id", flat=True)
        .distinct()
    )
    return [
        notify_department(d, kind, title, body, subject=subject, link=link, data=data)
        for d in sorted(set(departments))
    ]
