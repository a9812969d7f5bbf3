"""Portal under concurrent load: requests per second and p50/p95/p99 latency of the subject
page, search and the 双公示 lists on the demo county, each as a ratio to a trivial endpoint
(/api/v1/ping) of the same server measured in the same run. Goal (issue 2): pages under
100 ms at the 95th percentile.

    python -m bench.portal [--concurrency 8] [--requests 2000] [--demo-dir DIR]

Without --demo-dir the demo county is built first (several minutes); with it, an existing
demo data directory (XINYONG_DATA_DIR of `xinyong demo --no-serve`) is served.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import urllib.parse
from pathlib import Path

from bench.common import machine
from bench.http import demo_env, gets, load, serving


def sample_paths(db: Path, rng: random.Random) -> dict[str, list[str]]:
    conn = sqlite3.connect(db)
    subjects = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT subject_id FROM records_creditrecord WHERE published = 1 LIMIT 5000"
        )
    ]
    names = [r[0] for r in conn.execute("SELECT name FROM subjects_subject LIMIT 5000")]
    conn.close()
    words = sorted({n[3:5] for n in names if len(n) > 5})
    return {
        "subject": [f"/subject/{s}/" for s in rng.sample(subjects, min(500, len(subjects)))],
        "search": [
            "/search/?q=" + urllib.parse.quote(w) for w in rng.sample(words, min(200, len(words)))
        ],
        "xzcf_list": ["/gs/xzcf/", "/gs/xzcf/?page=2", "/gs/xzcf/?page=10"],
        "xzxk_list": ["/gs/xzxk/", "/gs/xzxk/?page=3"],
    }


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.portal")
    parser.add_argument(
        "--concurrency",
        default="1,8",
        help="comma-separated levels: 1 gives the render time, more the behaviour under load",
    )
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--demo-dir", type=Path)
    args = parser.parse_args(argv)

    env, data_dir = demo_env(args.demo_dir, "xinyong-bench-portal-")
    levels = [int(x) for x in args.concurrency.split(",")]
    with serving(env, max(levels)) as port:
        paths = sample_paths(data_dir / "xinyong.sqlite3", random.Random(3))
        for group in paths.values():  # warm caches and connections
            load(port, gets(group), 2, 20)
        results: dict[str, object] = {}
        for level in levels:
            baseline = load(port, gets(["/api/v1/ping"]), level, args.requests)
            at_level: dict[str, object] = {"trivial": baseline}
            for name, group in paths.items():
                figures = load(port, gets(group), level, args.requests)
                figures["rps_ratio_to_trivial"] = round(figures["rps"] / baseline["rps"], 3)
                figures["p95_under_100ms"] = figures["p95_ms"] < 100
                at_level[name] = figures
            results[f"concurrency_{level}"] = at_level
    report = {
        "benchmark": "portal",
        "concurrency_levels": levels,
        "requests_per_page_kind": args.requests,
        "results": results,
        "machine": machine(),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
