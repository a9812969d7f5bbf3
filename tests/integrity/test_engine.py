"""The evaluation engine's rules (R-GOV-3) on hand-built cases: pure data, no database."""

from __future__ import annotations

import datetime as dt
import doctest
import random
from decimal import Decimal

from xinyong.integrity import engine
from xinyong.integrity import model as model_module
from xinyong.integrity.engine import Body, Event, evaluate
from xinyong.integrity.model import default_versions

MODEL = default_versions()[0]
APRIL = dt.date(2026, 4, 1)
BODIES = [
    Body(1, "county_dept", "教育局"),
    Body(2, "county_dept", "财政局"),
    Body(3, "county_dept", "水利局"),
    Body(4, "township", "东城街道"),
    Body(5, "township", "西湖镇"),
]
_ids = iter(range(1, 10**6))


def ev(
    body: int,
    kind: str,
    day: str,
    *,
    level: str = "",
    points: str | None = None,
    cleared: str | None = None,
    item: str = "",
) -> Event:
    return Event(
        next(_ids),
        body,
        item,
        kind,
        dt.date.fromisoformat(day),
        level,
        None if points is None else Decimal(points),
        None if cleared is None else dt.date.fromisoformat(cleared),
    )


def run(events: list[Event], month: dt.date = APRIL, previous: dict[int, Decimal] | None = None):  # type: ignore[no-untyped-def]
    return {r.body_id: r for r in evaluate(MODEL, month, BODIES, events, previous or {})}


def items(result: engine.Result) -> dict[str, engine.Contribution]:
    return {c.item: c for c in result.contributions}


def test_the_module_examples_hold() -> None:
    for module in (engine, model_module):
        assert doctest.testmod(module).failed == 0


def test_a_body_without_events_keeps_the_full_base_score() -> None:
    result = run([])[1]
    assert result.score == Decimal("100.00")
    assert result.grade == "A"
    assert result.contributions == []


def test_a_provincial_honour_13_months_old_still_counts() -> None:
    honour = ev(1, "honour", "2025-03-20", level="省级")
    result = run([honour])[1]
    contribution = items(result)["QZGX-3"]
    assert contribution.events == [honour.id]
    assert contribution.points == Decimal("2.00")
    assert "extended_honour" in contribution.rules
    assert result.score == Decimal("102.00")


def test_a_city_honour_13_months_old_no_longer_counts() -> None:
    result = run([ev(1, "honour", "2025-03-20", level="市级")])[1]
    assert "QZGX-3" not in items(result)
    assert result.score == Decimal("100.00")


def test_a_city_honour_within_12_months_counts_at_its_level_points() -> None:
    result = run([ev(1, "honour", "2025-05-01", level="市级")])[1]
    assert items(result)["QZGX-3"].points == Decimal("1.00")
    assert items(result)["QZGX-3"].rules == ["in_window", "event_points"]


def test_a_national_honour_stops_counting_after_24_months() -> None:
    assert "QZGX-3" in items(run([ev(1, "honour", "2024-05-01", level="国家级")])[1])
    assert "QZGX-3" not in items(run([ev(1, "honour", "2024-04-30", level="国家级")])[1])


def test_an_event_after_the_month_is_not_counted() -> None:
    assert run([ev(1, "arrears", "2026-05-01")])[1].score == Decimal("100.00")


def test_a_repaired_arrear_counts_in_the_month_of_repair_and_stops_the_month_after() -> None:
    arrear = ev(2, "arrears", "2026-01-10", cleared="2026-04-15")
    april = run([arrear], APRIL)[2]
    assert items(april)["SXJN-3"].points == Decimal("-3.00")
    may = run([arrear], dt.date(2026, 5, 1))[2]
    assert "SXJN-3" not in items(may)
    assert may.score == Decimal("100.00")


def test_a_rectified_unkept_commitment_stops_counting_but_an_unrectified_one_continues() -> None:
    kept_late = ev(2, "commitment_unkept", "2025-12-01", cleared="2026-02-28")
    still_open = ev(2, "commitment_unkept", "2026-01-05")
    result = run([kept_late, still_open])[2]
    contribution = items(result)["SXJN-2"]
    assert contribution.events == [still_open.id]
    assert "cleared_before" in contribution.rules
    assert result.score == Decimal("97.00")


def test_rectification_does_not_stop_items_the_model_does_not_mark() -> None:
    fraud = ev(3, "fraud", "2026-01-05", cleared="2026-02-01")
    assert items(run([fraud])[3])["SXJN-1"].points == Decimal("-5.00")


def test_bodies_reporting_fulfilment_on_time_get_a_bonus_per_month() -> None:
    events = [
        ev(1, "fulfilment_report", "2026-02-10"),  # on the due day: on time
        ev(1, "fulfilment_report", "2026-03-03"),
        ev(1, "fulfilment_report", "2026-03-08"),  # same month: counted once
        ev(1, "fulfilment_report", "2026-04-11"),  # late
        ev(2, "fulfilment_report", "2026-04-20"),  # late
    ]
    results = run(events)
    bonus = items(results[1])["SXJN-6"]
    assert bonus.points == Decimal("0.50")
    assert bonus.events == [events[0].id, events[1].id]
    assert "ontime_months" in bonus.rules
    assert "SXJN-6" not in items(results[2])
    assert results[1].score == Decimal("100.50")


