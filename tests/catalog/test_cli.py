"""``xinyong catalog`` (list, show, template, check)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from openpyxl import load_workbook

from xinyong.catalog.cli import run
from xinyong.catalog.model import default_catalog


def call(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = run(list(argv), out)
    return status, out.getvalue()


def test_list_shows_each_type_with_version_polarity_disclosure_and_field_count() -> None:
    status, text = call("list")
    assert status == 0
    lines = text.splitlines()
    assert lines[0].split() == [
        "代码",
        "名称",
        "版本",
        "生效日期",
        "性质",
        "公开",
        "字段数",
        "当前",
    ]
    # rows by code: other shipped types (e.g. xycn) may sort before these
    rows = {line.split()[0]: line.split() for line in lines[2:] if line.strip()}
    assert rows["xzcf"] == [
        "xzcf",
        "行政处罚",
        "2018.1",
        "2018-01-01",
        "失信",
        "公开",
        "27",
        "✓",
    ]
    assert rows["xzxk"][:7] == [
        "xzxk",
        "行政许可",
        "2018.1",
        "2018-01-01",
        "中性",
        "公开",
        "23",
    ]


def test_the_leading_catalog_word_is_accepted() -> None:
    assert call("catalog", "list")[0] == 0


def test_show_prints_the_fields_with_type_length_and_requirement() -> None:
    status, text = call("show", "xzcf")
    assert status == 0
    assert "行政处罚（xzcf）版本2018.1" in text
    line = next(line for line in text.splitlines() if "罚款金额（万元）" in line)
    assert "fine_amount" in line and "处罚类别含“罚款”时必填" in line and "最多6位小数" in line


def test_show_json_gives_the_whole_definition() -> None:
    status, text = call("show", "xzxk", "--version", "2018.1", "--json")
    assert status == 0
    data = json.loads(text)
    assert data["code"] == "xzxk" and len(data["fields"]) == 23
    assert data["fields"][1]["codelist"] == "subject_kind"
    assert len(data["fingerprint"]) == 64


def test_template_writes_an_excel_file(tmp_path: Path) -> None:
    target = tmp_path / "xzcf.xlsx"
    status, text = call("template", "xzcf", "-o", str(target))
    assert status == 0 and "已生成《行政处罚》" in text
    sheet = load_workbook(target).worksheets[0]
    assert sheet.cell(row=1, column=1).value == "行政相对人名称"


def test_template_refuses_an_unknown_file_kind(tmp_path: Path) -> None:
    status, text = call("template", "xzcf", "-o", str(tmp_path / "x.pdf"))
    assert status == 2 and ".xlsx" in text


def test_check_reports_ok_for_the_shipped_catalog() -> None:
    status, text = call("check")
    shipped = len(default_catalog().current())
    assert status == 0 and text.startswith(f"目录检查通过：{shipped}个信息类别")


def test_check_reports_the_error_and_fails_for_a_broken_local_catalog(tmp_path: Path) -> None:
    (tmp_path / "local.yaml").write_text(
        "extends: xzcf\nversion: '2026.1'\neffective_from: 2026-01-01\nfields:\n"
        "  - key: extra\n    label: 补充\n    type: txt\n",
        encoding="utf-8",
    )
    status, text = call("check", str(tmp_path))
    assert status == 1
    assert "local.yaml 第7行：字段“extra”的类型“txt”未知" in text


def test_an_unknown_type_or_command_is_an_error() -> None:
    assert call("show", "xzqz")[0] == 1
    status, text = call("frobnicate")
    assert status == 2 and text.startswith("参数错误")
