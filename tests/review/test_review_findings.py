"""Regression tests for bugs found in review (each test names the rule it protects)."""

from __future__ import annotations

import io

import pytest
from tests.ingest.factories import company_code, penalty, person_id, to_csv
from tests.portal.factories import make_record, make_subject

from xinyong.ingest import pipeline
from xinyong.ingest.models import Batch, BatchStatus
from xinyong.ingest.services import SubmissionError, revoke_record, submit_file, submit_rows
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject, SubjectKind, SubjectName


def _person_row(n: int, dept_code: str, number: str, **extra: str) -> dict[str, str]:
    return penalty(
        n,
        dept_code,
        **{
            "行政相对人名称": f"王{n}",
            "行政相对人类别": "自然人",
            "行政相对人代码": "",
            "法定代表人": "",
            "证件类型": "身份证",
            "证件号码": number,
            **extra,
        },
    )


# -- R-PUB-2: the portal never names a person who has nothing public ------------------------


def test_gs_list_subject_filter_does_not_reveal_a_private_persons_name(client, tax_dept):
    hidden = make_subject("隐私测试人", SubjectKind.NATURAL, id_number="110105199003070017")
    make_record(hidden, tax_dept, "xzcf", published=False)
    response = client.get(f"/gs/xzcf/?subject={hidden.pk}")
    assert response.status_code == 200
    assert "隐私测试人" not in response.content.decode()


def test_gs_list_subject_filter_still_names_a_company(client, tax_dept):
    company = make_subject("示范县某某有限公司", uscc=company_code(77))
    make_record(company, tax_dept, "xzcf")
    response = client.get(f"/gs/xzcf/?subject={company.pk}")
    assert "示范县某某有限公司" in response.content.decode()


# -- R-ID-3: a rejected row never keeps an ID number in clear ------------------------------


def test_an_id_number_in_the_code_column_is_not_kept_in_clear(market_submitter, market_dept):
    number = person_id(5)
    # a legal person's row with an ID number typed in the 统一社会信用代码 column
    row = penalty(1, market_dept.code, **{"行政相对人代码": number})
    batch = submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([row])), "a.csv")
    assert batch.rejected == 1
    assert number not in str(batch.row_errors.get().raw)


def test_an_api_row_with_an_unknown_key_keeps_no_id_number_in_clear(market_submitter, market_dept):
    number = person_id(6)
    row = _person_row(1, market_dept.code, number)
    row.pop("证件号码")
    row["身份证号码"] = number  # an alias of 证件号码 in files, unknown to the API
    batch, _ = submit_rows(market_submitter, market_dept, "xzcf", [row])
    assert batch.rejected == 1
    assert number not in str(batch.row_errors.get().raw)


# -- R-SEC-4 / R-ING-1: a rejected row changes nothing --------------------------------------


def test_a_row_rejected_for_another_departments_decision_renames_no_subject(
    market_submitter, market_dept, tax_submitter, tax_dept
):
    submit_rows(market_submitter, market_dept, "xzcf", [penalty(1, market_dept.code)])
    subject = Subject.objects.get()
    # the tax office sends the same decision (same authority + 文书号) with another name
    row = penalty(
        1,
        market_dept.code,
        **{"行政相对人名称": "被改掉的名称", "数据来源单位统一社会信用代码": tax_dept.code},
    )
    _, verdicts = submit_rows(tax_submitter, tax_dept, "xzcf", [row])
    assert not verdicts[0].accepted
    subject.refresh_from_db()
    assert subject.name == "示范县第1商贸有限公司"
    assert not SubjectName.objects.filter(name="被改掉的名称").exists()


def test_a_row_rejected_because_revoked_creates_no_subject(market_submitter, market_dept):
    submit_rows(market_submitter, market_dept, "xzcf", [penalty(1, market_dept.code)])
    revoke_record(market_submitter, CreditRecord.objects.get(), "复议撤销")
    number = person_id(8)
    row = _person_row(1, market_dept.code, number, **{"行政处罚决定书文号": "示市监罚〔2026〕1号"})
    _, verdicts = submit_rows(market_submitter, market_dept, "xzcf", [row])
    assert not verdicts[0].accepted
    assert not Subject.objects.filter(kind=SubjectKind.NATURAL).exists()


def test_a_file_broken_half_way_stores_nothing(market_submitter, market_dept, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 5)
    good = to_csv([penalty(n, market_dept.code) for n in range(1, 21)], encoding="utf-8")
    # a byte sequence that is not UTF-8, well after the sniffed head and the first chunks
    broken = good + ("x" * 70000).encode() + b"\xff\xfe\n"
    with pytest.raises(SubmissionError):
        submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(broken), "a.csv")
    batch = Batch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert CreditRecord.objects.count() == 0
    assert Subject.objects.count() == 0
    assert (batch.submitted, batch.accepted, batch.rejected) == (0, 0, 0)


