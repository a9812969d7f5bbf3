"""Collection throughput: validating and storing N 行政处罚 rows from a GBK CSV file, as a
ratio to the raw limit measured in the same run (the same rows inserted into the same database
with executemany on SQLite / COPY on PostgreSQL, no validation). Goal: ratio ≥ 1/3 at
N = 200,000, in bounded memory.

    python -m bench.ingest [--rows 200000]
    XINYONG_BENCH_POSTGRES=postgres://user:pw@127.0.0.1:5432/postgres python -m bench.ingest
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

from bench.common import child_json, fresh_database, machine, peak_rss_mb

CHUNK = 2000


def make_file(path: Path, rows: int, dept_code: str, seed: int = 7) -> None:
    """A 行政处罚 file as a market-regulation office exports it (GBK CSV), 1% bad rows."""
    from xinyong.catalog.model import default_catalog
    from xinyong.core import ric, uscc

    rng = random.Random(seed)
    rt = default_catalog().type("xzcf")
    labels = [f.label for f in rt.fields]
    companies = [uscc.build("91330110", f"MA{n:06X}") for n in range(max(rows // 4, 1))]
    start = dt.date(2026, 1, 5)
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(labels)
        for n in range(rows):
            person = n % 10 == 0
            decided = start + dt.timedelta(days=rng.randrange(300))
            if person:
                body = f"330110{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
                values = {
                    "subject_name": f"张{n}",
                    "subject_kind": "自然人",
                    "id_type": "身份证",
                    "id_number": body + ric.calc_check_digit(body),
                }
            else:
                values = {
                    "subject_name": f"示范县第{n % len(companies)}商贸有限公司",
                    "subject_kind": "法人及非法人组织",
                    "subject_code": companies[n % len(companies)],
                    "legal_rep": "李四",
                }
            values.update(
                decision_number=f"示市监罚〔{decided.year}〕{n + 1}号",
                violation_type="销售不符合食品安全标准的食品",
                violation_facts="经查，当事人经营超过保质期的食品，违反了食品安全法的规定。",
                basis="《中华人民共和国食品安全法》第一百二十四条第一款",
                penalty_category=rng.choice(["罚款", "警告；罚款", "罚款；没收违法所得"]),
                penalty_content="罚款人民币" + str(rng.randrange(1, 50) * 1000) + "元",
                fine_amount=f"{rng.randrange(1, 500) / 100:.2f}",
                decision_date=decided.isoformat(),
                valid_to=(decided + dt.timedelta(days=365)).isoformat(),
                authority_name="示范县市场监督管理局",
                authority_code=dept_code,
                source_dept="示范县市场监督管理局",
                source_dept_code=dept_code,
            )
            if "没收" in values["penalty_category"]:
                values["confiscation_amount"] = "0.12"
            if n % 100 == 99:
                values["decision_date"] = "2026-02-30"
            writer.writerow([values.get(f.key, "") for f in rt.fields])


def child_raw(path: Path) -> None:
    """The limit: the same rows into the same database, no validation."""
    import django

    django.setup()
    from django.db import connection, transaction

    with path.open(encoding="gb18030", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        cols = len(header)
        columns = ", ".join(f"c{i} text" for i in range(cols))
        with connection.cursor() as cur:
            cur.execute(f"CREATE TABLE bench_raw (id integer primary key, {columns})")
        started = time.perf_counter()
        count = 0
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cur:
                names = ", ".join(["id", *(f"c{i}" for i in range(cols))])
                with cur.cursor.copy(f"COPY bench_raw ({names}) FROM STDIN") as copy:
                    for row in reader:
                        count += 1
                        copy.write_row([count, *row])
        else:
            marks = ", ".join(["%s"] * (cols + 1))
            sql = f"INSERT INTO bench_raw VALUES ({marks})"  # noqa: S608
            chunk: list[list[object]] = []
            for row in reader:
                count += 1
                chunk.append([count, *row])
                if len(chunk) >= CHUNK:
                    with transaction.atomic(), connection.cursor() as cur:
                        cur.executemany(sql, chunk)
                    chunk = []
            if chunk:
                with transaction.atomic(), connection.cursor() as cur:
                    cur.executemany(sql, chunk)
        seconds = time.perf_counter() - started
    print(json.dumps({"rows": count, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}))


def child_pipeline(path: Path, dept_code: str) -> None:
    import django

    django.setup()
    from xinyong.departments.models import Department
    from xinyong.ingest.services import prepare_file_batch, run_batch

    department = Department.objects.create(name="示范县市场监督管理局", code=dept_code)
    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open("rb") as fh:
        batch = prepare_file_batch(None, department, "xzcf", fh, path.name, "cli", "bench")
    batch = run_batch(batch, "bench")
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    assert batch.accepted + batch.rejected == batch.submitted
    print(
        json.dumps(
            {
                "rows": batch.submitted,
                "accepted": batch.accepted,
                "rejected": batch.rejected,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child", choices=["raw", "pipeline"])
    parser.add_argument("--file", type=Path)
    args = parser.parse_args(argv)
    from xinyong.core import uscc

    dept_code = uscc.build("11330110", "MB000001")
    if args.child == "raw":
        child_raw(args.file)
        return {}
    if args.child == "pipeline":
        child_pipeline(args.file, dept_code)
        return {}

    env, work = fresh_database("ingest")
    path = work / "xzcf.csv"
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    os.environ["XINYONG_DATA_DIR"] = str(work)
    make_file(path, args.rows, dept_code)
    raw = child_json("bench.ingest", ["--child", "raw", "--file", str(path)], env)
    ours = child_json("bench.ingest", ["--child", "pipeline", "--file", str(path)], env)
    raw_rate = raw["rows"] / raw["seconds"]
    our_rate = ours["rows"] / ours["seconds"]
    result = {
        "benchmark": "ingest",
        "database": env["XINYONG_DATABASE_URL"].split(":", 1)[0],
        "rows": args.rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "raw_rows_per_s": round(raw_rate),
        "pipeline_rows_per_s": round(our_rate),
        "ratio": round(our_rate / raw_rate, 3),
        "goal_ratio": round(1 / 3, 3),
        "pipeline_seconds": round(ours["seconds"], 1),
        # CPU time of the pipeline's own process (on SQLite this includes the database's work;
        # on PostgreSQL the server's is not counted): less sensitive to a busy machine.
        "pipeline_cpu_seconds": round(ours["cpu_seconds"], 1),
        "accepted": ours["accepted"],
        "rejected": ours["rejected"],
        "pipeline_peak_rss_mb": round(ours["peak_rss_mb"]),
        "raw_peak_rss_mb": round(raw["peak_rss_mb"]),
        "machine": machine(),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
