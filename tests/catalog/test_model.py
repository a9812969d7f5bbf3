"""Loading and checking the declarative catalog (R-CAT-1, R-CAT-2)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from xinyong.catalog import model
from xinyong.catalog.model import DATA_DIR, Catalog, CatalogError, load_catalog

XZCF_LABELS = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码",
    "法定代表人",
    "法定代表人证件类型",
    "法定代表人证件号码",
    "证件类型",
    "证件号码",
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号",
    "处罚决定日期",
    "处罚有效期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
    "失信等级",
    "程序类型",
]
XZXK_LABELS = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码",
    "法定代表人",
    "法定代表人证件类型",
    "法定代表人证件号码",
    "证件类型",
    "证件号码",
    "行政许可决定文书名称",
    "行政许可决定文书号",
    "许可类别",
    "许可证书名称",
    "许可编号",
    "许可内容",
    "许可决定日期",
    "有效期自",
    "有效期至",
    "许可机关",
    "许可机关统一社会信用代码",
    "当前状态",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
]
PENALTY_CATEGORIES_2021 = [
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
    "其他",
]


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line number of the n-th line containing needle."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def replace_once(path: Path, old: str, new: str, after: str | None = None) -> int:
    """Replace the first ``old`` (after ``after``); return the line of the replacement."""
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    index = text.index(old, start)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text.count("\n", 0, index) + 1


def test_the_shipped_catalog_loads_with_the_two_national_types(catalog: Catalog) -> None:
    # the two national types (other shipped types such as xycn may be present too)
    assert {"xzcf", "xzxk"} <= set(catalog.types)
    xzcf, xzxk = catalog.type("xzcf"), catalog.type("xzxk")
    assert (xzcf.name, xzcf.version, xzcf.polarity, xzcf.disclosure) == (
        "行政处罚",
        "2018.1",
        "失信",
        "公开",
    )
    assert (xzxk.name, xzxk.version, xzxk.polarity, xzxk.disclosure) == (
        "行政许可",
        "2018.1",
        "中性",
        "公开",
    )
    assert xzcf.effective_from == datetime.date(2018, 1, 1)
    assert xzcf.publicity == "xzcf" and xzxk.publicity == "xzxk"
    assert xzcf.providers == "any"


def test_the_fields_follow_the_2018_standard_in_order(catalog: Catalog) -> None:
    assert catalog.type("xzcf").labels == XZCF_LABELS
    assert catalog.type("xzxk").labels == XZXK_LABELS


def test_every_field_key_is_a_snake_case_identifier(catalog: Catalog) -> None:
    for rt in catalog.all_types():
        for f in rt.fields:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", f.key), f.key


def test_the_penalty_categories_are_the_2021_list_with_legacy_names_mapped(
    catalog: Catalog,
) -> None:
    categories = catalog.codelists["penalty_category"]
    assert categories.codes == PENALTY_CATEGORIES_2021
    assert categories.lookup("暂扣或者吊销许可证、暂扣或者吊销执照")[0] == (
        "暂扣许可证件",
        "吊销许可证件",
    )
    assert categories.canonical("责令停产停业") == "责令停产停业"
    assert categories.canonical("吊销营业执照") == "吊销许可证件"
    assert categories.canonical("拘留") == "行政拘留"


def test_roles_point_at_the_fields_that_play_them(catalog: Catalog) -> None:
    xzcf = catalog.type("xzcf")
    assert xzcf.role_field("subject_name").label == "行政相对人名称"
    assert xzcf.role_field("decision_number").label == "行政处罚决定书文号"
    assert xzcf.role_field("decision_date").type == "date"
    assert xzcf.role_field("fine_amount").decimals == 6
    assert xzcf.role_field("penalty_category").multiple is True
    assert xzcf.role_field("authority_code").type == "uscc"
    assert catalog.type("xzxk").role_field("decision_number").label == "行政许可决定文书号"


def test_id_numbers_are_personal_data_shown_masked_and_remarks_are_internal(
    catalog: Catalog,
) -> None:
    xzcf = catalog.type("xzcf")
    id_number = xzcf.field("id_number")
    assert id_number.pii and id_number.public and id_number.masked
    assert xzcf.field("legal_rep_id_number").pii
    assert not xzcf.field("remarks").public


def test_the_fingerprint_is_stable_and_follows_the_sources(
    catalog: Catalog, shipped_copy: Path
) -> None:
    again = load_catalog([DATA_DIR])
    assert again.fingerprint == catalog.fingerprint
    assert re.fullmatch(r"[0-9a-f]{64}", catalog.fingerprint)
    replace_once(shipped_copy / "xzcf.yaml", "name: 行政处罚", "name: 行政处罚信息")
    assert load_catalog([shipped_copy]).fingerprint != catalog.fingerprint
    assert catalog.type("xzcf").fingerprint == again.type("xzcf").fingerprint


def test_asking_for_a_missing_type_or_version_names_what_exists(catalog: Catalog) -> None:
    missing = re.escape("目录中没有类型“xzqz”（已有：") + ".*xzcf、xzxk、zwcx）"
    with pytest.raises(CatalogError, match=missing):
        catalog.type("xzqz")
    with pytest.raises(CatalogError, match=re.escape("类型“xzcf”没有版本“2099.1”（已有：2018.1）")):
        catalog.type("xzcf", version="2099.1")
    with pytest.raises(CatalogError, match="没有生效的版本"):
        catalog.type("xzcf", on=datetime.date(2017, 1, 1))


# --- broken shipped files: each error names the file, the line and the reason ---------------


@pytest.mark.parametrize(
    ("old", "new", "after", "reason"),
    [
        (
            "type: decimal",
            "type: decmal",
            "key: fine_amount",
            "字段“fine_amount”的类型“decmal”未知（可选：text、date、decimal、enum、uscc、subject_code、idnumber）",
        ),
        (
            "max_length: 200",
            "max_len: 200",
            "key: subject_name",
            "字段“subject_name”中有未知的键“max_len”",
        ),
        (
            "codelist: penalty_category",
            "codelist: penalty_categories",
            None,
            "字段“penalty_category”的代码表“penalty_categories”未定义",
        ),
        ("key: basis", "key: violation_facts", None, "字段键“violation_facts”重复"),
        (
            "label: 处罚依据",
            "label: 违法事实",
            None,
            "字段“basis”的名称“违法事实”与字段“violation_facts”的名称重复",
        ),
        (
            "aliases: [行政处罚依据, 法律依据]",
            "aliases: [行政处罚依据, 违法行为]",
            None,
            "字段“basis”的别名“违法行为”与字段“violation_type”的别名重复",
        ),
        (
            "fine_amount: fine_amount",
            "fine_amount: fine",
            None,
            "角色“fine_amount”指向不存在的字段“fine”",
        ),
        (
            "decision_date: decision_date",
            "decision_date: subject_name",
            None,
            "应指向date类型的字段",
        ),
        (
            "effective_from: 2018-01-01",
            "effective_from: 2018-02-30",
            None,
            "日期“2018-02-30”不存在",
        ),
        ("polarity: 失信", "polarity: 坏", None, "“polarity”值“坏”未知（可选：守信、失信、中性）"),
        ("publicity: xzcf", "publicity: xzcf_2030", None, "公示期限规则“xzcf_2030”未定义"),
        (
            "required_when: {penalty_category: 罚款}",
            "required_when: {penalty_category: 罚金}",
            None,
            "“罚金”不是代码表“处罚类别”的值",
        ),
        (
            "required_when: {penalty_category: 罚款}",
            "required_when: {penalty_kind: 罚款}",
            None,
            "必填条件引用了不存在的字段“penalty_kind”",
        ),
        (
            "    field: decision_date\n",
            "    field: decision_day\n",
            None,
            "引用了不存在的字段“decision_day”",
        ),
        ("description: 行政机关", "descripton: 行政机关", None, "类型定义中有未知的键“descripton”"),
        (
            "    decimals: 6\n",
            "    decimals: 6\n    multiple: true\n",
            None,
            "只有enum类型的字段可以多值",
        ),
    ],
)
def test_a_broken_shipped_file_names_file_line_and_reason(
    shipped_copy: Path, old: str, new: str, after: str | None, reason: str
) -> None:
    path = shipped_copy / "xzcf.yaml"
    expected_line = replace_once(path, old, new, after)
    with pytest.raises(CatalogError) as caught:
        load_catalog([shipped_copy])
    error = caught.value
    assert reason in error.reason
    assert error.file is not None and error.file.endswith("xzcf.yaml")
    assert error.line is not None
    # the line points at the offending entry (or, for a field, at most a few lines above it)
    assert -2 <= expected_line - error.line <= 12, (expected_line, error.line, str(error))
    assert str(error).startswith(f"{error.file} 第{error.line}行：")


def test_an_unknown_field_type_is_reported_on_its_own_line(shipped_copy: Path) -> None:
    path = shipped_copy / "xzcf.yaml"
    replace_once(path, "type: decimal", "type: decmal", "key: fine_amount")
    line = line_of(path, "type: decmal")
    with pytest.raises(CatalogError) as caught:
        load_catalog([shipped_copy])
    assert f"xzcf.yaml 第{line}行：字段“fine_amount”的类型“decmal”未知（可选：text、date、" in str(
        caught.value
    )


def test_a_catalog_error_reads_file_line_and_reason() -> None:
    error = CatalogError("原因", "xzcf.yaml", 42)
    assert str(error) == "xzcf.yaml 第42行：原因"
    assert (error.file, error.line, error.reason) == ("xzcf.yaml", 42, "原因")


def test_a_duplicate_yaml_key_names_both_lines(shipped_copy: Path) -> None:
    path = shipped_copy / "xzcf.yaml"
    replace_once(path, "name: 行政处罚\n", "name: 行政处罚\nname: 行政处罚2\n")
    first = line_of(path, "name: 行政处罚")
    with pytest.raises(CatalogError) as caught:
        load_catalog([shipped_copy])
    assert caught.value.line == first + 1
    assert f"键“name”重复出现（第{first}行已有）" in caught.value.reason


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("code: x\nname: [未闭合\nversion: '1'\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog([DATA_DIR, tmp_path])
    assert "YAML格式错误" in caught.value.reason
    assert caught.value.line is not None


def test_a_file_that_is_neither_types_nor_codelists_is_refused(tmp_path: Path) -> None:
    (tmp_path / "odd.yaml").write_text("hello: world\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="第1行：文件应包含“codelists”"):
        load_catalog([DATA_DIR, tmp_path])


def test_a_codelist_alias_used_twice_is_refused(shipped_copy: Path) -> None:
    path = shipped_copy / "codelists.yaml"
    replace_once(path, "aliases: [个体户, 个体]", "aliases: [个体户, 个体, 个人]")
    with pytest.raises(CatalogError) as caught:
        load_catalog([shipped_copy])
    assert caught.value.line == line_of(path, "aliases: [个体户, 个体, 个人]")
    assert "代码表“subject_kind”中的“个人”与“自然人”重复" in caught.value.reason


def test_a_missing_catalog_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="目录不存在"):
        load_catalog([tmp_path / "nowhere"])


# --- local catalogs (地方补充目录) ---------------------------------------------------------------

LOCAL_EXTENSION = """\
# 某县补充：行政处罚增加“案件编号”
extends: xzcf
version: "2026.1"
effective_from: 2026-01-01
description: 本县行政处罚报送增加案件编号。
fields:
  - key: case_number
    label: 案件编号
    type: text
    max_length: 50
    required: true
    aliases: [办案编号]
