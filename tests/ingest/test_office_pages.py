"""The back-office collection pages (/office/): upload, batch, verdict file, records, form."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from tests.ingest.factories import HEADERS, penalty, to_csv, to_xlsx

from xinyong.catalog.model import default_catalog
from xinyong.departments.models import Department, User
from xinyong.ingest.models import Batch, BatchStatus
from xinyong.ingest.services import prepare_file_batch, submit_file
from xinyong.records.models import CreditRecord, RecordStatus, Source

FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def upload(
    client: Client,
    data: bytes,
    filename: str,
    department: Department | None = None,
    type_code: str = "xzcf",
) -> Any:
    form: dict[str, Any] = {
        "type_code": type_code,
        "file": SimpleUploadedFile(filename, data, content_type="application/octet-stream"),
    }
    if department is not None:
        form["department"] = department.pk
    return client.post("/office/upload/", form)


def submit(user: User, department: Department, rows: list[dict[str, Any]], name: str) -> Batch:
    return submit_file(user, department, "xzcf", io.BytesIO(to_csv(rows)), name)


def today_text() -> str:
    return timezone.localdate().isoformat()


# -- access -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, db: Any) -> None:
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/office/login/?next=/office/")


def test_a_department_submitter_can_sign_in_on_the_office_login_page(
    client: Client, market_submitter: User
) -> None:
    page = client.get("/office/login/")
    assert page.status_code == 200 and "登录" in page.content.decode()
    response = client.post("/office/login/", {"username": "scjg", "password": "pw-market-1"})
    assert response.status_code == 302 and response["Location"] == "/office/"
    assert client.get("/office/").status_code == 200


# -- uploads that work ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "make"),
    [
        ("处罚-gbk.csv", lambda rows: to_csv(rows, "gbk")),
        ("处罚-bom.csv", lambda rows: to_csv(rows, "utf-8-sig")),
        ("处罚-utf8.csv", lambda rows: to_csv(rows, "utf-8")),
        ("处罚.xlsx", to_xlsx),
    ],
)
def test_an_uploaded_file_of_each_kind_is_collected_with_exact_counts(
    client: Client, market_submitter: User, market_dept: Department, filename: str, make: Any
) -> None:
    rows = [penalty(n, market_dept.code) for n in range(1, 5)]
    rows.append(penalty(5, market_dept.code, **{"处罚决定日期": "2026-02-30"}))
    response = upload(logged_in(client, market_submitter), make(rows), filename)
    assert response.status_code == 302
    batch = Batch.objects.get()
    assert response["Location"] == f"/office/batches/{batch.pk}/"
    assert batch.status == BatchStatus.DONE
    assert (batch.submitted, batch.accepted, batch.rejected) == (5, 4, 1)
    assert batch.accepted + batch.rejected == batch.submitted
    assert batch.created == 4
    assert CreditRecord.objects.filter(department=market_dept).count() == 4
    assert batch.source == Source.FILE and batch.submitter == market_submitter

    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page
    assert "处罚决定日期" in page and "2026-02-30" in page
    assert f"/office/batches/{batch.pk}/verdict.xlsx" in page


def test_an_operator_chooses_the_department_and_a_submitter_cannot(
    client: Client,
    operator: User,
    market_submitter: User,
    market_dept: Department,
    tax_dept: Department,
) -> None:
    rows = [penalty(1, tax_dept.code)]
    upload(logged_in(client, operator), to_csv(rows), "税务.csv", department=tax_dept)
    assert Batch.objects.get().department == tax_dept
    assert CreditRecord.objects.get().department == tax_dept

    # the submitter's department field is fixed: a forged value is ignored
    other = Client()
    upload(
        logged_in(other, market_submitter),
        to_csv([penalty(2, market_dept.code)]),
        "x.csv",
        tax_dept,
    )
    latest = Batch.objects.latest("pk")
    assert latest.department == market_dept


# -- bad files --------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def _xzxk_file() -> bytes:
    headers = [f.label for f in default_catalog().type("xzxk").fields]
    return to_xlsx([dict.fromkeys(headers, "x")], headers=headers)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("图片.png", PNG, "文件不是电子表格"),
        ("处罚.xlsx", PNG, "文件不是电子表格"),
        ("扫描件.pdf", PDF, "文件不是电子表格"),
        ("空文件.csv", b"", "文件为空"),
        ("许可.xlsx", _xzxk_file(), "表头与"),
    ],
)
def test_a_bad_file_gets_a_chinese_error_on_the_form_and_stores_no_record(
    client: Client, market_submitter: User, filename: str, data: bytes, message: str
) -> None:
    response = upload(logged_in(client, market_submitter), data, filename)
    assert response.status_code == 200
    page = response.content.decode()
    assert "文件未被接收" in page and message in page
    assert CreditRecord.objects.count() == 0
    batch = Batch.objects.get()  # only the failed batch is kept, as evidence
    assert batch.status == BatchStatus.FAILED and message in batch.error
    assert batch.submitted == 0


def test_an_oversized_upload_is_refused_before_anything_is_stored(
    client: Client, market_submitter: User, market_dept: Department, settings: Any
) -> None:
    settings.XINYONG_MAX_UPLOAD_BYTES = 1024 * 1024
    data = to_csv([penalty(n, market_dept.code) for n in range(1, 3000)], "utf-8")
    assert len(data) > 1024 * 1024
    response = upload(logged_in(client, market_submitter), data, "大文件.csv")
    assert response.status_code == 200
    assert "文件超过大小上限" in response.content.decode()
    assert CreditRecord.objects.count() == 0
    assert not Batch.objects.exclude(status=BatchStatus.FAILED).exists()


# -- injection --------------------------------------------------------------------------------


def test_a_formula_is_stored_as_text_and_exported_as_text_in_the_verdict_file(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    rows = [penalty(1, market_dept.code, **{"违法事实": FORMULA, "法定代表人": "@SUM(1+1)"})]
    upload(logged_in(client, market_submitter), to_csv(rows, "utf-8"), "公式.csv")
    record = CreditRecord.objects.get()
    assert record.data["violation_facts"] == FORMULA  # kept as submitted, never evaluated

    batch = Batch.objects.get()
    response = client.get(f"/office/batches/{batch.pk}/verdict.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("违法事实") + 1)
    assert cell.data_type == "s"
    assert cell.value == "'" + FORMULA
    rep = sheet.cell(row=2, column=headers.index("法定代表人") + 1)
    assert rep.data_type == "s" and not str(rep.value).startswith("@")
    for row in sheet.iter_rows():
        for c in row:
            assert c.data_type != "f"


def test_a_script_in_a_field_is_escaped_on_the_record_page(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    rows = [
        penalty(1, market_dept.code, **{"违法事实": SCRIPT, "行政相对人名称": f"某公司{SCRIPT}"})
    ]
    upload(logged_in(client, market_submitter), to_csv(rows, "utf-8"), "脚本.csv")
    record = CreditRecord.objects.get()
    for url in (f"/office/records/{record.pk}/", "/office/records/"):
        page = client.get(url).content.decode()
        assert SCRIPT not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# -- rejected rows ----------------------------------------------------------------------------


def test_an_impossible_date_and_an_amount_in_words_are_rejected_with_field_and_message(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    rows = [
        penalty(1, market_dept.code),
        penalty(2, market_dept.code, **{"处罚决定日期": "2026-02-30"}),
        penalty(3, market_dept.code, **{"罚款金额（万元）": "五千元"}),
    ]
    upload(logged_in(client, market_submitter), to_xlsx(rows), "处罚.xlsx")
    batch = Batch.objects.get()
    assert (batch.submitted, batch.accepted, batch.rejected) == (3, 1, 2)
    errors = {e.row_number: e.errors for e in batch.row_errors.all()}
    assert {"field": "处罚决定日期", "message": "日期“2026-02-30”不存在"} in errors[3]
    assert {"field": "罚款金额（万元）", "message": "金额“五千元”不是数字"} in errors[4]

    page = client.get(f"/office/batches/{batch.pk}/").content.decode()
    assert "日期“2026-02-30”不存在" in page and "金额“五千元”不是数字" in page
    assert "罚款金额（万元）" in page


def test_rejected_rows_are_paginated_on_the_batch_page(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    rows = [penalty(n, market_dept.code, **{"处罚决定日期": "2026-02-30"}) for n in range(1, 61)]
    submit(market_submitter, market_dept, rows, "坏.csv")
    batch = Batch.objects.get()
    first = logged_in(client, market_submitter).get(f"/office/batches/{batch.pk}/").content.decode()
    assert "共 60 条" in first and "下一页" in first
    second = client.get(f"/office/batches/{batch.pk}/?page=2").content.decode()
    assert "第 51–60 条" in second


# -- the verdict workbook ---------------------------------------------------------------------


def test_the_verdict_file_has_the_extra_columns_with_the_verdict_of_every_row(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    code = market_dept.code
    submit(market_submitter, market_dept, [penalty(1, code), penalty(2, code)], "首次.csv")
    rows = [
        penalty(1, code),  # unchanged
        penalty(2, code, **{"处罚内容": "罚款人民币六千元", "罚款金额（万元）": "0.6"}),  # update
        penalty(3, code),  # new
        penalty(4, code, **{"处罚决定日期": "2026-02-30", "罚款金额（万元）": "五千元"}),
    ]
    upload(logged_in(client, market_submitter), to_xlsx(rows), "再次.xlsx")
    batch = Batch.objects.latest("pk")
    assert (batch.created, batch.updated, batch.unchanged, batch.rejected) == (1, 1, 1, 1)

    response = client.get(f"/office/batches/{batch.pk}/verdict.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0][-2:] == ["处理结果", "错误说明"]
    assert table[0][:-2] == HEADERS
    assert [r[-2] for r in table[1:]] == ["接收·未变", "接收·更新", "接收·新增", "拒绝"]
    assert [r[-1] or "" for r in table[1:3]] == ["", ""]
    assert "处罚决定日期：日期“2026-02-30”不存在" in table[4][-1]
    assert "罚款金额（万元）：金额“五千元”不是数字" in table[4][-1]
    assert table[3][0] == "示范县第3商贸有限公司"


def test_progress_json_reports_the_counts_of_a_batch(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    rows = [penalty(n, market_dept.code) for n in range(1, 4)]
    waiting = prepare_file_batch(
        market_submitter, market_dept, "xzcf", io.BytesIO(to_csv(rows)), "待处理.csv"
    )
    logged_in(client, market_submitter)
    body = client.get(f"/office/batches/{waiting.pk}/progress.json").json()
    assert body["status"] == "pending" and body["running"] is True
    assert body["done"] == 0 and body["total_estimate"] == 3
    page = client.get(f"/office/batches/{waiting.pk}/").content.decode()
    assert "progress.js" in page and "progress.json" in page

    done = submit(market_submitter, market_dept, [*rows, penalty(9, "x")], "完成.csv")
    body = client.get(f"/office/batches/{done.pk}/progress.json").json()
    assert body["status"] == "done" and body["running"] is False
    assert body["status_display"] == "已完成"
    assert (body["submitted"], body["accepted"], body["rejected"]) == (4, 3, 1)
    assert body["unchanged"] == 0 and body["percent"] == 100.0


def test_the_verdict_of_a_running_batch_is_not_offered_yet(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    waiting = prepare_file_batch(
        market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([penalty(1, "x")])), "a.csv"
    )
    response = logged_in(client, market_submitter).get(f"/office/batches/{waiting.pk}/verdict.xlsx")
    assert response.status_code == 409
    assert "尚在处理中" in response.content.decode()


# -- history and revocation -------------------------------------------------------------------


def test_resubmitting_a_decision_updates_it_and_keeps_the_history(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    code = market_dept.code
    submit(market_submitter, market_dept, [penalty(1, code)], "一.csv")
    changed = penalty(1, code, **{"处罚内容": "罚款人民币八千元", "罚款金额（万元）": "0.8"})
    second = submit(market_submitter, market_dept, [changed], "二.csv")
    assert (second.updated, second.created) == (1, 0)
    record = CreditRecord.objects.get()
    assert record.version == 2
    assert record.data["penalty_content"] == "罚款人民币八千元"
    assert [v.action for v in record.versions.order_by("version")] == ["create", "update"]
    assert record.versions.get(version=1).data["penalty_content"] == "罚款人民币五千元"

    third = submit(market_submitter, market_dept, [changed], "三.csv")
    assert (third.unchanged, third.updated, third.created) == (1, 0, 0)
    record.refresh_from_db()
    assert record.version == 2

    page = logged_in(client, market_submitter).get(f"/office/records/{record.pk}/")
    text = page.content.decode()
    assert "第 2 版" in text and "第 1 版" in text
    assert "罚款人民币五千元" in text and "罚款人民币八千元" in text
    assert "重复报送（内容未变）" in text
    assert record.content_hash in text


def test_revoking_with_a_reason_hides_the_record_from_the_portal_and_keeps_versions(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    rows = [penalty(1, market_dept.code, **{"处罚决定日期": today_text()})]
    submit(market_submitter, market_dept, rows, "一.csv")
    record = CreditRecord.objects.get()
    assert CreditRecord.objects.public().filter(pk=record.pk).exists()
    logged_in(client, market_submitter)

    refused = client.post(f"/office/records/{record.pk}/revoke/", {"reason": "  "}, follow=True)
    assert "撤销须填写原因" in refused.content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE

    done = client.post(
        f"/office/records/{record.pk}/revoke/", {"reason": "行政复议决定撤销"}, follow=True
    )
    assert "已撤销" in done.content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED and record.revoked_reason == "行政复议决定撤销"
    assert not CreditRecord.objects.public().filter(pk=record.pk).exists()
    assert [v.action for v in record.versions.order_by("version")] == ["create", "revoke"]
    page = client.get(f"/office/records/{record.pk}/").content.decode()
    assert "行政复议决定撤销" in page and "撤销该记录" not in page


def test_record_page_shows_provenance_and_timeliness(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    rows = [penalty(1, market_dept.code, **{"处罚决定日期": today_text()})]
    batch = submit(market_submitter, market_dept, rows, "一.csv")
    record = CreditRecord.objects.get()
    assert record.late is False and record.workdays_taken == 0
    page = logged_in(client, market_submitter).get(f"/office/records/{record.pk}/")
    text = page.content.decode()
    for expected in (f"批次 {batch.pk}", "scjg", "文件上传", "0 个工作日", "按时", "第 2 行"):
        assert expected in text


def test_the_record_list_filters_by_type_date_and_keyword(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    code = market_dept.code
    rows = [
        penalty(1, code, **{"处罚决定日期": "2026-03-02"}),
        penalty(2, code, **{"处罚决定日期": "2026-04-01", "行政相对人名称": "特别字号有限公司"}),
    ]
    submit(market_submitter, market_dept, rows, "一.csv")
    logged_in(client, market_submitter)
    everything = client.get("/office/records/").content.decode()
    assert "示市监罚〔2026〕1号" in everything and "示市监罚〔2026〕2号" in everything
    by_date = client.get("/office/records/?date_from=2026-03-15&type=xzcf").content.decode()
    assert "示市监罚〔2026〕1号" not in by_date and "示市监罚〔2026〕2号" in by_date
    by_word = client.get("/office/records/?q=特别字号").content.decode()
    assert "示市监罚〔2026〕2号" in by_word and "示市监罚〔2026〕1号" not in by_word
    by_type = client.get("/office/records/?type=xzxk").content.decode()
    assert "没有符合条件的记录" in by_type


# -- 在线填报 ---------------------------------------------------------------------------------


def _form_data(row: dict[str, Any]) -> dict[str, Any]:
    rt = default_catalog().type("xzcf")
    return {rt_field.key: row[rt_field.label] for rt_field in rt.fields if rt_field.label in row}


def test_the_online_form_is_generated_from_the_catalog_and_stores_a_record(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    logged_in(client, market_submitter)
    page = client.get("/office/form/xzcf/").content.decode()
    for f in default_catalog().type("xzcf").fields:
        assert f.label in page
    assert market_dept.code in page  # 数据来源单位代码 prefilled with the own department

    response = client.post("/office/form/xzcf/", _form_data(penalty(7, market_dept.code)))
    record = CreditRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/office/records/{record.pk}/"
    assert record.source == Source.FORM and record.department == market_dept
    assert Batch.objects.get().source == Source.FORM


def test_the_online_form_shows_each_error_beside_its_field(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    row = penalty(
        7, market_dept.code, **{"处罚决定日期": "2026-02-30", "罚款金额（万元）": "五千元"}
    )
    response = logged_in(client, market_submitter).post("/office/form/xzcf/", _form_data(row))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["decision_date"] == ["日期“2026-02-30”不存在"]
    assert form.errors["fine_amount"] == ["金额“五千元”不是数字"]
    assert "日期“2026-02-30”不存在" in response.content.decode()
    assert CreditRecord.objects.count() == 0
    assert Batch.objects.get().rejected == 1  # the rejected submission is kept as a batch


def test_an_unknown_type_has_no_form(client: Client, market_submitter: User) -> None:
    assert logged_in(client, market_submitter).get("/office/form/nope/").status_code == 404


# -- departments see their own data ---------------------------------------------------------


@pytest.fixture
def two_batches(
    market_submitter: User, tax_submitter: User, market_dept: Department, tax_dept: Department
) -> tuple[Batch, Batch]:
    market = submit(market_submitter, market_dept, [penalty(1, market_dept.code)], "市场监管.csv")
    tax = submit(tax_submitter, tax_dept, [penalty(2, tax_dept.code)], "税务局报送.csv")
    return market, tax


def test_the_operator_sees_every_departments_batches_and_a_submitter_only_its_own(
    client: Client, operator: User, market_submitter: User, two_batches: tuple[Batch, Batch]
) -> None:
    for url in ("/office/", "/office/batches/"):
        page = logged_in(client, operator).get(url).content.decode()
        assert "市场监管.csv" in page and "税务局报送.csv" in page
        assert "各部门报送及时率" in page or url != "/office/"
        own = logged_in(Client(), market_submitter).get(url).content.decode()
        assert "市场监管.csv" in own and "税务局报送.csv" not in own
    records = logged_in(Client(), market_submitter).get("/office/records/").content.decode()
    assert "示市监罚〔2026〕1号" in records and "示市监罚〔2026〕2号" not in records


@pytest.mark.parametrize(
    "path",
    [
        "/office/batches/{batch}/",
        "/office/batches/{batch}/progress.json",
        "/office/batches/{batch}/verdict.xlsx",
        "/office/records/{record}/",
    ],
)
def test_a_submitter_gets_403_with_the_reason_for_another_departments_data(
    client: Client, market_submitter: User, two_batches: tuple[Batch, Batch], path: str
) -> None:
    _, tax = two_batches
    record = CreditRecord.objects.get(batch=tax)
    response = logged_in(client, market_submitter).get(path.format(batch=tax.pk, record=record.pk))
    assert response.status_code == 403
    assert "无权操作“国家税务总局示范县税务局”的数据" in response.content.decode()


def test_a_submitter_cannot_revoke_another_departments_record(
    client: Client, market_submitter: User, two_batches: tuple[Batch, Batch]
) -> None:
    _, tax = two_batches
    record = CreditRecord.objects.get(batch=tax)
    response = logged_in(client, market_submitter).post(
        f"/office/records/{record.pk}/revoke/", {"reason": "越权"}
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE


def test_the_dashboard_shows_timeliness_figures(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    code = market_dept.code
    rows = [
        penalty(1, code, **{"处罚决定日期": today_text()}),
        penalty(2, code, **{"处罚决定日期": today_text()}),
        penalty(
            3, code, **{"处罚决定日期": (timezone.localdate() - dt.timedelta(days=60)).isoformat()}
        ),
    ]
    batch = submit(market_submitter, market_dept, rows, "及时率.csv")
    assert batch.late == 1
    page = logged_in(client, market_submitter).get("/office/").content.decode()
    assert "66.7%" in page  # 2 of 3 within 7 working days
    assert "及时率" in page and "超期" in page


def test_the_upload_page_offers_each_types_templates(client, market_submitter):
    client.force_login(market_submitter)
    page = client.get("/office/upload/").content.decode()
    assert "/templates/xzcf.xlsx" in page
    assert "/templates/xzxk.csv" in page


def test_the_dashboard_flags_sources_that_stopped_sending(
    client: Client, operator: User, market_submitter: User, market_dept: Department, tax_dept
) -> None:
    submit(market_submitter, market_dept, [penalty(1, market_dept.code)], "一.csv")
    page = logged_in(client, operator).get("/office/").content.decode()
    section = page.split("报送来源活跃情况", 1)[1].split("</table>", 1)[0]
    market_row = section.split(market_dept.name, 1)[1].split("</tr>", 1)[0]
    tax_row = section.split(tax_dept.name, 1)[1].split("</tr>", 1)[0]
    assert "正常" in market_row
    assert "从未报送" in tax_row and "已停报" in tax_row
    # a month later without new data the market office is flagged too
    Batch.objects.update(created_at=timezone.now() - dt.timedelta(days=40))
    page = client.get("/office/").content.decode()
    section = page.split("报送来源活跃情况", 1)[1].split("</table>", 1)[0]
    assert "已停报" in section.split(market_dept.name, 1)[1].split("</tr>", 1)[0]
