"""Daily deadline reminders of complaints: the body for its answer, the credit office's list."""

from __future__ import annotations

import datetime as dt

from tests.complaints.conftest import file

from xinyong.complaints import services
from xinyong.complaints.reminders import NOTICE_KIND, remind
from xinyong.jrp.models import Notice


def test_the_body_is_reminded_once_a_day_when_its_answer_falls_due(operator, market_dept) -> None:  # type: ignore[no-untyped-def]
    complaint, _ = file(market_dept, day=dt.date(2026, 6, 1))
    services.assign(operator, complaint, market_dept, "请核实", today=dt.date(2026, 6, 1))
    complaint.refresh_from_db()
    assert complaint.due_date == dt.date(2026, 6, 15)  # 10 working days

    assert remind(dt.date(2026, 6, 10)) == []  # not yet within a working day
    lines = remind(dt.date(2026, 6, 12))  # Friday: due on Monday, one working day left
    assert lines == [f"投诉{complaint.number}（办理中，{market_dept.name}）：剩余1个工作日"]
    notice = Notice.objects.get(department=market_dept, kind=NOTICE_KIND)
    assert "2026年06月15日前调查答复" in notice.body and notice.link.endswith(f"/{complaint.pk}/")

    remind(dt.date(2026, 6, 12))  # twice the same day: no second notice
    assert Notice.objects.filter(kind=NOTICE_KIND).count() == 1
    assert "已超期1个工作日" in remind(dt.date(2026, 6, 16))[0]
    assert Notice.objects.filter(kind=NOTICE_KIND).count() == 2


def test_the_credit_offices_own_steps_are_listed_not_sent(market_dept) -> None:  # type: ignore[no-untyped-def]
    complaint, _ = file(market_dept, day=dt.date(2026, 6, 1))
    lines = remind(dt.date(2026, 6, 3))
    assert lines == [f"投诉{complaint.number}（待转办，信用办）：今日到期"]
    assert not Notice.objects.filter(kind=NOTICE_KIND).exists()