"""


def test_a_local_extension_adds_a_field_as_a_new_version(tmp_path: Path, make_penalty, ctx) -> None:
    (tmp_path / "xzcf_local.yaml").write_text(LOCAL_EXTENSION, encoding="utf-8")
    catalog = load_catalog([DATA_DIR, tmp_path])
    new = catalog.type("xzcf", on=datetime.date(2026, 6, 1))
    old = catalog.type("xzcf", version="2018.1")
    assert new.version == "2026.1" and new.extends == "xzcf@2018.1"
    assert new.labels == [*old.labels, "案件编号"]
    assert new.name == old.name and new.polarity == old.polarity
    assert [rt.version for rt in catalog.versions("xzcf")] == ["2018.1", "2026.1"]
    assert catalog.type("xzcf", on=datetime.date(2025, 12, 31)) is old
    assert new.fingerprint != old.fingerprint

    row = make_penalty()
    assert old.validate_row(row, ctx).ok  # old records stay valid under their version
    result = new.validate_row(row, ctx)
    assert [str(error) for error in result.errors] == ["案件编号：必填项，不能为空"]
    assert new.validate_row({**row, "案件编号": "2026-001"}, ctx).ok
    header = new.map_headers([*old.labels, "办案编号"])
    assert header.ok and header.columns["case_number"] == (len(old.labels),)

    header = new.map_headers(old.labels)
    assert header.errors == ["表头与《行政处罚》模板不符：缺少必填列“案件编号”"]


def test_an_extension_of_a_missing_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text(LOCAL_EXTENSION.replace("extends: xzcf", "extends: xzqz"), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog([DATA_DIR, tmp_path])
    assert caught.value.file == str(path)
    assert caught.value.line == line_of(path, "extends: xzqz")
    assert "扩展的基础类型“xzqz”不存在" in caught.value.reason


def test_an_extension_repeating_an_existing_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text(LOCAL_EXTENSION.replace('"2026.1"', '"2018.1"'), encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape("类型“xzcf”的版本“2018.1”重复")):
        load_catalog([DATA_DIR, tmp_path])


def test_an_extension_field_clashing_with_a_base_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text(LOCAL_EXTENSION.replace("[办案编号]", "[处罚事由]"), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog([DATA_DIR, tmp_path])
    assert "字段“case_number”的别名“处罚事由”与字段“violation_facts”的别名重复" in str(caught.value)
    assert caught.value.line == line_of(path, "- key: case_number")


LOCAL_CODELISTS = """\
codelists:
  arrears_kind:
    name: 欠费类别
    values: [水费, 电费, 燃气费]
