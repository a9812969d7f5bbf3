"""公开承诺公示 in a real browser (Debian's chromium driven by Playwright): a visitor searches
by body name, sees the head's signature line and the fulfilment reports, and opens a pledge.

The server runs as a subprocess on its own SQLite database (see tests/browser.py), so the test
never touches the suite's database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.browser import chromium, running_server

SEED = """
import datetime as dt
import django
django.setup()
from xinyong.core import uscc
from xinyong.departments.models import Department
from xinyong.integrity.services import register_body
from xinyong.pledges import services
from xinyong.subjects.identity import SubjectRef, resolve
from xinyong.subjects.models import SubjectKind

def body(n, name):
    code = uscc.build("11330100", f"MB{n:06d}")
    dept = Department.objects.create(name=name, code=code)
    ref = SubjectRef(SubjectKind.GOVERNMENT, name, uscc=code)
    return register_body(next(iter(resolve([ref]).values())), "county_dept", department=dept)

market, water = body(31, "示范县市场监督管理局"), body(32, "示范县水利局")
def make(b, title, due, signer):
    return services.create_pledge(None, b, services.PledgeInput(
        title=title, content="承诺内容：<b>不加粗</b>，按期兑现。", category="惠企政策兑现",
        signer_name=signer, signer_title="局长", signed_on=dt.date(2026, 3, 2), due_date=due),
        today=dt.date(2026, 3, 2))
p = make(market, "兑现年度中小企业技术改造补助", dt.date(2026, 6, 30), "张建国")
services.add_report(None, p, period="2026-03", status="ongoing", text="补助资金已完成审核",
                    today=dt.date(2026, 4, 8))
make(water, "农田水利工程款按期支付", None, "赵水生")
print(p.number)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with running_server(tmp_path_factory.mktemp("pledges-browser"), SEED) as running:
        yield running.url, running.seeded.strip().splitlines()[-1]


def test_a_visitor_finds_a_bodys_pledges_and_reads_the_signed_pledge(
    server: tuple[str, str], tmp_path: Path
) -> None:
    url, number = server
    requested: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{url}/integrity/pledges/")
        assert page.locator(".pledge-body h2").all_inner_texts() == [
            "示范县市场监督管理局",
            "示范县水利局",
        ]
        page.fill("form.filters input[name=q]", "市场监督")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/integrity/pledges/?q=*")
        assert page.locator(".pledge-body h2").all_inner_texts() == ["示范县市场监督管理局"]
        signature = page.locator(".pledge-signature").inner_text()
        assert "负责人（签字）：局长 张建国" in signature and "2026年3月2日" in signature
        assert page.locator(".pledge-status").inner_text() == "履行中"
        assert "补助资金已完成审核" in page.locator(".pledge-reports").inner_text()
        page.screenshot(path=str(tmp_path / "list.png"), full_page=True)

        page.get_by_role("link", name="兑现年度中小企业技术改造补助").click()
        page.wait_for_url(f"**/integrity/pledges/{number}/")
        content = page.locator(".pledge-content").inner_text()
        assert "<b>不加粗</b>" in content  # shown as text, not markup
        assert page.locator(".pledge-content b").count() == 0
    assert (tmp_path / "list.png").stat().st_size > 10_000
    outside = [u for u in requested if not u.startswith(url)]
    assert outside == [], f"requests outside the portal: {outside}"
