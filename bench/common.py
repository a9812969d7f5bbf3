"""Shared pieces of the benchmarks: a fresh database, child processes, machine facts."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def fresh_database(tag: str) -> tuple[dict[str, str], Path]:
    """Environment for a new, migrated database: SQLite in a temp dir, or a new PostgreSQL
    database next to the one XINYONG_BENCH_POSTGRES names."""
    work = Path(tempfile.mkdtemp(prefix=f"xinyong-bench-{tag}-"))
    env = dict(os.environ)
    env["XINYONG_DATA_DIR"] = str(work)
    env["DJANGO_SETTINGS_MODULE"] = "xinyong.settings"
    pg = os.environ.get("XINYONG_BENCH_POSTGRES")
    if pg:
        import psycopg

        name = f"xinyong_bench_{tag}"
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["XINYONG_DATABASE_URL"] = urlunparse(urlparse(pg)._replace(path=f"/{name}"))
    else:
        env["XINYONG_DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    run([sys.executable, "-m", "xinyong.cli", "migrate", "-v0"], env)
    return env, work


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def child_json(module: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    out = run([sys.executable, "-m", module, *args], env)
    return json.loads(out.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
