"""The portal in a real browser (Debian's chromium driven by Playwright).

The server runs as a subprocess on its own SQLite database (always SQLite, whatever the suite
runs on), migrated and seeded by subprocesses, so the test never touches the suite's database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.portal.factories import PERSON_ID, PERSON_MASKED

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]

SEED = """
import django
django.setup()
from decimal import Decimal
from xinyong.departments.models import Department
from xinyong.subjects.models import SubjectKind
from tests.portal.factories import PERSON_ID, make_record, make_subject

dept = Department.objects.create(name="示范县市场监督管理局", code="11330100MB0000000X")
company = make_subject("示范县绿源建材有限公司", uscc="91350100M000100Y43")
person = make_subject("王五浏览器", SubjectKind.NATURAL, id_number=PERSON_ID)
make_record(company, dept, "xzxk")
make_record(person, dept, "xzcf", penalty_category="罚款", fine=Decimal("0.2"))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="module")
def portal_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xinyong.settings",
        "XINYONG_DATA_DIR": str(tmp),
        "XINYONG_DATABASE_URL": f"sqlite:///{tmp / 'browser.sqlite3'}",
        "XINYONG_DEBUG": "1",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    cli = [sys.executable, "-m", "xinyong.cli"]
    _run([*cli, "migrate", "--noinput", "-v", "0"], env, "xinyong migrate")
    _run([sys.executable, "-c", SEED], env, "seeding the browser database")
    port = _free_port()
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
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
            if server.poll() is not None:
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
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_a_visitor_finds_a_person_by_name_and_sees_only_the_masked_id_number(
    portal_url: str, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(portal_url + "/")
            assert "信用示范县" in page.title()
            page.fill(".hero input[name=q]", "王五")
            page.click(".hero button[type=submit]")
            page.wait_for_url("**/search/?q=*")
            page.click("text=王五浏览器")
            page.wait_for_url("**/subject/*/")
            assert page.locator("h1").inner_text() == "王五浏览器"
            content = page.content()
            text = page.inner_text("body")
            assert PERSON_MASKED in text
            assert PERSON_ID not in content and PERSON_ID.lower() not in content
            assert "罚款" in text
            # the stylesheet loaded: the header is painted, not the browser's default white
            header_bg = page.eval_on_selector(
                ".site-header", "e => getComputedStyle(e).backgroundImage"
            )
            assert "gradient" in header_bg
            page.screenshot(path=str(tmp_path / "subject.png"), full_page=True)

            # searching by the full number keeps it out of the address bar and the page
            page.goto(portal_url + "/search/")
            page.fill("main input[name=q]", PERSON_ID)
            page.press("main input[name=q]", "Enter")
            page.wait_for_load_state()
            page.wait_for_selector("text=王五浏览器")
            assert PERSON_ID not in page.url
            assert PERSON_ID not in page.content()
            assert PERSON_MASKED in page.inner_text("main")
            assert page.input_value("main input[name=q]") == ""
        finally:
            browser.close()
    assert (tmp_path / "subject.png").stat().st_size > 10_000
    outside = [u for u in requested if not u.startswith(portal_url)]
    assert outside == [], f"requests outside the portal: {outside}"
