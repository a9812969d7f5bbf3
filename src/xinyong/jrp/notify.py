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

__all__ = ["WATCH_DAYS", "deliver_due", "notify_checkers", "notify_department", "signature"]

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
        # The credit office's own checks (no department) have no inbox to notify.
        CheckItem.objects.filter(
            subject=subject,
            check_run__created_at__gte=since,
            check_run__department__isnull=False,
        )
        .values_list("check_run__department_id", flat=True)
        .distinct()
    )
    return [
        notify_department(d, kind, title, body, subject=subject, link=link, data=data)
        for d in sorted(set(departments))
    ]


# -- webhooks ----------------------------------------------------------------------------------

#: Give up on a delivery after this many failed attempts (it stays in the inbox regardless).
MAX_ATTEMPTS = 10
TIMEOUT_SECONDS = 5


def payload(notice: Notice) -> bytes:
    import json

    body = {
        "id": notice.pk,
        "kind": notice.kind,
        "title": notice.title,
        "body": notice.body,
        "subject": None,
        "created_at": notice.created_at.isoformat(),
        "data": notice.data,
    }
    if notice.subject is not None:
        subject = notice.subject
        body["subject"] = {"id": subject.pk, "name": subject.name, "code": subject.public_code}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + HMAC-SHA256 of ``timestamp.body`` with the webhook's secret."""
    import hashlib
    import hmac

    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _post(url: str, body: bytes, headers: dict[str, str]) -> None:
    import urllib.request

    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")


def deliver_due(now: dt.datetime | None = None) -> tuple[int, int]:
    """POST the notices whose delivery is due; (delivered, failed). Failures are retried later
    with a growing delay (2, 4, 8 … minutes, at most a day) up to ``MAX_ATTEMPTS``."""
    now = now or timezone.now()
    due = (
        Delivery.objects.filter(
            delivered_at__isnull=True, next_attempt_at__lte=now, webhook__is_active=True
        )
        .select_related("webhook", "notice__subject")
        .order_by("next_attempt_at", "pk")
    )
    delivered = failed = 0
    for delivery in due[:1000]:
        body = payload(delivery.notice)
        timestamp = str(int(now.timestamp()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "xinyong-webhook/1",
            "X-Xinyong-Delivery": str(delivery.pk),
            "X-Xinyong-Timestamp": timestamp,
            "X-Xinyong-Signature": signature(delivery.webhook.secret, timestamp, body),
        }
        delivery.attempts += 1
        try:
            _post(delivery.webhook.url, body, headers)
        except Exception as exc:
            failed += 1
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            delivery.next_attempt_at = (
                now + dt.timedelta(minutes=min(2**delivery.attempts, 24 * 60))
                if delivery.attempts < MAX_ATTEMPTS
                else None
            )
        else:
            delivered += 1
            delivery.delivered_at = now
            delivery.last_error = ""
            delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "delivered_at", "last_error", "next_attempt_at"])
    return delivered, failed
