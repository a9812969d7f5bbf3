"""The monthly evaluation engine of 政务诚信监测评价 (R-GOV-3): pure, deterministic, no Django.

Plain data in (the model in force, the bodies, their archive events, last month's scores),
plain data out (score, grade, rank within level, change, and per item the events and rules
that moved it). Each rule is one small function whose one-line Chinese docstring is the
published explanation (:func:`explanations`), with the model's figures filled in.

>>> import datetime as dt
>>> from xinyong.integrity.model import default_versions
>>> model = default_versions()[0]
>>> bodies = [Body(1, "县直部门", "甲局"), Body(2, "县直部门", "乙局")]
>>> events = [Event(10, 2, "", "arrears", dt.date(2026, 3, 5), "", None, None)]
>>> [(r.body_id, str(r.score), r.grade, r.rank) for r in evaluate(model, dt.date(2026, 4, 1),
...     bodies, events, {})]
[(1, '100.00', 'A', 1), (2, '97.00', 'A', 2)]
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xinyong.integrity.model import Item, Model

__all__ = [
    "Body",
    "Event",
    "Result",
    "add_months",
    "evaluate",
    "explanations",
    "month_end",
    "months_back",
]

CENT = Decimal("0.01")
_ORDER = operator.attrgetter("day", "id")
ZERO = Decimal(0)


@dataclass(slots=True)
class Body:
    id: int
    level: str
    name: str
    #: periods (first, last day) on the serious-dishonesty list: no honour counts in them
    barred: tuple[tuple[datetime.date, datetime.date], ...] = ()


@dataclass(slots=True)
class Event:
    """One archive event (not frozen: 300,000 are built per evaluation, and frozen
    dataclasses are twice as slow to build)."""

    id: int
    body_id: int
    item: str  # explicit item code, or "" to map by kind
    kind: str
    day: datetime.date
    level: str  # honour level (国家级/省级/市级/县级) or ""
    points: Decimal | None  # override of the item's points
    cleared_on: datetime.date | None  # rectified or repaired on (the earlier)


@dataclass
class Contribution:
    item: str
    name: str
    dimension: str
    points: Decimal
    raw: Decimal
    events: list[int]
    rules: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "name": self.name,
            "dimension": self.dimension,
            "points": str(self.points),
            "raw": str(self.raw),
            "events": self.events,
            "rules": self.rules,
        }


@dataclass
class Result:
    body_id: int
    score: Decimal
    grade: str
    rank: int = 0
    delta: Decimal | None = None
    dimensions: list[dict[str, Any]] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)

    def explanation(self) -> dict[str, Any]:
        return {
            "dimensions": self.dimensions,
            "items": [c.as_dict() for c in self.contributions],
        }


# -- dates --------------------------------------------------------------------------------


def months_back(month: datetime.date, n: int) -> datetime.date:
    """The first day of the month ``n`` months before ``month``'s month."""
    index = month.year * 12 + month.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return months_back(month, -1) - datetime.timedelta(days=1)


def add_months(day: datetime.date, n: int) -> datetime.date:
    """The same day ``n`` months later (the month's last day when it has no such day):
    2026-08-31 + 6 months → 2027-02-28.

    >>> add_months(datetime.date(2026, 8, 31), 6)
    datetime.date(2027, 2, 28)
    """
    first = months_back(day.replace(day=1), -n)
    return min(first + datetime.timedelta(days=day.day - 1), month_end(first))


# -- the rules (docstring = published explanation) ----------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """The evaluated month and the windows it implies, computed once per evaluation."""

    month: tuple[int, int]
    start: datetime.date  # first day of the rolling window
    extended_start: datetime.date  # first day of the extended window for honours
    end: datetime.date  # last day of the month

    @classmethod
    def of(cls, model: Model, month: datetime.date) -> Period:
        return cls(
            (month.year, month.month),
            months_back(month, model.window_months - 1),
            months_back(month, model.extended_months - 1),
            month_end(month),
        )


def in_window(period: Period, event: Event) -> bool:
    """滚动窗口：只计含评价月份在内最近{window}个月内发生的事件。"""
    return period.start <= event.day <= period.end


