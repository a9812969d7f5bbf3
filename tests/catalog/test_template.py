"""Submission templates generated from the catalog (R-ING-1)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from xinyong.catalog.model import Catalog
from xinyong.catalog.template import INSTRUCTIONS_SHEET, template_csv, template_xlsx


@pytest.mark.parametrize("code", ["xzcf", "xzxk"])
def test_the_excel_template_round_trips_its_headers(catalog: Catalog, code: str) -> None:
    rt = catalog.type(code)
    wb = load_workbook(io.BytesIO(template_xlsx(rt)))
    sheet = wb.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers == rt.labels
    assert rt.map_headers(headers).ok
    assert rt.map_headers(headers).warnings == []
    assert wb.properties.keywords == f"xinyong:{code}@{rt.version}"


def test_required_columns_are_marked_and_commented(catalog: Catalog) -> None:
    rt = catalog.type("xzcf")
    sheet = load_workbook(io.BytesIO(template_xlsx(rt))).worksheets[0]
    by_label = {cell.value: cell for cell in sheet[1]}
    name = by_label["行政相对人名称"]
    assert name.fill.fgColor.rgb.endswith("FCE4D6")
    assert "必填" in name.comment.text and "示例" in name.comment.text
    remarks = by_label["备注"]
    assert remarks.fill.fill_type is None
    fine = by_label["罚款金额（万元）"]
    assert "处罚类别含“罚款”时必填" in fine.comment.text


def test_code_list_columns_have_drop_downs(catalog: Catalog) -> None:
    rt = catalog.type("xzcf")
    sheet = load_workbook(io.BytesIO(template_xlsx(rt))).worksheets[0]
    validations = sheet.data_validations.dataValidation
    enum_columns = [i for i, f in enumerate(rt.fields, start=1) if f.codelist is not None]
    assert len(validations) == len(enum_columns)
    kind = next(v for v in validations if str(v.sqref).startswith("B2"))
    assert kind.type == "list" and "代码表" in kind.formula1
    assert kind.showErrorMessage
    category_col = rt.keys.index("penalty_category") + 1
    letter = sheet.cell(row=1, column=category_col).column_letter
    category = next(v for v in validations if str(v.sqref).startswith(f"{letter}2"))
    assert not category.showErrorMessage  # several values separated by ；


def test_the_instructions_sheet_lists_every_field(catalog: Catalog) -> None:
    rt = catalog.type("xzcf")
    wb = load_workbook(io.BytesIO(template_xlsx(rt)))
    guide = wb[INSTRUCTIONS_SHEET]
    assert wb.sheetnames[:2] == ["行政处罚", INSTRUCTIONS_SHEET]
    rows = [[cell.value for cell in row] for row in guide.iter_rows(min_row=5)]
    assert [row[1] for row in rows] == rt.labels
    kind = rows[rt.keys.index("subject_kind")]
    assert kind[4] == "必填" and kind[6] == "法人及非法人组织、自然人、个体工商户"
    fine = rows[rt.keys.index("fine_amount")]
    assert fine[3].startswith("数值（万元）") and fine[5] == "最多6位小数"
    id_number = rows[rt.keys.index("id_number")]
    assert "脱敏" in id_number[7]


def test_code_columns_are_formatted_as_text(catalog: Catalog) -> None:
    rt = catalog.type("xzcf")
    sheet = load_workbook(io.BytesIO(template_xlsx(rt))).worksheets[0]
    letter = sheet.cell(row=1, column=rt.keys.index("id_number") + 1).column_letter
    assert sheet.column_dimensions[letter].number_format == "@"


def test_the_csv_template_is_a_bom_header_line(catalog: Catalog) -> None:
    rt = catalog.type("xzcf")
    data = template_csv(rt)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1
    assert rt.map_headers(rows[0]).ok
    assert rows[0][1:] == rt.labels[1:]


def test_a_filled_in_template_reads_back_and_validates(catalog: Catalog, make_penalty) -> None:
    calamine = pytest.importorskip("python_calamine")
    import datetime

    from xinyong.catalog.validate import ValidationContext

    rt = catalog.type("xzcf")
    wb = load_workbook(io.BytesIO(template_xlsx(rt)))
    sheet = wb.worksheets[0]
    row = make_penalty(处罚决定日期=datetime.datetime(2026, 3, 5), **{"罚款金额（万元）": 0.5})
    for column, label in enumerate(rt.labels, start=1):
        sheet.cell(row=2, column=column, value=row.get(label))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    rows = calamine.CalamineWorkbook.from_filelike(buffer).get_sheet_by_index(0).to_python()
    header = rt.map_headers(rows[0])
    assert header.ok
    result = header.validate(rows[1], ValidationContext(today=datetime.date(2026, 6, 1)))
    assert result.ok, result.errors
    assert result.clean["decision_date"] == datetime.date(2026, 3, 5)
    assert str(result.clean["fine_amount"]) == "0.5"
