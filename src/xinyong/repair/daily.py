"""The daily job (R-OPS-4): publicity expiry, list expiry and repair deadline reminders.

``run_daily(today)`` is idempotent: a record whose publication stopped is marked once
(``PublicityExpiry``), list entries expire once (``lists.services.expire_due``), and a reminder
is sent at most once a day per application (``reminded_on``). Running it twice on the same day
changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record as audit
from xinyong.records.models import CreditRecord, RecordStatus
from xinyong.repair.eligibility import add_workdays
from xinyong.repair.models import OPEN_STATUSES, PublicityExpiry, RepairApplication

__all__ = ["DailyReport", "run_daily"]

CHUNK = 1000
ACTOR = "系统（每日任务）"


@dataclass
class DailyReport:
    day: dt.date
    expired_records: int = 0
    expiry_notices: int = 0
    expired_entries: int = 0
    reminders: int = 0
    overdue: int = 0
    without_department: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"每日任务（{self.day:%Y年%m月%d日}）：",
            f"  公示期满停止公示的信用记录：{self.expired_records}条"
            f"（通知核查过相关主体的部门{self.expiry_notices}次）",
            f"  到期移出名单的条目：{self.expired_entries}条",
            f"  信用修复办理期限提醒：{self.reminders}件（其中已超期{self.overdue}件）"
            + (
                f"，无负责部门由信用办办理{self.without_department}件"
                if self.without_department
                else ""
            ),
            *[f"  {note}" for note in self.notes],
        ]


def _expire_records(day: dt.date, report: DailyReport) -> None:
    """Records past their longest period (last day shown < today) not yet marked."""
    from xinyong.jrp.models import CheckItem
    from xinyong.jrp.notify import WATCH_DAYS, notify_checkers
    from xinyong.subjects.models import Subject

    due = (
        CreditRecord.objects.filter(
            publicity_end__isnull=False,
            status=RecordStatus.ACTIVE,
            published=True,
            publicity_end__lt=day,
            publicity_expiry__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "subject_id", "publicity_end", "doc_no")
    )
    since = timezone.now() - dt.timedelta(days=WATCH_DAYS)
    while True:
        rows: list[tuple[int, int, dt.date, str]] = list(due[:CHUNK])  # type: ignore[arg-type]
        if not rows:
            break
        with transaction.atomic():
            created = PublicityExpiry.objects.bulk_create(
                [
                    PublicityExpiry(
                        record_id=pk, last_day=end, expired_on=end + dt.timedelta(days=1)
                    )
                    for pk, _subject, end, _doc in rows
                ],
                ignore_conflicts=True,
            )
            report.expired_records += len(created)
            by_subject: dict[int, list[tuple[int, str, dt.date]]] = defaultdict(list)
            for pk, subject_id, end, doc_no in rows:
                by_subject[subject_id].append((pk, doc_no, end))
            watched = set(
                CheckItem.objects.filter(
                    subject_id__in=list(by_subject), check_run__created_at__gte=since
                ).values_list("subject_id", flat=True)
            )
            for subject in Subject.objects.filter(pk__in=watched).order_by("pk"):
                records = by_subject[subject.pk]
                docs = "、".join(doc for _pk, doc, _end in records[:5])
                more = f"等{len(records)}条" if len(records) > 5 else ""
                notices = notify_checkers(
                    subject,
                    "expiry",
                    f"公示期满：{subject.name}",
                    f"{subject.name}的行政处罚信息{docs}{more}已满最长公示期限，自动停止公示。",
                    data={"records": [pk for pk, _doc, _end in records]},
                )
                report.expiry_notices += len(notices)
                PublicityExpiry.objects.filter(record_id__in=[r[0] for r in records]).update(
                    noticed=len(notices)
                )


def _remind(day: dt.date, report: DailyReport) -> None:
    """Open applications due within one working day (or overdue), once a day each."""
    from xinyong.jrp.notify import notify_department
    from xinyong.repair.services import deadline

    horizon, _ = add_workdays(day, 1)
    for application in (
        RepairApplication.objects.filter(status__in=OPEN_STATUSES)
        .exclude(reminded_on=day)
        .select_related("subject", "department")
        .order_by("pk")
    ):
        current = deadline(application, day)
        if current is None or current.due > horizon:
            continue
        report.reminders += 1
        if current.overdue:
            report.overdue += 1
        if application.department_id is None:
            report.without_department += 1
        else:
            state = "已超期" if current.overdue else "即将到期"
            notify_department(
                application.department_id,
                "repair_due",
                f"信用修复申请{application.tracking_no}{state}",
                f"{application.subject.name}的信用修复申请（{application.target_label}）"
                f"{current.text}。",
                subject=application.subject,
                link=f"/office/repair/{application.pk}/",
                data={"tracking_no": application.tracking_no, "due": current.due.isoformat()},
            )
        RepairApplication.objects.filter(pk=application.pk).update(reminded_on=day)


def run_daily(today: dt.date | None = None) -> DailyReport:
    """Run the three daily duties for ``today``; safe to run twice."""
    from xinyong.lists.services import expire_due

    day = today or timezone.localdate()
    report = DailyReport(day)
    _expire_records(day, report)
    report.expired_entries = expire_due(day)
    _remind(day, report)
    if report.expired_records or report.expired_entries or report.reminders:
        audit(
            ACTOR,
            AuditAction.UPDATE,
            f"每日任务：{report.expired_records}条记录公示期满停止公示，"
            f"{report.expired_entries}个名单条目到期移出，{report.reminders}件修复申请期限提醒",
            object_type="repair.daily",
            object_id=day.isoformat(),
            detail={
                "day": day.isoformat(),
                "expired_records": report.expired_records,
                "expiry_notices": report.expiry_notices,
                "expired_entries": report.expired_entries,
                "reminders": report.reminders,
                "overdue": report.overdue,
            },
        )
    return report
