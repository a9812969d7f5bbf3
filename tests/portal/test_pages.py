"""The public portal (R-PUB-1, R-PUB-2, R-PUB-4, R-ID-3), page by page."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.portal.factories import COMPANY_USCC, PERSON_ID, PERSON_MASKED, make_record, make_subject

from xinyong.departments.models import Department
from xinyong.portal import services
from xinyong.subjects import services as subject_services
from xinyong.subjects.models import SubjectKind
from xinyong.subjects.services import parse_query, pinyin_key

pytestmark = pytest.mark.django_db


def html(client: Client, url: str, status: int = 200, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_home_page_shows_counts_search_box_and_latest_entries(client, county):
    page = html(client, "/")
    assert 'name="q"' in page
    assert "示范县绿源建材有限公司" in page
    assert county["fine"].doc_no in page
    assert county["licence"].doc_no in page
    # 1 public licence, 2 public penalties (the hidden person's four are not public)
    counts = re.findall(r'<div class="n">([\d,]+)</div>', page)
    assert counts[:2] == ["1", "2"]
    assert county["revoked"].doc_no not in page


def test_search_by_name_substring_finds_the_company(client, county):
    page = html(client, "/search/", q="绿源建材")
    assert "示范县绿源建材有限公司" in page
    assert reverse("portal:subject", args=[county["company"].pk]) in page
    assert "示范县新盛科技有限公司" not in page


def test_search_by_former_name_finds_the_renamed_company(client, county):
    page = html(client, "/search/", q="老盛电子")
    assert "示范县新盛科技有限公司" in page


def test_search_by_pinyin_or_its_initials_finds_the_company(client, county):
    assert "示范县绿源建材有限公司" in html(client, "/search/", q="lvyuan")
    assert "示范县绿源建材有限公司" in html(client, "/search/", q="SFXLYJC")
    assert "示范县绿源建材有限公司" not in html(client, "/search/", q="xinsheng")


def test_search_by_code_is_exact_case_insensitive_and_accepts_full_width(client, county):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in COMPANY_USCC.lower())
    for q in (
        COMPANY_USCC,
        COMPANY_USCC.lower(),
        full_width,
        f" {COMPANY_USCC[:9]} {COMPANY_USCC[9:]}",
    ):
        page = html(client, "/search/", q=q)
        assert "示范县绿源建材有限公司" in page, q
    assert "示范县绿源建材有限公司" not in html(client, "/search/", q=COMPANY_USCC[:-1] + "4")
    # an all-digit code that is no ID number is searched as a code and shown in full
    page = html(client, "/search/", q="911522010783762860")
    assert "示范县新盛科技有限公司" in page
    assert "911522010783762860" in page


def test_search_by_full_id_number_finds_the_person_and_shows_only_the_masked_number(client, county):
    response = client.get("/search/", {"q": PERSON_ID.lower()})
    assert response.status_code == 302
    assert PERSON_ID not in response["Location"]
    assert PERSON_ID.lower() not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "张三丰" in page
    assert PERSON_MASKED in page
    assert "您搜索的身份证号码" in page
    assert PERSON_ID not in page and PERSON_ID.lower() not in page
    assert PERSON_ID[4:14] not in page


def test_search_by_a_mistyped_id_number_finds_nothing_and_never_shows_it(client, county):
    wrong = PERSON_ID[:-1] + "1"
    response = client.get("/search/", {"q": wrong}, follow=True)
    page = response.content.decode()
    assert "未找到" in page
    assert wrong not in page
    assert "1101**********0021" in page


def test_natural_person_without_public_record_is_not_found_and_has_no_page(client, county):
    hidden = county["hidden"]
    link = f"/subject/{hidden.pk}/"
    page = html(client, "/search/", q="李四")
    assert "未找到相关信用主体" in page and link not in page
    response = client.get("/search/", {"q": "110105199003070017"}, follow=True)
    assert "李四" not in response.content.decode()
    html(client, f"/subject/{hidden.pk}/", status=404)


def test_a_company_without_records_is_findable_and_has_a_page(client, db):
    company = make_subject("示范县无记录商贸有限公司", uscc="91152201078377449P")
    assert "示范县无记录商贸有限公司" in html(client, "/search/", q="91152201078377449p")
    page = html(client, f"/subject/{company.pk}/")
    assert "暂无公示的行政处罚信息" in page


def test_non_public_records_are_not_shown_and_do_not_make_a_person_findable(client, county):
    pages = [
        html(client, "/"),
        html(client, "/gs/xzcf/"),
        html(client, "/search/", q="李"),
        html(client, f"/subject/{county['company'].pk}/"),
    ]
    for key in ("unpublished", "revoked", "expired", "future"):
        for page in pages:
            assert county[key].doc_no not in page, key


@pytest.mark.parametrize("key", ["unpublished", "revoked", "expired", "future"])
def test_a_record_outside_its_publicity_is_404(client, county, key):
    html(client, f"/record/{county[key].pk}/", status=404)


def test_a_record_whose_publicity_ended_disappears_at_once(client, county, today):
    fine = county["person_fine"]
    html(client, f"/record/{fine.pk}/")
    fine.publicity_end = today - dt.timedelta(days=1)
    fine.save()
    html(client, f"/record/{fine.pk}/", status=404)
    html(client, f"/subject/{county['person'].pk}/", status=404)
    assert f"/subject/{county['person'].pk}/" not in html(client, "/search/", q="张三丰")


def test_record_page_shows_the_catalogs_public_fields_with_masked_ids(client, county):
    page = html(client, f"/record/{county['person_fine'].pk}/")
    assert "行政相对人名称" in page and "张三丰" in page
    assert "处罚类别" in page and "罚款" in page
    assert PERSON_MASKED in page
    assert PERSON_ID not in page


def test_record_page_never_shows_non_public_or_unmasked_fields(client, county, market_dept):
    record = make_record(
        county["company"],
        market_dept,
        "xzcf",
        data={
            "remarks": "内部备注不公开",
            "legal_rep_id_number": "11010519491231002X",
            "id_number": "11010519491231002X",
        },
    )
    page = html(client, f"/record/{record.pk}/")
    assert "内部备注不公开" not in page
    assert PERSON_ID not in page
    assert PERSON_MASKED in page  # a public personal field is masked even if stored in clear


def test_subject_page_groups_public_records_by_type(client, county):
    page = html(client, f"/subject/{county['company'].pk}/")
    assert page.index("行政许可信息") < page.index("行政处罚信息")
    assert county["licence"].doc_no in page and county["fine"].doc_no in page
    assert "食品经营许可证" in page  # a catalog field of the licence
    assert "许可证书名称" in page  # … labelled as the catalog says
    assert "统一社会信用代码" in page and COMPANY_USCC in page


def test_subject_page_of_a_person_shows_the_masked_id_only(client, county):
    page = html(client, f"/subject/{county['person'].pk}/")
    assert "张三丰" in page and "自然人" in page
    assert PERSON_MASKED in page
    assert PERSON_ID not in page


def test_subject_page_lists_former_names(client, county):
    page = html(client, f"/subject/{county['renamed'].pk}/")
    assert "曾用名" in page and "示范县老盛电子厂" in page


def test_unknown_pages_are_404(client, county):
    html(client, "/subject/999999/", status=404)
    html(client, "/record/999999/", status=404)
    html(client, "/gs/xyz/", status=404)
    html(client, "/templates/xyz.csv", status=404)


def test_gs_list_filters_by_department_dates_category_and_name(
    client, county, market_dept, tax_dept, today
):
    company, person = county["company"], county["person"]
    old = make_record(
        company,
        market_dept,
        "xzcf",
        decision_date=today - dt.timedelta(days=200),
        penalty_category="没收违法所得",
    )
    url = "/gs/xzcf/"
    all_rows = html(client, url)
    for r in (county["fine"], county["person_fine"], old):
        assert r.doc_no in all_rows
    by_dept = html(client, url, department=tax_dept.pk)
    assert county["person_fine"].doc_no in by_dept and county["fine"].doc_no not in by_dept
    recent = html(client, url, **{"from": (today - dt.timedelta(days=30)).isoformat()})
    assert old.doc_no not in recent and county["fine"].doc_no in recent
    older = html(client, url, to=(today - dt.timedelta(days=30)).isoformat())
    assert old.doc_no in older and county["fine"].doc_no not in older
    confiscated = html(client, url, category="没收违法所得")
    assert old.doc_no in confiscated and county["fine"].doc_no not in confiscated
    by_name = html(client, url, q="张三")
    assert county["person_fine"].doc_no in by_name and county["fine"].doc_no not in by_name
    by_subject = html(client, url, subject=company.pk)
    assert county["fine"].doc_no in by_subject and county["person_fine"].doc_no not in by_subject
    # the chosen filters stay selected
    assert f'value="{tax_dept.pk}" selected' in by_dept
    assert 'value="没收违法所得" selected' in confiscated
    assert person.name in all_rows and "0.5" in all_rows


def test_gs_list_of_licences_shows_only_licences(client, county):
    page = html(client, "/gs/xzxk/")
    assert county["licence"].doc_no in page
    assert county["fine"].doc_no not in page
    assert 'name="category"' not in page


def test_gs_list_says_which_filter_values_it_ignored(client, county):
    page = html(client, "/gs/xzcf/", **{"from": "2024-13-45", "category": "<b>x</b>"})
    assert "不是有效日期" in page
    assert "处罚类别不在可选范围内" in page
    assert "<b>x</b>" not in page
    assert county["fine"].doc_no in page


def test_gs_list_paginates_20_a_page_with_page_links(client, db, market_dept, today):
    subject = make_subject("示范县分页测试有限公司", uscc="91152201078382010M")
    docs = [
        make_record(subject, market_dept, "xzcf", decision_date=today - dt.timedelta(days=i)).doc_no
        for i in range(45)
    ]
    first = html(client, "/gs/xzcf/", category="警告")
    assert sum(d in first for d in docs) == 20
    assert docs[0] in first and docs[19] in first and docs[20] not in first
    assert "共 45 条" in first
    assert "?category=%E8%AD%A6%E5%91%8A&amp;page=2" in first
    assert "?category=%E8%AD%A6%E5%91%8A&amp;page=3" in first
    third = html(client, "/gs/xzcf/", category="警告", page=3)
    assert sum(d in third for d in docs) == 5 and docs[44] in third
    assert 'rel="prev"' in third and 'rel="next"' not in third
    # past the end: the last page; nonsense: the first
    assert docs[44] in html(client, "/gs/xzcf/", page=99)
    assert docs[0] in html(client, "/gs/xzcf/", page="abc")


def test_search_results_are_paginated(client, db):
    for i in range(25):
        make_subject(f"示范县第{i:02d}分页商行", uscc=None)
    first = html(client, "/search/", q="分页商行")
    assert first.count("分页商行</a>") == 20
    second = html(client, "/search/", q="分页商行", page=2)
    assert second.count("分页商行</a>") == 5
    assert "共 25 条" in first


def test_html_and_script_in_a_subject_name_are_escaped(client, db, market_dept):
    evil = make_subject('<script>alert("x")</script>恶意公司', uscc="9115220107837941X1")
    record = make_record(
        evil, market_dept, "xzcf", data={"violation_facts": "<img src=x onerror=alert(1)>"}
    )
    for url in (
        "/",
        f"/subject/{evil.pk}/",
        f"/record/{record.pk}/",
        "/gs/xzcf/",
        "/search/?q=%E6%81%B6%E6%84%8F",
        "/search/?q=%3Cscript%3E",
    ):
        page = html(client, url)
        assert "<script>" not in page, url
        assert "<img src=x" not in page, url
        assert "&lt;script&gt;" in page, url


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_no_page_references_external_assets(client, county):
    urls = [
        "/",
        "/search/",
        "/search/?q=绿源",
        f"/subject/{county['company'].pk}/",
        f"/subject/{county['person'].pk}/",
        f"/record/{county['fine'].pk}/",
        "/gs/xzxk/",
        "/gs/xzcf/",
        "/templates/",
        "/subject/999999/",
    ]
    for url in urls:
        page = client.get(url).content.decode()
        assert not EXTERNAL.search(page), url
        assert "@import" not in page and "url(http" not in page
    css = b"".join(client.get("/static/portal/portal.css").streaming_content).decode()  # type: ignore[attr-defined]
    assert "http" not in css and "@font-face" not in css and "@import" not in css


def test_pages_need_a_fixed_number_of_queries(
    client, db, market_dept, tax_dept, django_assert_max_num_queries, today
):
    for i in range(30):
        subject = make_subject(f"示范县查询计数{i}厂", uscc=None)
        make_record(subject, market_dept, "xzcf", fine=Decimal("1.5"))
        make_record(subject, tax_dept, "xzxk")
    many = make_subject("示范县记录很多有限公司", uscc="91152201078394644D")
    for _ in range(60):
        make_record(many, market_dept, "xzcf")
    make_record(many, market_dept, "xzxk")
    for url in ("/", "/gs/xzcf/", "/gs/xzxk/?q=查询计数", "/search/?q=查询计数"):
        with django_assert_max_num_queries(6):
            client.get(url)
    # The subject page also shows list entries, objection notices and commitments: one query
    # each, never one per record.
    few = make_subject("示范县记录很少有限公司", uscc="91350100M000100Y43")
    make_record(few, market_dept, "xzcf")
    make_record(few, market_dept, "xzxk")
    with CaptureQueriesContext(connection) as one:
        html(client, f"/subject/{few.pk}/")
    with CaptureQueriesContext(connection) as sixty:
        page = html(client, f"/subject/{many.pk}/")
    assert len(sixty) == len(one) <= 9
    assert "查看全部 60 条行政处罚信息" in page
    assert f"/gs/xzcf/?subject={many.pk}" in page


def test_only_safe_methods_are_allowed(client, county):
    assert client.post("/search/", {"q": "x"}).status_code == 405


def test_the_department_select_lists_departments(client, county, market_dept: Department):
    page = html(client, "/gs/xzxk/")
    assert market_dept.name in page


def test_kinds_are_shown_in_chinese(client, county):
    page = html(client, "/search/", q="示范县")
    assert SubjectKind.LEGAL.label in page


def test_template_page_lists_the_catalog_types_with_download_links(client, db):
    page = html(client, "/templates/")
    for code, name in (("xzxk", "行政许可"), ("xzcf", "行政处罚")):
        assert name in page
        assert f'href="/templates/{code}.xlsx"' in page
        assert f'href="/templates/{code}.csv"' in page


def test_template_downloads_are_xlsx_and_csv_with_the_catalog_headers(client, db):
    xlsx = client.get("/templates/xzcf.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx["Content-Disposition"].startswith("attachment;")
    assert xlsx.content[:2] == b"PK"  # a zip container
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert "行政相对人名称" in headers and "处罚类别" in headers
    csv_response = client.get("/templates/xzxk.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("行政相对人名称")
    assert "attachment" in csv_response["Content-Disposition"]


def test_gs_list_filtered_by_id_number_never_shows_the_number(client, county):
    response = client.get("/gs/xzcf/", {"q": PERSON_ID, "category": "罚款"})
    assert response.status_code == 302
    assert PERSON_ID not in response["Location"]
    assert "category=" in response["Location"]
    page = html(client, response["Location"])
    assert county["person_fine"].doc_no in page
    assert county["fine"].doc_no not in page
    assert PERSON_ID not in page and PERSON_MASKED in page


def test_gs_list_filtered_by_code_shows_that_subjects_records(client, county):
    page = html(client, "/gs/xzcf/", q=COMPANY_USCC.lower())
    assert county["fine"].doc_no in page
    assert county["person_fine"].doc_no not in page


@pytest.mark.parametrize("q", ["建材", "lvyuan", "sfxly", "绿源建材有限"])
def test_gs_list_filter_by_a_common_name_part_gives_the_same_rows(client, county, monkeypatch, q):
    rare = html(client, "/gs/xzcf/", q=q)
    monkeypatch.setattr(services, "COMMON_KEYWORD", 0)  # every keyword counts as common
    common = html(client, "/gs/xzcf/", q=q)
    for page in (rare, common):
        assert county["fine"].doc_no in page
        assert county["person_fine"].doc_no not in page


def test_search_finds_the_same_subjects_however_many_names_match(client, county, monkeypatch):
    few = html(client, "/search/", q="示范县")
    monkeypatch.setattr(subject_services, "FEW_MATCHES", 0)
    many = html(client, "/search/", q="示范县")
    assert few == many
    assert "示范县绿源建材有限公司" in many and "示范县新盛科技有限公司" in many


def test_search_reads_names_codes_id_numbers_and_pinyin():
    assert pinyin_key("绿色 建材厂") == "lvsejiancaichang lsjcc"
    assert pinyin_key("ABC科技（示范县）") == "abckejishifanxian abckjsfx"
    assert parse_query("  ").kind == "empty"
    code = parse_query("９１３５０１００ｍ０００１００Ｙ４３")
    assert (code.kind, code.value) == ("uscc", COMPANY_USCC)
    person = parse_query("110105 19491231 002x")
    assert (person.kind, person.display) == ("id", PERSON_MASKED)
    assert PERSON_ID not in repr(person)
    partial = parse_query(PERSON_ID[:17])  # mistyped: still never shown back
    assert partial.kind == "id" and PERSON_ID[:17] not in partial.display
    assert parse_query("Jian Cai").value == "jiancai"
    assert parse_query("绿源").kind == "name"


def test_the_category_filter_finds_decisions_with_several_categories(
    client, county, market_dept, today
):
    both = make_record(
        county["company"],
        market_dept,
        "xzcf",
        decision_date=today - dt.timedelta(days=3),
        penalty_category="警告；罚款；没收违法所得",
    )
    lookalike = make_record(
        county["company"],
        market_dept,
        "xzcf",
        decision_date=today - dt.timedelta(days=4),
        penalty_category="没收非法财物",
    )
    for category in ("警告", "罚款", "没收违法所得"):
        page = html(client, "/gs/xzcf/", category=category)
        assert both.doc_no in page, category
        assert lookalike.doc_no not in page, category