# -- API batches: status and start time are kept; a crash leaves no batch "排队中" -----------


def test_an_api_batch_keeps_its_start_time(market_submitter, market_dept):
    batch, _ = submit_rows(market_submitter, market_dept, "xzcf", [penalty(1, market_dept.code)])
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert batch.started_at is not None


def test_an_api_batch_that_crashes_is_marked_failed(market_submitter, market_dept, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline.Ingestion, "_store", boom)
    with pytest.raises(RuntimeError):
        submit_rows(market_submitter, market_dept, "xzcf", [penalty(1, market_dept.code)])
    batch = Batch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert (batch.submitted, batch.accepted, batch.rejected) == (0, 0, 0)


def test_a_workbook_damaged_half_way_stores_nothing(market_submitter, market_dept, monkeypatch):
    import zipfile

    from tests.ingest.factories import to_xlsx

    from xinyong.ingest import readers

    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 5)
    monkeypatch.setattr(readers, "CALAMINE_MAX_BYTES", 0)  # stream with openpyxl
    good = to_xlsx([penalty(n, market_dept.code) for n in range(1, 21)])
    src, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: int(len(data) * 0.8)]  # cut off inside the rows
            dst.writestr(item, data)
    with pytest.raises(SubmissionError) as refused:
        submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(out.getvalue()), "a.xlsx")
    assert "行附近" in refused.value.message
    assert CreditRecord.objects.count() == 0
    assert Batch.objects.get().status == BatchStatus.FAILED


def test_a_broken_csv_says_near_which_row(market_submitter, market_dept):
    good = to_csv([penalty(n, market_dept.code) for n in range(1, 4)], encoding="utf-8")
    broken = good + ("x" * 70000).encode() + b"\xff\xfe\n"
    with pytest.raises(SubmissionError) as refused:
        submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(broken), "a.csv")
    assert refused.value.message.startswith("第")
    assert "UTF-8" in refused.value.message


# -- R-SEC-1: lists follow the same rule as the detail pages -----------------------------------


def test_a_submitter_of_a_deactivated_department_lists_nothing(
    client, market_submitter, market_dept
):
    submit_rows(market_submitter, market_dept, "xzcf", [penalty(1, market_dept.code)])
    market_dept.is_active = False
    market_dept.save()
    client.force_login(market_submitter)
    page = client.get("/office/records/").content.decode()
    assert "示市监罚〔2026〕1号" not in page
    api = client.get("/api/v1/records").json()
    assert api["total"] == 0


# -- R-ID-3: an ID number written into a text field is masked on the portal -------------------


def test_an_id_number_inside_a_public_text_field_is_masked_on_the_portal(
    client, market_submitter, market_dept
):
    number = person_id(4)
    facts = f"经查，当事人雇员李某（身份证号{number}）销售过期食品。"
    row = penalty(1, market_dept.code, **{"违法事实": facts})
    _, verdicts = submit_rows(market_submitter, market_dept, "xzcf", [row])
    assert verdicts[0].accepted
    record = CreditRecord.objects.get()
    assert record.published
    page = client.get(f"/record/{record.pk}/").content.decode()
    assert "经查，当事人雇员李某" in page
    assert number not in page
    company = client.get(f"/subject/{record.subject_id}/").content.decode()
    assert number not in company


# -- R-ID-1: one person, one subject, whether the old 15-digit or the 18-digit number is sent ---


def test_a_legacy_15_digit_number_finds_the_same_person(market_submitter, market_dept):
    from xinyong.core import ric

    new = "110105194912310021"[:17]
    new = new + ric.calc_check_digit(new)
    old = new[:6] + new[8:17]
    assert ric.to_18(old) == new
    rows = [
        _person_row(1, market_dept.code, new),
        _person_row(2, market_dept.code, old, **{"行政相对人名称": "王1"}),
    ]
    _, verdicts = submit_rows(market_submitter, market_dept, "xzcf", rows)
    assert [(v.row, v.accepted) for v in verdicts] == [(1, True), (2, True)], verdicts
    assert Subject.objects.filter(kind=SubjectKind.NATURAL).count() == 1
    assert set(CreditRecord.objects.values_list("row_number", flat=True)) == {1, 2}


def test_a_large_workbook_damaged_at_the_top_is_refused_in_chinese(
    market_submitter, market_dept, monkeypatch
):
    import zipfile

    from tests.ingest.factories import to_xlsx

    from xinyong.ingest import readers

    monkeypatch.setattr(readers, "CALAMINE_MAX_BYTES", 0)  # stream with openpyxl
    good = to_xlsx([penalty(1, market_dept.code)])
    src, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[:300]
            dst.writestr(item, data)
    with pytest.raises(SubmissionError) as refused:
        submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(out.getvalue()), "a.xlsx")
    assert "文件已损坏" in refused.value.message
    assert Batch.objects.get().status == BatchStatus.FAILED
