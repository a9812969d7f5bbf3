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
import http.client
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.common import ROOT, machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(port: int, paths: list[str], concurrency: int, total: int) -> dict[str, float]:
    """Send ``total`` GETs over ``concurrency`` keep-alive connections; latency figures."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_worker = total // concurrency

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        for _ in range(per_worker):
            path = rng.choice(paths)
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
    }


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

    env = dict(os.environ)
    env.pop("XINYONG_DATABASE_URL", None)
    data_dir = args.demo_dir or Path(tempfile.mkdtemp(prefix="xinyong-bench-portal-"))
    env["XINYONG_DATA_DIR"] = str(data_dir)
    xinyong = [sys.executable, "-m", "xinyong.cli"]
    if args.demo_dir is None:
        subprocess.run([*xinyong, "demo", "--no-serve"], env=env, cwd=ROOT, check=True)
    port = free_port()
    levels = [int(x) for x in args.concurrency.split(",")]
    server = subprocess.Popen(
        [*xinyong, "serve", "--port", str(port), "--threads", str(max(levels))],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/api/v1/ping")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.3)
        paths = sample_paths(data_dir / "xinyong.sqlite3", random.Random(3))
        for group in paths.values():  # warm caches and connections
            load(port, group, 2, 20)
        results: dict[str, object] = {}
        for level in levels:
            baseline = load(port, ["/api/v1/ping"], level, args.requests)
            at_level: dict[str, object] = {"trivial": baseline}
            for name, group in paths.items():
                figures = load(port, group, level, args.requests)
                figures["rps_ratio_to_trivial"] = round(figures["rps"] / baseline["rps"], 3)
                figures["p95_under_100ms"] = figures["p95_ms"] < 100
                at_level[name] = figures
            results[f"concurrency_{level}"] = at_level
    finally:
        server.terminate()
        server.wait(timeout=30)
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
