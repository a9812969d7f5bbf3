"""The integrity duties of the daily job (``xinyong daily``), each safe to run twice a day.

1. The archive follows the registers: arrears falling due, court listings, complaints
   (:func:`xinyong.integrity.sources.sync_all`), and the zwcx records departments reported
   (:func:`xinyong.integrity.collection.reconcile`: an event a failed hook missed is made up).
2. Dishonesty items past their rectification period escalate (:func:`dishonest.escalate_due`).
3. Public commitments past their due date without fulfilment become unkept
   (:func:`xinyong.pledges.services.check_overdue`); internet sources are read into the review
   queue (:func:`xinyong.feeds.services.fetch_all`; nothing counts before an operator accepts).
4. The monthly evaluation runs by itself: on the first daily run after the model's reporting
   due day (fulfilment information for a month is due by that day of the next month), the
   previous month is evaluated if it has not been yet. Late data afterwards is taken in by an
   operator re-running the month (``xinyong integrity evaluate --month``), which records what
   changed.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from xinyong.integrity import dishonest, engine, sources
from xinyong.integrity.models import EvaluationRun
from xinyong.integrity.services import evaluate_month, model_for

__all__ = ["ACTOR", "run"]

ACTOR = "系统（每日任务）"


def monthly_due(day: datetime.date) -> datetime.date | None:
    """The month the daily job should evaluate on ``day``, or None.

    A run made before the reporting due day had passed (an operator's preview) does not count:
    the official result takes in everything reported by the due day."""
    month = engine.months_back(day.replace(day=1), 1)
    due_day = model_for(month).due_day
    if day.day <= due_day:
        return None
    closed = datetime.datetime.combine(
        day.replace(day=due_day) + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    if EvaluationRun.objects.filter(month=month, started_at__gte=closed).exists():
        return None
    return month


def run(day: datetime.date) -> list[str]:
    """Run the integrity duties for ``day``; the lines say what each did."""
    from xinyong.feeds.services import fetch_all
    from xinyong.integrity.collection import reconcile
    from xinyong.pledges.services import check_overdue

    lines = [
        sources.sync_all(day).explain(),
        reconcile(day).explain(),
        dishonest.escalate_due(day).explain(),
    ]
    lines += check_overdue(day).lines()
    runs = fetch_all(actor=ACTOR)
    lines += [run.line() for run in runs] or ["互联网信息采集：未配置采集源"]
    month = monthly_due(day)
    if month is not None:
        evaluation = evaluate_month(month, ACTOR)
        lines.append(
            f"政务诚信月度评价：已评价{month:%Y年%m月}，{evaluation.bodies}个评价对象、"
            f"{evaluation.events}条事件"
        )
    else:
        lines.append("政务诚信月度评价：本日无需运行（上月已评价或未到报送截止日）")
    return lines
