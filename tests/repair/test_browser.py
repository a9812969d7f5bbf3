"""The portal's repair application in a real browser (Debian's chromium driven by Playwright):
from the record page to the submitted application.

The server runs as a subprocess on its own SQLite database (see tests/browser.py), so the test
never touches the suite's database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.browser import chromium, running_server
from tests.repair.factories import COMPANY_CODE

SEED = """
import django
django.setup()
from django.utils import timezone
from xinyong.core.publicity import add_months
from xinyong.departments.models import Department
from tests.portal.factories import make_subject
from tests.repair.factories import COMPANY_CODE, penalty

dept = Department.objects.create(name="示范县市场监督管理局", code="11330100MB0000019K")
company = make_subject("示范县修复建材有限公司", uscc=COMPANY_CODE)
record = penalty(company, dept, add_months(timezone.localdate(), -4), doc_no="示市监罚〔2026〕77号")
print(record.pk)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, int]]:
    """(portal URL, database file, id of the seeded penalty)."""
    with running_server(tmp_path_factory.mktemp("repair-browser"), SEED) as running:
        record_id = int(running.seeded.strip().splitlines()[-1])
        yield running.url, running.database, record_id


def test_a_subject_applies_for_repair_from_the_record_page(
    server: tuple[str, Path, int], tmp_path: Path
) -> None:
    url, database, record_id = server
    receipt = tmp_path / "缴款凭证.pdf"
    receipt.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    requested: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{url}/record/{record_id}/")
        box = page.locator("#repair")
        assert "一般失信" in box.inner_text()
        assert page.locator(".repair-earliest").inner_text().endswith("日")
        assert "作出信用修复承诺" in page.locator(".repair-conditions").inner_text()
        page.screenshot(path=str(tmp_path / "record.png"), full_page=True)
        page.get_by_role("link", name="申请信用修复").click()
        page.wait_for_url(f"**/repair/record/{record_id}/apply/")

        page.fill("input[name=subject_code]", COMPANY_CODE)
        page.fill("input[name=applicant_name]", "李经办")
        page.fill("input[name=applicant_phone]", "13800000000")
        page.fill("textarea[name=statement]", "罚款已缴清，违法行为已整改。")
        page.check("input[name=obligations_fulfilled]")
        page.set_input_files("input[name=materials]", str(receipt))
        assert "郑重承诺" in page.locator(".commitment-text").inner_text()
        page.check("input[name=commitment_signed]")
        page.fill("input[name=commitment_signer]", "张法人")
        page.click("form.repair-form button[type=submit]")
        page.wait_for_url("**/repair/submitted/")
        tracking_no = page.locator("#tracking-no").inner_text().strip()
        code = page.locator("#access-code").inner_text().strip()
        assert tracking_no.startswith("XF") and len(code) == 8
        page.screenshot(path=str(tmp_path / "submitted.png"), full_page=True)

        page.get_by_role("link", name="查看办理进度").click()
        page.wait_for_url(f"**/repair/track/{tracking_no}/")
        assert page.locator(".repair-status").inner_text() == "已提交，待受理"
    with sqlite3.connect(database) as db:
        status, signer, files = db.execute(
            "SELECT a.status, a.commitment_signer, COUNT(m.id) FROM repair_repairapplication a "
            "LEFT JOIN repair_repairmaterial m ON m.application_id = a.id "
            "WHERE a.tracking_no = ? GROUP BY a.id",
            (tracking_no,),
        ).fetchone()
    assert (status, signer, files) == ("submitted", "张法人", 1)
    assert (tmp_path / "submitted.png").stat().st_size > 10_000
    outside = [u for u in requested if not u.startswith(url)]
    assert outside == [], f"requests outside the portal: {outside}"
