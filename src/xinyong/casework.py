"""Pieces every case a citizen or enterprise files shares (objections, complaints …):
working-day deadlines with the countdown people see, and the tracking access code.

The access code is shown once and kept only as an HMAC keyed per kind of case, so a code of one
kind never opens a case of another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone

from xinyong.core.workdays import ScheduleMissing
from xinyong.workdays.services import get_calendar

__all__ = [
    "ACCESS_DENIED",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "access_hash",
    "case_queue",
    "countdown",
    "due_after",
    "format_code",
    "new_code",
    "normalise_code",
    "open_case",
    "today_or",
]

Case = TypeVar("Case", bound=Model)

#: The answer every failed progress lookup gets, whatever was wrong.
ACCESS_DENIED = "受理编号或查询码不正确"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def case_queue(
    request: Any,
    queryset: Any,
    statuses: Any,
    key: str,
    is_overdue: Callable[[Any, dt.date], bool],
    per_page: int,
) -> dict[str, Any]:
    """The context of a staff queue of cases (objections, complaints): ``?status=`` (open by
    default), soonest deadline first, paged, each row with its countdown and overdue flag."""
    from django.core.paginator import Paginator

    day = timezone.localdate()
    status = request.GET.get("status", "open")
    if status == "open":
        queryset = queryset.open()
    elif status in statuses.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset.order_by("due_date", "-filed_at"), per_page).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            key: case,
            "countdown": countdown(case.due_date, day) if case.is_open else "",
            "overdue": is_overdue(case, day),
        }
        for case in page
    ]
    return {"page": page, "rows": rows, "status": status, "statuses": statuses.choices}


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def due_after(start: dt.date, days: int) -> dt.date | None:
    """``days`` working days after ``start``; None when that year's schedule is not loaded."""
    try:
        return get_calendar().add(start, days)
    except ScheduleMissing:
        return None


def countdown(due: dt.date | None, today: dt.date | None = None) -> str:
    """The deadline as staff and the public see it: 剩余N个工作日 / 今日到期 / 已超期N个工作日."""
    if due is None:
        return "期限暂无法计算（该年度节假日安排尚未录入）"
    day = today_or(today)
    try:
        if day <= due:
            left = get_calendar().between(day, due)
            return f"剩余{left}个工作日" if left > 0 else "今日到期"
        late = get_calendar().between(due, day)
    except ScheduleMissing:
        return f"期限{due:%Y-%m-%d}"
    return f"已超期{late}个工作日" if late > 0 else f"已超过期限（{due:%Y-%m-%d}）"


def access_hash(kind: str, number: str, code: str) -> str:
    """The stored form of a case's access code (``kind``: objection, complaint …)."""
    key = hashlib.sha256(f"xinyong-{kind}-access:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{number}:{code}".encode(), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def open_case(
    cases: QuerySet[Case], kind: str, number: str, code: str, *, what: str, who: str, request: Any
) -> Case | None:
    """The case a tracking number and access code open, or None; every attempt is audited.

    The code is compared in constant time, and a wrong number costs the same work as a wrong
    code, so neither can be told from the other.
    """
    from xinyong.audit.models import AuditAction
    from xinyong.audit.services import client_ip, record

    number = number.strip().upper()
    given = access_hash(kind, number, normalise_code(code))
    case = cases.filter(number=number).first() if number else None
    expected = getattr(case, "access_hash", None) or access_hash(kind, "-", "-")
    ok = hmac.compare_digest(given, expected) and case is not None
    actor = getattr(request, "user", None)
    if not ok or case is None:
        record(
            actor,
            AuditAction.DENIED,
            f"{what}：{ACCESS_DENIED}",
            object_type=cases.model._meta.label_lower,
            object_id=case.pk if case is not None else "",
            detail={"number": number[:24]},
            ip=client_ip(request),
        )
        return None
    record(actor, AuditAction.READ, f"{case}：{who}查询办理进度", obj=case, ip=client_ip(request))
    return case
