"""Set-up shared by the browser tests (Debian's chromium driven by Playwright).

The server runs as a subprocess on its own SQLite database (always SQLite, whatever the suite
runs on), migrated and seeded by subprocesses, so a test never touches the suite's database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Server:
    url: str
    database: Path
    #: what the seed script printed
    seeded: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def running_server(tmp: Path, seed: str) -> Iterator[Server]:
    """Migrate a fresh SQLite database in ``tmp``, run the ``seed`` script (Python source that
    calls ``django.setup()``) and serve the site until the block ends."""
    database = tmp / "browser.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xinyong.settings",
        "XINYONG_DATA_DIR": str(tmp),
        "XINYONG_DATABASE_URL": f"sqlite:///{database}",
        "XINYONG_DEBUG": "1",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    cli = [sys.executable, "-m", "xinyong.cli"]
    _run([*cli, "migrate", "--noinput", "-v", "0"], env, "xinyong migrate")
    seeded = _run([sys.executable, "-c", seed], env, "seeding the browser database")
    port = _free_port()
    log = (tmp / "server.log").open("w")
    process = subprocess.Popen(
        [*cli, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server stopped: {(tmp / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer: {(tmp / 'server.log').read_text()}")
            time.sleep(0.2)
        yield Server(url, database, seeded)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium browser (Playwright's ``Browser``), closed when the block ends."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