def test_an_item_never_moves_more_than_its_cap() -> None:
    arrears = [ev(2, "arrears", f"2026-0{m}-02") for m in range(1, 5)] + [
        ev(2, "arrears", "2025-12-02"),
        ev(2, "arrears", "2025-11-02"),
    ]
    contribution = items(run(arrears)[2])["SXJN-3"]
    assert contribution.raw == Decimal("-18.00")
    assert contribution.points == Decimal("-15.00")
    assert "item_cap" in contribution.rules


def test_a_dimension_never_gains_more_than_its_bonus_cap_nor_loses_more_than_its_weight() -> None:
    good = [
        ev(1, "honour", "2026-01-01", level="国家级"),
        ev(1, "honour", "2026-02-01", level="国家级"),
        ev(1, "target_excellent", "2026-01-15"),
    ]
    result = run(good)[1]
    qzgx = next(d for d in result.dimensions if d["code"] == "QZGX")
    assert qzgx["bonus"] == "6.00"
    assert qzgx["score"] == "30.00"  # weight 25 + bonus cap 5
    assert qzgx["capped"] is True
    bad = [ev(3, "decision_revoked", "2026-01-01", points="20")] + [
        ev(3, "mass_incident", f"2026-0{m}-01") for m in range(1, 4)
    ]
    yfxz = next(d for d in run(bad)[3].dimensions if d["code"] == "YFXZ")
    assert yfxz["deduction"] == "25.00"  # 10 (item cap) + 15
    bad.append(ev(3, "violation", "2026-02-01", points="9"))
    yfxz = next(d for d in run(bad)[3].dimensions if d["code"] == "YFXZ")
    assert yfxz["score"] == "0.00"


def test_a_points_override_replaces_the_item_points() -> None:
    result = run([ev(1, "rating_bad", "2026-03-01", points="1.25")])[1]
    assert items(result)["QZGX-2"].points == Decimal("-1.25")


def test_an_explicit_item_code_wins_over_the_kind_mapping() -> None:
    event = ev(1, "criticism", "2026-03-01", item="YFXZ-4")
    assert set(items(run([event])[1])) == {"YFXZ-4"}


def test_an_event_of_an_unknown_kind_is_ignored() -> None:
    assert run([ev(1, "something_else", "2026-03-01")])[1].score == Decimal("100.00")


def test_grades_follow_the_bands() -> None:
    cases = {"5": "A", "5.01": "B", "15": "B", "15.01": "C", "30": "C", "30.01": "D"}
    for deduction, grade in cases.items():
        # Spread the deduction over items of three dimensions so that no cap interferes.
        total = Decimal(deduction)
        first = min(total, Decimal(15))
        second = min(total - first, Decimal(14))
        events = [ev(2, "fraud", "2026-03-01", points=str(first))]
        if second:
            events.append(ev(2, "violation", "2026-03-01", points=str(second)))
        if total - first - second:
            events.append(ev(2, "criticism", "2026-03-01", points=str(total - first - second)))
        result = run(events)[2]
        assert result.score == Decimal(100) - total
        assert result.grade == grade, (deduction, result.score)


def test_ranks_are_within_level_and_ties_share_a_rank() -> None:
    events = [
        ev(2, "arrears", "2026-03-01"),
        ev(3, "arrears", "2026-03-02"),
        ev(5, "honour", "2026-03-01", level="县级"),
    ]
    results = run(events)
    assert [results[i].rank for i in (1, 2, 3)] == [1, 2, 2]
    assert [results[i].rank for i in (4, 5)] == [2, 1]


def test_the_change_from_last_month_is_given_when_last_month_was_evaluated() -> None:
    results = run([ev(2, "arrears", "2026-03-01")], previous={2: Decimal("99.50")})
    assert results[2].delta == Decimal("-2.50")
    assert results[1].delta is None


def test_the_result_does_not_depend_on_the_order_of_the_events() -> None:
    rng = random.Random(7)
    kinds = ["arrears", "honour", "fraud", "fulfilment_report", "rating_bad", "criticism"]
    events = [
        ev(
            rng.randint(1, 5),
            rng.choice(kinds),
            (dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 900))).isoformat(),
            level=rng.choice(["", "省级", "市级"]),
        )
        for _ in range(300)
    ]
    first = [(r.body_id, r.score, r.rank, r.explanation()) for r in run(events).values()]
    rng.shuffle(events)
    second = [(r.body_id, r.score, r.rank, r.explanation()) for r in run(events).values()]
    assert first == second


def test_every_rule_has_a_published_explanation_with_the_model_figures() -> None:
    texts = engine.explanations(MODEL)
    assert texts["in_window"] == "滚动窗口：只计含评价月份在内最近12个月内发生的事件。"
    assert texts["extended_honour"].startswith("国家级、省级荣誉多计一年：最近24个月")
    assert "10日" in texts["ontime_months"]
    assert all(texts.values())


def test_the_engine_imports_no_django() -> None:
    import subprocess
    import sys

    code = "import sys, xinyong.integrity.engine; print('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