def extended_honour(model: Model, period: Period, item: Item, event: Event) -> bool:
    """{levels}荣誉多计一年：最近{extended}个月内获得的即计分。"""
    return (
        item.honour
        and event.level in model.extended_levels
        and period.extended_start <= event.day <= period.end
    )


def cleared_before(period: Period, item: Item, event: Event) -> bool:
    """承诺、履约、拖欠类负面事件整改或修复后，自次月起不再计分。"""
    cleared = event.cleared_on
    return (
        item.stops_on_repair
        and cleared is not None
        and (cleared.year, cleared.month) < period.month
    )


def honour_barred(item: Item, body: Body, event: Event) -> bool:
    """列入严重失信政府机构名单期间（{bar_years}年）获得的表彰奖励不计分。"""
    return item.honour and any(first <= event.day <= last for first, last in body.barred)


def event_points(model: Model, item: Item, event: Event) -> Decimal:
    """每件事件按条目分值计分；事件另定分值的以另定为准，荣誉按级别取分。"""
    if event.points is not None:
        return abs(event.points)
    if item.level_points and event.level in item.level_points:
        return item.level_points[event.level]
    return item.points


def ontime_months(model: Model, events: Sequence[Event]) -> list[Event]:
    """每月{due_day}日前（含）报送上月履约信息的，每个按时报送的月份加分一次。"""
    chosen: dict[tuple[int, int], Event] = {}
    for event in events:  # in date order
        if event.day.day <= model.due_day:
            chosen.setdefault((event.day.year, event.day.month), event)
    return list(chosen.values())


def item_cap(item: Item, raw: Decimal) -> Decimal:
    """条目加分或扣分不超过该条目的上限。"""
    return min(raw, item.cap)


def dimension_cap(bonus: Decimal, deduction: Decimal, bonus_cap: Decimal, cap: Decimal) -> Decimal:
    """维度加分合计不超过加分上限，扣分合计不超过扣分上限。"""
    return min(bonus, bonus_cap) - min(deduction, cap)


def grade_of(model: Model, score: Decimal) -> str:
    """总分不低于某等级下限的评为该等级（自高到低取第一个）。"""
    return model.grade_for(score).grade


def rank_by_level(results: Sequence[Result], bodies: Mapping[int, Body]) -> None:
    """同一层级（县直部门、乡镇街道等）内按总分从高到低排名，同分名次相同。"""
    by_level: dict[str, list[Result]] = {}
    for result in results:
        by_level.setdefault(bodies[result.body_id].level, []).append(result)
    for group in by_level.values():
        group.sort(key=lambda r: (-r.score, r.body_id))
        for position, result in enumerate(group, start=1):
            if position > 1 and result.score == group[position - 2].score:
                result.rank = group[position - 2].rank
            else:
                result.rank = position


def change(score: Decimal, previous: Decimal | None) -> Decimal | None:
    """与上月得分相比的变化；上月未评价的不计变化。"""
    return None if previous is None else score - previous


RULES: tuple[Callable[..., Any], ...] = (
    in_window,
    extended_honour,
    cleared_before,
    honour_barred,
    event_points,
    ontime_months,
    item_cap,
    dimension_cap,
    grade_of,
    rank_by_level,
    change,
)


def explanations(model: Model) -> dict[str, str]:
    """Each rule's published explanation, with the model's figures filled in."""
    values = {
        "window": model.window_months,
        "extended": model.extended_months,
        "levels": "、".join(model.extended_levels) or "无",
        "due_day": model.due_day,
        "bar_years": model.bar_years,
    }
    return {
        rule.__name__: (rule.__doc__ or "").strip().splitlines()[0].format(**values)
        for rule in RULES
    }


# -- evaluation ----------------------------------------------------------------------------


def _counts(model: Model, period: Period, item: Item, event: Event) -> str | None:
    """The rule that lets an event count, "cleared_before" when rectification or repair stops
    it, or None when it falls outside the windows."""
    if item.sign < 0 and cleared_before(period, item, event):
        return "cleared_before" if period.start <= event.day <= period.end else None
    if in_window(period, event):
        return "in_window"
    if extended_honour(model, period, item, event):
        return "extended_honour"
    return None


