"""政务诚信监测评价 (issue 4): one month's evaluation of 3,000 bodies from 300,000 archive
events (generated here, inserted with xinyong.dbbulk), timing the service behind
``xinyong integrity evaluate`` — the first run, an unchanged re-run, and a re-run after one late
event. Goal: under 10 s on SQLite and PostgreSQL. With --large the same is done with 3,000,000
events and the growth factor is stated (it should be about linear in the events).

    python -m bench.integrity [--bodies 3000] [--events 300000] [--large]

PostgreSQL: set XINYONG_BENCH_POSTGRES to a server URL (see bench/common.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections import Counter
from typing import Any

from bench.common import child_json, fresh_database, machine, peak_rss_mb

MONTH = dt.date(2026, 4, 1)
SEED = 20260404


def child_load(bodies: int, events: int) -> None:
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from xinyong import dbbulk
    from xinyong.core import uscc
    from xinyong.integrity.model import default_versions
    from xinyong.integrity.models import GovBody, IntegrityEvent
    from xinyong.subjects.models import Subject, SubjectKind

    rng = random.Random(SEED)
    now = timezone.now()
    model = default_versions()[0]
    # Frequent routine events, rare serious ones (a realistic archive, not a uniform one).
    common = {"fulfilment_report": 30, "rating_bad": 20, "honour": 8, "credit_application": 6}
    kinds = list(model.kinds)
    weights = [common.get(kind, 1) for kind in kinds]
    stops = {k for k, item in model.item_for_kind.items() if item.stops_on_repair}
    started = time.perf_counter()
    with transaction.atomic():
        subject_ids = dbbulk.insert(
            Subject,
            [
                "kind",
                "name",
                "name_pinyin",
                "uscc",
                "id_masked",
                "id_cipher",
                "created_at",
                "updated_at",
            ],
            [
                (
                    SubjectKind.GOVERNMENT,
                    f"示范县第{n}号机关",
                    "",
                    uscc.build("11330110", f"MB{n:06d}"),
                    "",
                    "",
                    now,
                    now,
                )
                for n in range(bodies)
            ],
            returning=True,
        )
        levels = ["county_dept"] * 2 + ["township"]
        body_ids = dbbulk.insert(
            GovBody,
            ["subject", "name", "level", "active", "created_at"],
            [
                (sid, f"示范县第{n}号机关", levels[n % 3], True, now)
                for n, sid in enumerate(subject_ids)
            ],
            returning=True,
        )
        start = dt.date(2024, 5, 1)
        span = (dt.date(2026, 4, 30) - start).days
        names = [
            "body",
            "item",
            "kind",
            "event_date",
            "level",
            "channel",
            "source_doc",
            "points",
            "rectified_on",
            "repaired_on",
            "note",
            "origin",
            "person_role",
            "withdraw_reason",
            "created_at",
        ]
        chunk: list[tuple[Any, ...]] = []
        for n in range(events):
            kind = rng.choices(kinds, weights)[0]
            day = start + dt.timedelta(days=rng.randrange(span + 1))
            cleared = None
            if kind in stops and rng.random() < 0.3:
                cleared = day + dt.timedelta(days=rng.randrange(1, 200))
            chunk.append(
                (
                    rng.choice(body_ids),
                    "",
                    kind,
                    day,
                    rng.choice(["国家级", "省级", "市级", "县级"]) if kind == "honour" else "",
                    rng.choice(["self", "shared", "internet"]),
                    f"示范县信用办〔{day.year}〕{n}号",
                    None,
                    cleared,
                    None,
                    "",
                    "",
                    "",
                    "",
                    now,
                )
            )
            if len(chunk) == 100_000:
                dbbulk.insert(IntegrityEvent, names, chunk)
                chunk = []
        dbbulk.insert(IntegrityEvent, names, chunk)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def child_evaluate() -> None:
    import django

    django.setup()
    from xinyong.integrity.models import Evaluation, IntegrityEvent
    from xinyong.integrity.services import evaluate_month

    def timed() -> tuple[float, float, Any]:
        wall, cpu = time.perf_counter(), time.process_time()
        run = evaluate_month(MONTH, actor="基准测试")
        return time.perf_counter() - wall, time.process_time() - cpu, run

    first_s, first_cpu, first = timed()
    again_s, _, again = timed()
    # A late court listing of the best-placed body: its score, grade and rank change.
    best = Evaluation.objects.filter(month=MONTH).order_by("-score", "body_id").first()
    assert best is not None
    IntegrityEvent.objects.create(
        body_id=best.body_id, kind="sxbzxr", event_date=MONTH.replace(day=28), channel="shared"
    )
    late_s, _, late = timed()
    print(
        json.dumps(
            {
                "bodies": first.bodies,
                "events_read": first.events,
                "first_seconds": first_s,
                "first_cpu_seconds": first_cpu,
                "unchanged_rerun_seconds": again_s,
                "unchanged": again.unchanged,
                "late_rerun_seconds": late_s,
                "late_changes": len(late.changes),
                "grades": dict(
                    sorted(Counter(Evaluation.objects.values_list("grade", flat=True)).items())
                ),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


def one(bodies: int, events: int) -> dict[str, Any]:
    env, _work = fresh_database(f"integrity{events}")
    load = child_json(
        "bench.integrity",
        ["--child", "load", "--bodies", str(bodies), "--events", str(events)],
        env,
    )
    figures = child_json("bench.integrity", ["--child", "evaluate"], env)
    return {
        "events": events,
        "load_seconds": round(load["seconds"], 1),
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()},
        "goal_seconds": 10,
        "met": figures["first_seconds"] < 10,
        "database": env["XINYONG_DATABASE_URL"].split(":", 1)[0],
    }


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.integrity")
    parser.add_argument("--bodies", type=int, default=3000)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--large", action="store_true", help="also 10× the events")
    parser.add_argument("--child", choices=["load", "evaluate"])
    args = parser.parse_args(argv)
    if args.child == "load":
        child_load(args.bodies, args.events)
        return {}
    if args.child == "evaluate":
        child_evaluate()
        return {}
    runs = [one(args.bodies, args.events)]
    if args.large:
        runs.append(one(args.bodies, args.events * 10))
    result: dict[str, Any] = {
        "benchmark": "integrity",
        "month": f"{MONTH:%Y-%m}",
        "bodies": args.bodies,
        "runs": runs,
        "machine": machine(),
    }
    if len(runs) == 2:
        result["growth"] = {
            "events_factor": 10,
            "time_factor": round(runs[1]["first_seconds"] / runs[0]["first_seconds"], 2),
            # CPU time is the fairer measure of growth on a shared machine.
            "cpu_factor": round(runs[1]["first_cpu_seconds"] / runs[0]["first_cpu_seconds"], 2),
        }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
