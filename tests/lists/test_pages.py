"""The list pages of the portal (public) and of the office (staff), and ``xinyong list``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from tests.lists.conftest import company, company_code, person, person_id, sx_row

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.lists.importing import import_file
from xinyong.lists.models import EntryStatus, ListCriterion, ListEntry, ListImport
from xinyong.lists.services import ResponsiblePerson, add_entry

MakeFile = Callable[..., Path]


@pytest.fixture
def county(files: MakeFile, market_dept, criterion: ListCriterion, today: dt.date) -> dict:  # type: ignore[type-arg]
    number = person_id(301)
    known = person("陈某某", number)
    firm = company("示范县癸有限公司", company_code(301))
    rows = [
        sx_row("示范县癸有限公司", company_code(301), "(2025)浙0102执301号"),
        sx_row("陈某某", number[:4] + "*" * 10 + number[-4:], "(2025)浙0102执302号"),
        sx_row(
            "外地某某", "4401**********5678", "(2025)粤0106执303号", court="广州市天河区人民法院"
        ),
        sx_row(
            "旧案公司",
            company_code(304),
            "(2019)浙0102执304号",
            start="2019-01-01",
            end="2022-01-01",
        ),
    ]
    import_file(files(rows), "sxbzxr")
    local = add_entry(
        None,
        list_code="serious",
        subject=firm,
        department=market_dept,
        reason="严重违法",
        legal_basis="办法第九条",
        criteria=[criterion],
        doc_no="示市监严失〔2026〕9号",
        start_date=today,
        responsible=[ResponsiblePerson("吴某某", person_id(309), "法定代表人")],
        actor="测试",
    )
    return {"person": known, "firm": firm, "local": local, "number": number}


def test_the_index_lists_every_public_list_with_its_count(client: Client, county) -> None:
    page = client.get("/lists/").content.decode()
    assert "失信被执行人名单" in page and "严重失信主体名单" in page
    assert "/lists/sxbzxr/" in page and "/lists/criteria/" in page


def test_a_list_shows_only_public_in_force_entries_with_ids_masked(client: Client, county) -> None:
    page = client.get("/lists/sxbzxr/").content.decode()
    assert "示范县癸有限公司" in page and "外地某某" in page
    assert "旧案公司" not in page  # expired
    assert county["number"] not in page
    assert "4401**********5678" in page
    serious = client.get("/lists/serious/").content.decode()
    assert "示范县癸有限公司" in serious
    assert "吴某某" not in serious  # responsible persons are not published


def test_list_filters_narrow_by_name_department_and_date(client: Client, county) -> None:
    page = client.get("/lists/sxbzxr/", {"q": "外地"}).content.decode()
    assert "外地某某" in page and "示范县癸有限公司" not in page
    page = client.get("/lists/sxbzxr/", {"department": "广州市天河区人民法院"}).content.decode()
    assert "外地某某" in page and "陈某某" not in page
    page = client.get("/lists/sxbzxr/", {"from": "2030-01-01"}).content.decode()
    assert "没有符合条件" in page
    page = client.get("/lists/sxbzxr/", {"from": "not-a-date"}).content.decode()
    assert "不是有效日期" in page


def test_the_events_page_shows_public_entering_and_leaving(
    client: Client, county, files: MakeFile
) -> None:
    import_file(
        files([sx_row("示范县癸有限公司", company_code(301), "(2025)浙0102执301号")]),
        "sxbzxr",
        replace=True,
    )
    page = client.get("/lists/sxbzxr/events/").content.decode()
    assert "移出" in page and "陈某某" in page
    assert county["number"] not in page
    serious = client.get("/lists/serious/events/").content.decode()
    assert "示范县癸有限公司" in serious and "吴某某" not in serious


def test_unknown_lists_are_not_found(client: Client, db) -> None:
    assert client.get("/lists/nosuch/").status_code == 404


def test_the_criteria_page_shows_each_departments_criteria(client: Client, county) -> None:
    page = client.get("/lists/criteria/").content.decode()
    assert "示范县市场监督管理局" in page and "食品安全严重违法" in page


def test_the_subject_page_shows_public_list_entries(client: Client, county) -> None:
    page = client.get(f"/subject/{county['firm'].pk}/").content.decode()
    assert "失信被执行人名单" in page and "严重失信主体名单" in page
    # a person linked by a masked number is shown with the masked number only
    person_page = client.get(f"/subject/{county['person'].pk}/")
    assert person_page.status_code == 200
    assert county["number"] not in person_page.content.decode()
    assert "红黑名单" in person_page.content.decode()


def test_the_portal_navigation_links_the_lists(client: Client, db) -> None:
    assert 'href="/lists/"' in client.get("/").content.decode()


def test_an_operator_imports_a_file_on_the_office_page(
    client: Client, operator, files: MakeFile
) -> None:
    client.force_login(operator)
    path = files([sx_row("示范县子有限公司", company_code(401), "(2025)浙0102执401号")])
    with path.open("rb") as fh:
        response = client.post(
            "/office/lists/import/", {"list_code": "sxbzxr", "file": fh, "replace": ""}
        )
    assert response.status_code == 200
    assert "接收 1 行" in response.content.decode()
    assert ListImport.objects.get().filename == path.name


def test_a_submitter_may_not_import(client: Client, market_submitter) -> None:
    client.force_login(market_submitter)
    response = client.get("/office/lists/import/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).exists()


def test_a_submitter_enters_and_removes_on_the_office_page(
    client: Client, market_submitter, criterion: ListCriterion, today: dt.date
) -> None:
    client.force_login(market_submitter)
    form = {
        "list_code": "serious",
        "subject_name": "示范县丑食品有限公司",
        "subject_code": company_code(501),
        "criteria": [criterion.pk],
        "reason": "严重违法",
        "legal_basis": "办法第九条",
        "doc_no": "示市监严失〔2026〕5号",
        "start_date": today.isoformat(),
        "responsible": f"郑某，{person_id(501)}，法定代表人",
    }
    response = client.post("/office/lists/new/", form)
    assert response.status_code == 302, response.content.decode()
    entry = ListEntry.objects.get(related_to__isnull=True)
    assert entry.related_entries.count() == 1
    response = client.post(f"/office/lists/{entry.pk}/remove/", {"reason": "决定撤销"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED
    # without criteria the page says why
    form["doc_no"] = "示市监严失〔2026〕6号"
    form["criteria"] = []
    response = client.post("/office/lists/new/", form)
    assert "认定标准" in response.content.decode() and response.status_code == 200


def test_the_cli_imports_with_json_output(files: MakeFile) -> None:
    path = files(
        [
            sx_row("示范县寅有限公司", company_code(601), "(2025)浙0102执601号"),
            sx_row("坏行", "123", "(2025)浙0102执602号"),
        ]
    )
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("list", "import", str(path), "--list", "sxbzxr", "--json", stdout=out)
    assert exited.value.code == 1  # a rejected row
    result = json.loads(out.getvalue())
    assert result["submitted"] == 2 and result["accepted"] == 1 and result["rejected"] == 1
    assert result["errors"][0]["row"] == 3


def test_the_cli_refuses_a_wrong_layout(files: MakeFile) -> None:
    from django.core.management.base import CommandError

    path = files([{"甲": "1"}], headers=["甲", "乙"])
    with pytest.raises(CommandError, match="缺少必需的列"):
        call_command("list", "import", str(path), "--list", "zfcg")


def test_the_cli_expires_and_shows(county, today: dt.date) -> None:
    ListEntry.objects.filter(pk=county["local"].pk).update(end_date=today - dt.timedelta(days=1))
    out = StringIO()
    call_command("list", "expire", "--json", stdout=out)
    assert json.loads(out.getvalue())["expired"] == 1
    out = StringIO()
    call_command("list", "expire", "--json", stdout=out)
    assert json.loads(out.getvalue())["expired"] == 0
    out = StringIO()
    call_command("list", "show", "sxbzxr", stdout=out)
    assert "当前有效 3 条" in out.getvalue()


def test_the_api_serves_the_published_lists_as_the_portal_shows_them(
    client: Client, county
) -> None:  # type: ignore[no-untyped-def]
    lists = {item["code"]: item for item in client.get("/api/v1/lists").json()}
    assert lists["sxbzxr"]["entries_in_force"] == 3 and lists["serious"]["entries_in_force"] == 1
    assert "zfsx" in lists and lists["zfsx"]["scope"] == "rule"

    body = client.get("/api/v1/lists/sxbzxr/entries").json()
    assert body["total"] == 3 and body["warnings"] == []
    names = [e["name"] for e in body["entries"]]
    assert "旧案公司" not in names  # expired: not published
    text = json.dumps(body, ensure_ascii=False)
    assert county["number"] not in text  # ID numbers only masked
    person = next(e for e in body["entries"] if e["name"] == "陈某某")
    assert "*" in person["code"]

    serious = client.get("/api/v1/lists/serious/entries?q=癸").json()
    assert [e["name"] for e in serious["entries"]] == ["示范县癸有限公司"]  # not the person
    assert serious["entries"][0]["subject_page"] == f"/subject/{county['firm'].pk}/"
    odd = client.get("/api/v1/lists/sxbzxr/entries?from=2026-02-30").json()
    assert "不是有效日期" in odd["warnings"][0]
    assert client.get("/api/v1/lists/nothing/entries").status_code == 404
