"""Daily deadline reminders (``xinyong objections remind``)."""

from __future__ import annotations

import datetime as dt

from xinyong.casework import countdown
from xinyong.casework import due_after as _due
from xinyong.casework import today_or as _today
from xinyong.objections.models import (
    Objection,
    Reminder,
    Status,
    StepKind,
)
from xinyong.objections.services.common import (
    _step,
    rule_of,
)


def remind(today: dt.date | None = None) -> list[str]:
    """Deadline reminders for steps due within ``remind_within`` working days or overdue.

    The providing department gets a notice in its inbox for its verification step; the credit
    office's own steps are listed in the output. One reminder per objection, step and day:
    running it twice on a day sends nothing more.
    """
    from xinyong.jrp.notify import notify_department

    day = _today(today)
    lines: list[str] = []
    for objection in (
        Objection.objects.open()
        .filter(due_date__isnull=False)
        .select_related("department", "subject", "record", "entry")
        .order_by("due_date", "pk")
    ):
        assert objection.due_date is not None
        horizon = _due(day, rule_of(objection).remind_within) or day
        if objection.due_date > horizon:
            continue
        _, created = Reminder.objects.get_or_create(
            objection=objection, status=objection.status, day=day
        )
        if not created:
            continue
        left = countdown(objection.due_date, day)
        stage = objection.get_status_display()
        title = f"异议{objection.number}{stage}，{left}"
        body = (
            f"{objection.target_label}的异议（{stage}）期限为{objection.due_date:%Y年%m月%d日}，"
            f"{left}。"
        )
        if objection.status == Status.VERIFYING and objection.department_id is not None:
            notify_department(
                objection.department_id,
                "objection_due",
                title,
                body + "请及时核查答复。",
                subject=objection.subject,
                link=f"/office/objections/{objection.pk}/",
                data={"objection": objection.pk, "due": objection.due_date.isoformat()},
            )
            who = objection.handler_name
        else:
            who = "信用办"
        _step(
            objection,
            StepKind.REMIND,
            "系统",
            day,
            f"提醒{who}：{body}",
            visible=False,
            detail={"due": objection.due_date.isoformat()},
        )
        lines.append(f"{who}：{title}")
    return lines