def _score_body(model: Model, period: Period, body: Body, events: Iterable[Event]) -> Result:
    by_item: dict[str, list[Event]] = {}
    items, for_kind = model.items, model.item_for_kind
    for event in events:
        item = items.get(event.item) if event.item else None
        if item is None:
            item = for_kind.get(event.kind)
        if item is not None:
            by_item.setdefault(item.code, []).append(event)
    contributions: list[Contribution] = []
    dimensions: list[dict[str, Any]] = []
    total = ZERO
    for dimension in model.dimensions:
        bonus = deduction = ZERO
        for item in dimension.items:
            mine = by_item.get(item.code)
            if not mine:
                continue
            rules: list[str] = []
            counted: list[Event] = []
            barred: list[Event] = []
            raw = ZERO
            if item.rule == "ontime":
                window = [e for e in mine if in_window(period, e)]
                counted = ontime_months(model, window)
                raw = item.points * len(counted)
                rules = [in_window.__name__, ontime_months.__name__]
            else:
                cleared = False
                for event in mine:
                    why = _counts(model, period, item, event)
                    if why is None:
                        continue
                    if why == "cleared_before":
                        cleared = True
                        continue
                    if body.barred and honour_barred(item, body, event):
                        barred.append(event)
                        continue
                    counted.append(event)
                    raw += event_points(model, item, event)
                    if why not in rules:
                        rules.append(why)
                if counted:
                    rules.append(event_points.__name__)
                if cleared:
                    rules.append(cleared_before.__name__)
                if barred:
                    rules.append(honour_barred.__name__)
            if not counted:
                if barred:
                    # The item counted nothing, but the report must still say why.
                    contributions.append(
                        Contribution(
                            item=item.code,
                            name=item.name,
                            dimension=dimension.code,
                            points=ZERO.quantize(CENT),
                            raw=ZERO.quantize(CENT),
                            events=[e.id for e in barred],
                            rules=[honour_barred.__name__],
                        )
                    )
                continue
            points = item_cap(item, raw)
            if points < raw:
                rules.append(item_cap.__name__)
            if item.sign > 0:
                bonus += points
            else:
                deduction += points
            contributions.append(
                Contribution(
                    item=item.code,
                    name=item.name,
                    dimension=dimension.code,
                    points=(points * item.sign).quantize(CENT),
                    raw=(raw * item.sign).quantize(CENT),
                    events=[e.id for e in counted],
                    rules=rules,
                )
            )
        net = dimension_cap(bonus, deduction, dimension.bonus_cap, dimension.deduction_cap)
        score = (dimension.weight + net).quantize(CENT)
        total += score
        dimensions.append(
            {
                "code": dimension.code,
                "name": dimension.name,
                "weight": str(dimension.weight),
                "bonus": str(bonus.quantize(CENT)),
                "deduction": str(deduction.quantize(CENT)),
                "score": str(score),
                "capped": net != bonus - deduction,
            }
        )
    total = total.quantize(CENT)
    return Result(
        body_id=body.id,
        score=total,
        grade=grade_of(model, total),
        dimensions=dimensions,
        contributions=contributions,
    )


def evaluate(
    model: Model,
    month: datetime.date,
    bodies: Sequence[Body],
    events: Iterable[Event],
    previous: Mapping[int, Decimal],
) -> list[Result]:
    """Evaluate every body for ``month`` (any day of it); results in body id order.

    The result does not depend on the order of ``events``: each body's are put in date order."""
    month = month.replace(day=1)
    by_body: dict[int, list[Event]] = {body.id: [] for body in bodies}
    for event in events:
        mine = by_body.get(event.body_id)
        if mine is not None:
            mine.append(event)
    for mine in by_body.values():
        mine.sort(key=_ORDER)
    index = {body.id: body for body in bodies}
    period = Period.of(model, month)
    results = [
        _score_body(model, period, body, by_body[body.id])
        for body in sorted(bodies, key=lambda b: b.id)
    ]
    rank_by_level(results, index)
    for result in results:
        result.delta = change(result.score, previous.get(result.body_id))
    return results
