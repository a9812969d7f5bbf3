"""Submission templates (报送模板) generated from a record type: Excel and CSV.

The Excel template has the header row on its first sheet (required columns filled and with a
comment describing the field, code-list columns with a drop-down), a "填写说明" sheet listing
every field, and a hidden "代码表" sheet holding the drop-down values. The workbook's
keywords carry ``xinyong:<code>@<version>`` so an uploaded file can be traced to its version.
"""

from __future__ import annotations

import csv
import io
import unicodedata

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xinyong.catalog.model import Field, RecordType

__all__ = ["INSTRUCTIONS_SHEET", "field_rows", "template_csv", "template_xlsx"]

INSTRUCTIONS_SHEET = "填写说明"
CODES_SHEET = "代码表"
_TEMPLATE_ROWS = 5000  # rows covered by drop-downs and column formats
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_CONDITIONAL_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TEXT_TYPES = ("text", "uscc", "subject_code", "idnumber", "enum")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _length_text(f: Field) -> str:
    if f.type == "decimal":
        return f"最多{f.decimals}位小数"
    if f.type in ("date", "enum"):
        return "—"
    if f.type == "uscc":
        return "18"
    return str(f.max_length) if f.max_length else "不限"


def _type_text(f: Field) -> str:
    text = f.type_name
    if f.type == "decimal" and f.unit:
        text += f"（{f.unit}）"
    if f.type == "date":
        text += "（如2026-03-05）"
    if f.multiple:
        text += "，可多项，用“；”分隔"
    return text


def _codes_text(f: Field) -> str:
    if f.codelist is None:
        return ""
    return "、".join(f.codelist.codes)


def field_rows(rt: RecordType) -> list[list[str]]:
    """The rows of the 填写说明 sheet: one per field (also used by ``catalog show``)."""
    labels = {f.key: f for f in rt.fields}
    rows = []
    for number, f in enumerate(rt.fields, start=1):
        notes = [f.description] if f.description else []
        if f.pii:
            notes.append("个人信息，公示时脱敏" if f.public else "个人信息，不公示")
        elif not f.public:
            notes.append("不在网站公示")
        if f.open_ended:
            notes.append(f"无期限可填“{f.open_ended[0]}”")
        rows.append(
            [
                str(number),
                f.label,
                f.key,
                _type_text(f),
                f.required_text(labels),
                _length_text(f),
                _codes_text(f),
                "；".join(notes),
                f.example,
            ]
        )
    return rows


def _comment(f: Field, labels: dict[str, Field]) -> Comment:
    lines = [f"{f.label}（{f.required_text(labels)}）", f"类型：{_type_text(f)}"]
    if f.max_length and f.type in ("text", "subject_code", "idnumber"):
        lines.append(f"长度：不超过{f.max_length}个字")
    if f.description:
        lines.append(f.description)
    if f.example:
        lines.append(f"示例：{f.example}")
    comment = Comment("\n".join(lines), "xinyong")
    comment.width = 320
    comment.height = 40 + 18 * len(lines)
    return comment


def template_xlsx(rt: RecordType) -> bytes:
    """The Excel submission template of a record type version."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = rt.name[:31]
    labels = {f.key: f for f in rt.fields}
    codes = wb.create_sheet(CODES_SHEET)
    codes.sheet_state = "hidden"
    code_column = 0
    for index, f in enumerate(rt.fields, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=f.label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        if f.required:
            cell.fill = _REQUIRED_FILL
        elif f.required_when:
            cell.fill = _CONDITIONAL_FILL
        cell.comment = _comment(f, labels)
        width = max(_width(f.label), _width(f.example or ""), 10)
        ws.column_dimensions[letter].width = min(width + 2, 60)
        dimension = ws.column_dimensions[letter]
        if f.type in _TEXT_TYPES:
            dimension.number_format = "@"  # keep codes and ID numbers as text
        elif f.type == "date":
            dimension.number_format = "yyyy-mm-dd"
        if f.codelist is not None:
            code_column += 1
            code_letter = get_column_letter(code_column)
            codes.cell(row=1, column=code_column, value=f.codelist.name)
            for row, value in enumerate(f.codelist.codes, start=2):
                codes.cell(row=row, column=code_column, value=value)
            last = len(f.codelist.codes) + 1
            validation = DataValidation(
                type="list",
                formula1=f"'{CODES_SHEET}'!${code_letter}$2:${code_letter}${last}",
                allow_blank=True,
            )
            validation.promptTitle = f.label[:32]
            validation.prompt = f"从《{f.codelist.name}》中选择" + (
                "；可填多项，用“；”分隔" if f.multiple else ""
            )
            validation.showInputMessage = True
            if f.multiple:
                validation.showErrorMessage = False  # several values separated by ；
            else:
                validation.errorTitle = "不在代码表中"
                validation.error = f"请从《{f.codelist.name}》中选择：{_codes_text(f)}"[:255]
                validation.showErrorMessage = True
            validation.add(f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 32

    guide = wb.create_sheet(INSTRUCTIONS_SHEET, 1)
    guide.cell(
        row=1, column=1, value=f"《{rt.name}》报送模板填写说明（版本{rt.version}）"
    ).font = Font(bold=True, size=13)
    guide.cell(
        row=2,
        column=1,
        value="橙色表头为必填列，黄色表头为条件必填列；请勿修改表头；日期按“2026-03-05”填写；"
        "金额单位以字段名称为准。",
    )
    header = [
        "序号",
        "字段名称",
        "字段标识",
        "类型",
        "是否必填",
        "长度",
        "代码表取值",
        "说明",
        "示例",
    ]
    for column, text in enumerate(header, start=1):
        cell = guide.cell(row=4, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
    for row, values in enumerate(field_rows(rt), start=5):
        for column, value in enumerate(values, start=1):
            cell = guide.cell(row=row, column=column, value=value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = _BORDER
            cell.number_format = "@"
    for column, width in enumerate((6, 28, 20, 22, 22, 12, 36, 48, 28), start=1):
        guide.column_dimensions[get_column_letter(column)].width = width

    wb.properties.title = f"{rt.name}报送模板"
    wb.properties.subject = rt.name
    wb.properties.keywords = f"xinyong:{rt.ref}"
    wb.properties.creator = "xinyong"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_csv(rt: RecordType) -> bytes:
    """The CSV submission template: the header line, UTF-8 with BOM (opens in Excel)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(rt.labels)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
