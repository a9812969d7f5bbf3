"""Deadline reminders of complaints (R-GOV-5): part of the daily job.

A step due within one working day, or overdue, is reminded once a day: the body the complaint
was assigned to gets an inbox notice for its answer; the credit office's own steps (assign,
close) are listed in the job's output. The notice itself is the record that a reminder went out,
so running the job twice on a day sends nothing more.
"""

from __future__ import annotations

import datetime as dt

from xinyong.casework import countdown
from xinyong.casework import due_after as _due
from xinyong.casework import today_or as _today
from xinyong.complaints.models import Complaint, Status
from xinyong.jrp.models import Notice

__all__ = ["NOTICE_KIND", "remind"]

NOTICE_KIND = "complaint_due"
#: Remind when a step is due within this many working days (or overdue).
REMIND_WITHIN = 1


def remind(today: dt.date | None = None) -> list[str]:
    """Remind each open complaint whose step is due soon or overdue; lines for the output."""
    from xinyong.jrp.notify import notify_department

    day = _today(today)
    horizon = _due(day, REMIND_WITHIN) or day
    lines: list[str] = []
    due = (
        Complaint.objects.open()
        .filter(due_date__isnull=False, due_date__lte=horizon)
        .select_related("department")
        .order_by("due_date", "pk")
    )
    for complaint in due:
        assert complaint.due_date is not None
        left = countdown(complaint.due_date, day)
        stage = complaint.get_status_display()
        if complaint.status == Status.ASSIGNED and complaint.department_id is not None:
            sent = Notice.objects.filter(
                department_id=complaint.department_id,
                kind=NOTICE_KIND,
                data__complaint=complaint.pk,
                data__day=day.isoformat(),
            ).exists()
            if not sent:
                notify_department(
                    complaint.department_id,
                    NOTICE_KIND,
                    f"投诉{complaint.number}答复期限：{left}",
                    f"企业对本单位的政务失信投诉（{complaint.get_category_display()}）须在"
                    f"{complaint.due_date:%Y年%m月%d日}前调查答复，{left}。",
                    link=f"/office/complaints/{complaint.pk}/",
                    data={"complaint": complaint.pk, "day": day.isoformat()},
                )
            who = complaint.department.name if complaint.department else "信用办"
        else:
            who = "信用办"
        lines.append(f"投诉{complaint.number}（{stage}，{who}）：{left}")
    return lines
