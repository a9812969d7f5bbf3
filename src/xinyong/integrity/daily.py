"""The integrity duties of the daily job (``xinyong daily``), each safe to run twice a day.

1. The archive follows the registers: arrears falling due, court listings, complaints
   (:func:`xinyong.integrity.sources.sync_all`).
2. Dishonesty items past their rectification period escalate (:func:`dishonest.escalate_due`).
3. The monthly evaluation runs by itself: on the first daily run after the model's reporting
   due day (fulfilment information for a month is due by that day of the next month), the
   previous month is evaluated if it has not been yet. Late data afterwards is taken in by an
   operator re-running the month (``xinyong integrity evaluate --month``), which records what
   changed.
"""

from __future__ import annotations

import datetime

from xinyong.integrity import dishonest, engine, sources
from xinyong.integrity.models import EvaluationRun
from xinyong.integrity.services import evaluate_month, model_for

__all__ = ["ACTOR", "run"]

ACTOR = "系统（每日任务）"


def monthly_due(day: datetime.date) -> datetime.date | None:
    """The month the daily job should evaluate on ``day``, or None."""
    month = engine.months_back(day.replace(day=1), 1)
    if day.day <= model_for(month).due_day:
        return None
    if EvaluationRun.objects.filter(month=month).exists():
        return None
    return month


def run(day: datetime.date) -> list[str]:
    """Run the integrity duties for ``day``; the lines say what each did."""
    lines = [sources.sync_all(day).explain(), dishonest.escalate_due(day).explain()]
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
