"""HTTP pieces of the benchmarks: a served data directory and a keep-alive load generator."""

from __future__ import annotations

import contextlib
import http.client
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bench.common import ROOT

XINYONG = [sys.executable, "-m", "xinyong.cli"]
#: port -> pid of the ``xinyong serve`` started by ``serving`` (for the server's CPU time)
_SERVERS: dict[int, int] = {}
#: (method, path, body, headers) of one request.
Request = tuple[str, str, bytes | None, dict[str, str]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(env: dict[str, str], threads: int, workers: int = 1) -> Iterator[int]:
    """``xinyong serve`` on a free port for the data directory in ``env``; yields the port."""
    port = free_port()
    server = subprocess.Popen(
        [
            *XINYONG,
            "serve",
            "--port",
            str(port),
            "--threads",
            str(threads),
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _SERVERS[port] = server.pid
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
        yield port
    finally:
        _SERVERS.pop(port, None)
        server.terminate()
        server.wait(timeout=30)


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children (``--workers`` forks), from
    /proc; 0 where /proc is not available."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return 0.0
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command: state, ppid, …; utime and stime are fields 14 and 15 of stat
        if int(entry) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def gets(paths: Sequence[str], headers: dict[str, str] | None = None) -> list[Request]:
    return [("GET", p, None, headers or {}) for p in paths]


def load(
    port: int,
    requests: Sequence[Request],
    concurrency: int,
    total: int,
    check: Callable[[int, bytes], bool] | None = None,
) -> dict[str, float]:
    """Send ``total`` requests chosen from ``requests`` over ``concurrency`` keep-alive
    connections; throughput and latency figures. ``check`` judges each answer (default: 200)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_worker = max(total // concurrency, 1)
    judge = check or (lambda status, body: status == 200)

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        bad = 0
        for _ in range(per_worker):
            method, path, body, headers = rng.choice(requests)
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            mine.append(time.perf_counter() - started)
            if not judge(response.status, content):
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    server = _SERVERS.get(port)
    server_cpu = tree_cpu_seconds(server) if server else 0.0
    client_cpu = time.process_time()
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    server_cpu = (tree_cpu_seconds(server) - server_cpu) if server else 0.0
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        # CPU per request: steadier than rates on a shared machine, and what a rate ratio is
        # made of when the server is CPU-bound (ADR 0010).
        "server_cpu_ms_per_request": round(server_cpu / len(latencies) * 1000, 2),
        "client_cpu_ms_per_request": round(client_cpu / len(latencies) * 1000, 2),
    }


def demo_env(demo_dir: Path | None, prefix: str) -> tuple[dict[str, str], Path]:
    """Environment serving an existing demo data directory, or a new demo built first."""
    import os
    import tempfile

    env = dict(os.environ)
    env.pop("XINYONG_DATABASE_URL", None)
    data_dir = demo_dir or Path(tempfile.mkdtemp(prefix=prefix))
    env["XINYONG_DATA_DIR"] = str(data_dir)
    if demo_dir is None:
        subprocess.run([*XINYONG, "demo", "--no-serve"], env=env, cwd=ROOT, check=True)
    return env, data_dir
