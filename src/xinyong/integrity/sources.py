"""Events the platform's own registers give the integrity archive (channel: 部门共享).

- 拖欠账款台账: an undisputed arrear of a body under evaluation, unpaid past its due date, is an
  ``arrears`` event from the day after the due date; full repayment repairs it (it stops
  counting the month after); a dispute takes it out.
- 失信被执行人: a body found on the court list (发现一起) is an ``sxbzxr`` event from its listing
  date; leaving the list (退出一起) repairs it.
- 投诉: a complaint closed as substantiated (投诉属实) is a ``complaint`` event of the body it
  was assigned to, on the closing day.

Each sync is keyed by the origin of its source row, so running it again changes nothing; the
registers call it as they change, and :func:`sync_all` (daily) catches what time alone changes
(an arrear falling due).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from xinyong.arrears.models import Arrear, ArrearStatus, CourtWatch
from xinyong.complaints.models import Complaint, Finding
from xinyong.integrity import archive
from xinyong.integrity.models import GovBody, IntegrityEvent, SourceChannel

__all__ = ["SyncCounts", "sync_all", "sync_arrear", "sync_complaint", "sync_court_watch"]


def sync_arrear(
    arrear: Arrear, today: datetime.date | None = None, actor: Any = "系统"
) -> IntegrityEvent | None:
    """The arrear's event as the ledger stands today (see the module docstring)."""
    day = today or timezone.localdate()
    origin = f"arrear:{arrear.pk}"
    body = archive.body_for(subject=arrear.debtor_subject) if arrear.debtor_subject_id else None
    if body is None or arrear.disputed or arrear.due_date >= day:
        archive.remove_event(origin, "拖欠账款存在争议或未到期，不计入政务诚信评价", actor=actor)
        return None
    cleared = arrear.cleared_on if arrear.status == ArrearStatus.CLEARED else None
    return archive.add_event(
        body,
        "arrears",
        arrear.due_date + datetime.timedelta(days=1),
        channel=SourceChannel.SHARED,
        source_doc=arrear.basis[:300],
        note=f"拖欠{arrear.creditor_name}账款{arrear.amount}万元，应付日期{arrear.due_date}",
        origin=origin,
        repaired_on=cleared,
        actor=actor,
    )


def sync_court_watch(watch: CourtWatch, actor: Any = "系统") -> IntegrityEvent | None:
    """The court listing's event: listed from the entry's start, repaired when it exits."""
    body = archive.body_for(subject=watch.subject)
    if body is None:
        return None
    listed_on = watch.entry.start_date if watch.entry is not None else watch.found_on
    return archive.add_event(
        body,
        "sxbzxr",
        min(listed_on, watch.found_on),
        channel=SourceChannel.SHARED,
        source_doc=f"{watch.court} {watch.case_no}".strip(),
        note=f"被列为失信被执行人（{watch.court or '人民法院'}，案号{watch.case_no or '—'}）",
        origin=f"court:{watch.pk}",
        repaired_on=watch.exited_on,
        actor=actor,
    )


def sync_complaint(complaint: Complaint, actor: Any = "系统") -> IntegrityEvent | None:
    """A substantiated complaint is an event of the body it was assigned to."""
    origin = f"complaint:{complaint.pk}"
    body: GovBody | None = None
    if complaint.department_id is not None and complaint.department is not None:
        body = archive.body_for(department=complaint.department)
    if body is None or complaint.finding != Finding.SUBSTANTIATED or complaint.closed_on is None:
        archive.remove_event(origin, "投诉未认定属实", actor=actor)
        return None
    return archive.add_event(
        body,
        "complaint",
        complaint.closed_on,
        channel=SourceChannel.SHARED,
        source_doc=f"投诉{complaint.number}",
        note=f"{complaint.enterprise_name}投诉经查属实：{complaint.finding_reason[:200]}",
        origin=origin,
        actor=actor,
    )


@dataclass
class SyncCounts:
    arrears: int = 0
    court: int = 0
    complaints: int = 0

    def explain(self) -> str:
        return (
            f"政务诚信档案同步：拖欠账款{self.arrears}项、失信被执行人{self.court}项、"
            f"属实投诉{self.complaints}项计入"
        )


def sync_all(today: datetime.date | None = None) -> SyncCounts:
    """Bring the archive in line with the registers (daily; safe to run twice).

    The events already made are read in one query by origin; only rows whose event is missing
    or differs from what the register says now are synced, so a quiet day costs a few queries
    however long the ledger is."""
    day = today or timezone.localdate()
    counts = SyncCounts()
    bodies = set(GovBody.objects.values_list("subject_id", flat=True))
    existing = {
        origin: (repaired, withdrawn)
        for origin, repaired, withdrawn in IntegrityEvent.objects.filter(
            Q(origin__startswith="arrear:")
            | Q(origin__startswith="court:")
            | Q(origin__startswith="complaint:")
        ).values_list("origin", "repaired_on", "withdrawn_on")
    }

    def counts_now(origin: str, repaired: datetime.date | None) -> bool:
        """Whether the event of ``origin`` already says what the register says."""
        return origin in existing and existing[origin] == (repaired, None)

    for arrear in Arrear.objects.filter(debtor_subject__in=bodies).order_by("id"):
        origin = f"arrear:{arrear.pk}"
        should = not arrear.disputed and arrear.due_date < day
        cleared = arrear.cleared_on if arrear.status == ArrearStatus.CLEARED else None
        if should and counts_now(origin, cleared):
            counts.arrears += 1
            continue
        if not should and (origin not in existing or existing[origin][1] is not None):
            continue  # nothing to take out
        counts.arrears += sync_arrear(arrear, day) is not None
    for watch in (
        CourtWatch.objects.filter(subject__in=bodies).select_related("entry").order_by("id")
    ):
        if counts_now(f"court:{watch.pk}", watch.exited_on):
            counts.court += 1
            continue
        counts.court += sync_court_watch(watch) is not None
    closed = Complaint.objects.filter(finding=Finding.SUBSTANTIATED, department__isnull=False)
    for complaint in closed.select_related("department").order_by("id"):
        if counts_now(f"complaint:{complaint.pk}", None):
            counts.complaints += 1
            continue
        counts.complaints += sync_complaint(complaint) is not None
    return counts
