"""The portal in a real browser (Debian's chromium driven by Playwright).

The server runs as a subprocess on its own SQLite database (see tests/browser.py), so the test
never touches the suite's database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.browser import chromium, running_server
from tests.portal.factories import PERSON_ID, PERSON_MASKED

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


@pytest.fixture(scope="module")
def portal_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("browser"), SEED) as server:
        yield server.url


def test_a_visitor_finds_a_person_by_name_and_sees_only_the_masked_id_number(
    portal_url: str, tmp_path: Path
) -> None:
    requested: list[str] = []
    with chromium() as browser:
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
    assert (tmp_path / "subject.png").stat().st_size > 10_000
    outside = [u for u in requested if not u.startswith(portal_url)]
    assert outside == [], f"requests outside the portal: {outside}"