"""

LOCAL_TYPE_FILE = """\
code: sdqqf
name: 水电气欠费
version: "2026.1"
effective_from: 2026-01-01
polarity: 失信
disclosure: 授权查询
providers: [县水务公司, 县供电公司]
roles:
  subject_name: subject_name
  decision_date: since
fields:
  - key: subject_name
    label: 欠费主体名称
    type: text
    max_length: 200
    required: true
  - key: kind
    label: 欠费类别
    type: enum
    codelist: arrears_kind
    required: true
  - key: amount
    label: 欠费金额（元）
    type: decimal
    decimals: 2
    unit: 元
    required: true
  - key: since
    label: 欠费起始日期
    type: date
    required: true
"""


def test_a_local_catalog_adds_a_type_with_its_own_code_list(tmp_path: Path, ctx) -> None:
    (tmp_path / "codelists_local.yaml").write_text(LOCAL_CODELISTS, encoding="utf-8")
    (tmp_path / "sdqqf.yaml").write_text(LOCAL_TYPE_FILE, encoding="utf-8")
    catalog = load_catalog([DATA_DIR, tmp_path])
    rt = catalog.type("sdqqf")
    assert (rt.polarity, rt.disclosure, rt.providers) == (
        "失信",
        "授权查询",
        ("县水务公司", "县供电公司"),
    )
    result = rt.validate_row(
        {
            "欠费主体名称": "某某公司",
            "欠费类别": "电费",
            "欠费金额（元）": "1,234.50",
            "欠费起始日期": "2026/1/5",
        },
        ctx,
    )
    assert result.ok, result.errors
    assert str(result.clean["amount"]) == "1234.50"


def test_the_default_catalog_adds_the_directories_named_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "xzcf_local.yaml").write_text(LOCAL_EXTENSION, encoding="utf-8")
    monkeypatch.setenv(model.ENV_DIRS, str(tmp_path))
    model.reset_default_catalog()
    try:
        catalog = model.default_catalog()
        assert [rt.version for rt in catalog.versions("xzcf")] == ["2018.1", "2026.1"]
        assert model.default_catalog() is catalog  # cached
    finally:
        monkeypatch.delenv(model.ENV_DIRS)
        model.reset_default_catalog()
    assert [rt.version for rt in model.default_catalog().versions("xzcf")] == ["2018.1"]


def test_a_header_row_is_matched_to_the_most_likely_type(catalog: Catalog) -> None:
    ranked = catalog.match_type(catalog.type("xzxk").labels)
    assert ranked[0][0].code == "xzxk"
