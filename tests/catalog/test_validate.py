"""Header mapping and row validation (R-ING-1): every error names the field, in Chinese."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from xinyong.catalog.model import Catalog
from xinyong.catalog.validate import (
    FieldError,
    ValidationContext,
    _uscc_is_valid_fast,
    parse_date,
    safe_cell,
)

AUTHORITY = "11610100MB2950018N"
COMPANY = "91610000MA6TG1XX4D"
SOLE_TRADER = "92610102MA6UX1235J"
PERSON_ID = "11010519491231002X"


def messages(result: Any) -> list[str]:
    return [str(error) for error in result.errors]


# --- header mapping -------------------------------------------------------------------------


def test_the_template_labels_map_every_column_without_warnings(catalog: Catalog) -> None:
    xzcf = catalog.type("xzcf")
    header = xzcf.map_headers(xzcf.labels)
    assert header.ok and header.warnings == []
    assert header.columns == {key: (index,) for index, key in enumerate(xzcf.keys)}


def test_headers_match_after_folding_bom_spaces_and_full_width_forms(catalog: Catalog) -> None:
    xzcf = catalog.type("xzcf")
    headers = [f" {label} " for label in xzcf.labels]
    headers[0] = "\ufeff行政相对人名称"
    headers[14] = "罚款金额 (万元)"
    headers[8] = "*行政处罚决定书文号（必填）"
    header = xzcf.map_headers(headers)
    assert header.ok, header.errors
    assert header.columns["subject_name"] == (0,)
    assert header.columns["fine_amount"] == (14,)
    assert header.columns["decision_number"] == (8,)


def test_legacy_headers_map_through_aliases(catalog: Catalog) -> None:
    headers = [
        "行政相对人名称",
        "行政相对人类别",
        "行政相对人代码_1(统一社会信用代码)",
        "行政相对人代码_2(工商注册号)",
        "法定代表人姓名",
        "处罚决定书文号",
        "违法行为类型",
        "处罚事由",
        "处罚依据",
        "处罚类别1",
        "处罚类别2",
        "处罚结果",
        "处罚决定日期",
        "处罚截止期",
        "处罚机关",
        "处罚机关统一社会信用代码",
        "数据来源单位",
        "数据来源单位统一社会信用代码",
        "地方编码",
    ]
    xzcf = catalog.type("xzcf")
    header = xzcf.map_headers(headers)
    assert header.ok, header.errors
    assert header.columns["subject_code"] == (2, 3)
    assert header.columns["violation_facts"] == (7,)
    assert header.columns["penalty_content"] == (11,)
    assert header.columns["penalty_category"] == (9, 10)
    assert header.ignored == ["地方编码"]
    assert any("地方编码" in warning and "旧版模板" in warning for warning in header.warnings)

    values = [
        "某某公司",
        "法人",
        "",
        "610000100012345",
        "张三",
        "罚〔2017〕1号",
        "无照经营",
        "未取得营业执照从事经营",
        "《无证无照经营查处办法》第十三条",
        "警告",
        "罚款",
        "罚款五千元",
        "2017-06-01",
        "2018-06-01",
        "某某局",
        AUTHORITY,
        "某某局",
        AUTHORITY,
        "610100",
    ]
    raw = header.row(values)
    assert raw["subject_code"] == "610000100012345"  # the first non-empty legacy code column
    assert raw["penalty_category"] == "警告；罚款"  # several category columns are merged
    result = header.validate(values, ValidationContext(today=datetime.date(2026, 6, 1)))
    assert messages(result) == ["罚款金额（万元）：处罚类别含“罚款”时必填"]
    assert result.clean["subject_kind"] == "法人及非法人组织"
    assert [str(w) for w in result.warnings] == [
        "行政相对人代码：“610000100012345”是旧的工商注册号（或税务登记号），请尽快更新为统一社会信用代码"
    ]


def test_a_file_for_another_template_is_refused_with_the_missing_columns(
    catalog: Catalog,
) -> None:
    header = catalog.type("xzcf").map_headers(catalog.type("xzxk").labels)
    assert not header.ok
    assert header.errors[0].startswith(
        "表头与《行政处罚》模板不符：缺少必填列“行政处罚决定书文号”、“违法行为类型”"
    )


def test_a_missing_required_column_is_named(catalog: Catalog) -> None:
    xzcf = catalog.type("xzcf")
    header = xzcf.map_headers(xzcf.labels[1:])
    assert header.errors == ["表头与《行政处罚》模板不符：缺少必填列“行政相对人名称”"]
    assert header.message == header.errors[0]


def test_a_header_row_matching_nothing_is_refused(catalog: Catalog) -> None:
    header = catalog.type("xzcf").map_headers(["姓名", "年龄", None, ""])
    assert header.errors[0].startswith("表头与《行政处罚》模板不符：没有一列能对应模板中的字段")


def test_unknown_extra_columns_are_warnings_not_errors(catalog: Catalog) -> None:
    xzcf = catalog.type("xzcf")
    header = xzcf.map_headers([*xzcf.labels, "经办人电话"])
    assert header.ok
    assert header.unknown == ["经办人电话"]
    assert header.warnings == [
        f"第{len(xzcf.labels) + 1}列“经办人电话”不是《行政处罚》模板中的列，其内容不会导入"
    ]


def test_a_repeated_header_is_an_error(catalog: Catalog) -> None:
    xzcf = catalog.type("xzcf")
    header = xzcf.map_headers([*xzcf.labels, "行政相对人名称"])
    assert header.errors == [f"表头第1列与第{len(xzcf.labels) + 1}列重复（“行政相对人名称”）"]


def test_a_short_row_leaves_the_missing_cells_empty(catalog: Catalog) -> None:
    xzcf = catalog.type("xzcf")
    raw = xzcf.map_headers(xzcf.labels).row(["某某公司"])
    assert raw["subject_name"] == "某某公司" and raw["remarks"] is None
    assert set(raw) == set(xzcf.keys)


# --- rows ---------------------------------------------------------------------------------------


def test_a_complete_penalty_row_is_accepted_and_cleaned(
    catalog: Catalog, make_penalty, ctx
) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(), ctx)
    assert result.ok and result.warnings == []
    clean = result.clean
    assert clean["penalty_category"] == ["警告", "罚款"]
    assert clean["fine_amount"] == Decimal("0.5")
    assert clean["decision_date"] == datetime.date(2026, 3, 5)
    assert clean["authority_code"] == AUTHORITY
    assert clean["remarks"] is None


def test_a_complete_licence_row_is_accepted(catalog: Catalog, make_licence, ctx) -> None:
    result = catalog.type("xzxk").validate_row(make_licence(), ctx)
    assert result.ok, result.errors
    assert result.clean["valid_to"] == datetime.date(2031, 3, 4)


def test_rows_may_be_keyed_by_field_keys(catalog: Catalog, make_penalty, ctx) -> None:
    xzcf = catalog.type("xzcf")
    by_key = {xzcf.field_by_label(label).key: value for label, value in make_penalty().items()}
    assert xzcf.validate_row(by_key, ctx).ok


def test_a_date_that_does_not_exist_is_named(catalog: Catalog, make_penalty, ctx) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(处罚决定日期="2026-02-30"), ctx)
    assert messages(result) == ["处罚决定日期：日期“2026-02-30”不存在"]


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-05",
        "2026/3/5",
        "20260305",
        "2026年3月5日",
        "2026.03.05",
        "2026-03-05 00:00:00",
        " 2026-3-5 ",
        datetime.datetime(2026, 3, 5, 0, 0),
        datetime.date(2026, 3, 5),
        20260305,
    ],
)
def test_dates_are_accepted_in_the_usual_spellings(
    catalog: Catalog, make_penalty, ctx, value: Any
) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(处罚决定日期=value), ctx)
    assert result.ok, result.errors
    assert result.clean["decision_date"] == datetime.date(2026, 3, 5)
    assert type(result.clean["decision_date"]) is datetime.date


def test_an_excel_serial_number_is_read_as_a_date_with_a_warning(
    catalog: Catalog, make_penalty, ctx
) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(处罚决定日期=46086), ctx)
    assert result.ok
    assert result.clean["decision_date"] == datetime.date(2026, 3, 5)
    assert "Excel日期序号" in str(result.warnings[0])


def test_an_unreadable_date_says_how_to_write_it(catalog: Catalog, make_penalty, ctx) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(处罚决定日期="三月五日"), ctx)
    assert messages(result) == ["处罚决定日期：日期“三月五日”无法识别，请按“2026-03-05”的格式填写"]


def test_a_decision_date_in_the_future_is_refused(catalog: Catalog, make_penalty, ctx) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(处罚决定日期="2026-06-02"), ctx)
    assert messages(result) == ["处罚决定日期：日期2026-06-02晚于今天（2026-06-01）"]


def test_a_validity_end_before_its_start_is_refused(catalog: Catalog, make_licence, ctx) -> None:
    result = catalog.type("xzxk").validate_row(make_licence(有效期至="2026-03-04"), ctx)
    assert messages(result) == ["有效期至：日期2026-03-04早于有效期自（2026-03-05）"]


def test_an_open_ended_validity_is_accepted(catalog: Catalog, make_licence, ctx) -> None:
    result = catalog.type("xzxk").validate_row(make_licence(有效期至="长期"), ctx)
    assert result.ok and result.clean["valid_to"] is None


def test_an_amount_in_words_is_not_a_number(catalog: Catalog, make_penalty, ctx) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(**{"罚款金额（万元）": "五千元"}), ctx)
    assert messages(result) == ["罚款金额（万元）：金额“五千元”不是数字"]
    result = catalog.type("xzcf").validate_row(make_penalty(**{"罚款金额（万元）": "5000元"}), ctx)
    assert messages(result) == ["罚款金额（万元）：金额“5000元”不是数字（单位为万元，只填写数字）"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-0.5", "金额“-0.5”不能为负数"),
        ("0.1234567", "金额“0.1234567”最多保留6位小数（单位：万元）"),
        ("1e3", "金额“1e3”不是数字"),
        ("NaN", "金额“NaN”不是数字"),
    ],
)
def test_bad_amounts_are_refused(
    catalog: Catalog, make_penalty, ctx, value: str, message: str
) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(**{"罚款金额（万元）": value}), ctx)
    assert messages(result) == [f"罚款金额（万元）：{message}"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.5", Decimal("0.5")),
        ("0.5万元", Decimal("0.5")),
        ("1,200.000001", Decimal("1200.000001")),
        (0.3, Decimal("0.3")),
        (0.1 + 0.2, Decimal("0.300000")),  # spreadsheet float noise
        (2, Decimal(2)),
        (Decimal("0.000001"), Decimal("0.000001")),
    ],
)
def test_amounts_are_read_as_decimals(
    catalog: Catalog, make_penalty, ctx, value: Any, expected: Decimal
) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(**{"罚款金额（万元）": value}), ctx)
    assert result.ok, result.errors
    assert result.clean["fine_amount"] == expected


def test_a_missing_required_field_is_named(catalog: Catalog, make_penalty, ctx) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(行政相对人名称="  "), ctx)
    assert messages(result) == ["行政相对人名称：必填项，不能为空"]
    row = make_penalty()
    del row["处罚机关"]
    assert messages(catalog.type("xzcf").validate_row(row, ctx)) == ["处罚机关：必填项，不能为空"]


def test_fields_required_under_a_condition_name_the_condition(
    catalog: Catalog, make_penalty, ctx
) -> None:
    xzcf = catalog.type("xzcf")
    result = xzcf.validate_row(make_penalty(法定代表人=None, 行政相对人代码=""), ctx)
    assert messages(result) == [
        "行政相对人代码：行政相对人类别为“法人及非法人组织、个体工商户”时必填",
        "法定代表人：行政相对人类别为“法人及非法人组织”时必填",
    ]
    result = xzcf.validate_row(
        make_penalty(处罚类别="吊销营业执照", **{"罚款金额（万元）": None}), ctx
    )
    assert messages(result) == [
        "暂扣或吊销证照名称及编号：处罚类别含“暂扣许可证件、吊销许可证件”时必填"
    ]


def test_a_too_long_text_is_refused(catalog: Catalog, make_penalty, ctx) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(法定代表人="张" * 51), ctx)
    assert messages(result) == ["法定代表人：内容有51个字，超过50个字的上限"]


def test_a_wrong_check_character_in_a_credit_code_is_explained(
    catalog: Catalog, make_penalty, ctx
) -> None:
    result = catalog.type("xzcf").validate_row(
        make_penalty(处罚机关统一社会信用代码="11610100MB2950018P"), ctx
    )
    assert messages(result) == [
        "处罚机关统一社会信用代码：统一社会信用代码“11610100MB2950018P”无效：第18位校验码应为“N”，实为“P”"
    ]


def test_a_subject_code_is_checked_against_the_subject_kind(
    catalog: Catalog, make_penalty, ctx
) -> None:
    xzcf = catalog.type("xzcf")
    bad = xzcf.validate_row(make_penalty(行政相对人代码="91610000MA6TG1XX4E"), ctx)
    assert messages(bad) == [
        "行政相对人代码：统一社会信用代码“91610000MA6TG1XX4E”无效：第18位校验码应为“D”，实为“E”"
    ]
    spaced = xzcf.validate_row(make_penalty(行政相对人代码="９１６１ ００００-ma6tg1xx4d"), ctx)
    assert spaced.ok and spaced.clean["subject_code"] == COMPANY
    person = xzcf.validate_row(make_penalty(行政相对人代码=PERSON_ID), ctx)
    assert messages(person) == [
        "行政相对人代码：“1101**********002X”是居民身份证号码，不是统一社会信用代码；法人及非法人组织应填写统一社会信用代码"
    ]
    trader = xzcf.validate_row(
        make_penalty(行政相对人类别="个体工商户", 行政相对人代码=COMPANY), ctx
    )
    assert trader.ok and "92" in str(trader.warnings[0])
    trader = xzcf.validate_row(
        make_penalty(行政相对人类别="个体户", 行政相对人代码=SOLE_TRADER), ctx
    )
    assert trader.ok and trader.warnings == []


def test_a_legacy_organisation_code_is_accepted_with_a_warning(
    catalog: Catalog, make_penalty, ctx
) -> None:
    xzcf = catalog.type("xzcf")
    result = xzcf.validate_row(make_penalty(行政相对人代码="MA6TG1XX-4"), ctx)
    assert result.ok and result.clean["subject_code"] == "MA6TG1XX4"
    assert "旧的组织机构代码" in str(result.warnings[0])
    result = xzcf.validate_row(make_penalty(行政相对人代码="MA6TG1XX5"), ctx)
    assert messages(result) == ["行政相对人代码：组织机构代码“MA6TG1XX5”的校验位应为“4”，实为“5”"]
    result = xzcf.validate_row(make_penalty(行政相对人代码="12345"), ctx)
    assert messages(result)[0].startswith(
        "行政相对人代码：代码“12345”有5位，应为18位统一社会信用代码"
    )


def test_a_natural_person_needs_a_valid_id_number_and_no_subject_code(
    catalog: Catalog, make_penalty, ctx
) -> None:
    xzcf = catalog.type("xzcf")
    person = {
        "行政相对人名称": "李四",
        "行政相对人类别": "自然人",
        "行政相对人代码": None,
        "法定代表人": None,
    }
    result = xzcf.validate_row(
        make_penalty(**person, 证件类型="居民身份证", 证件号码=PERSON_ID.lower()), ctx
    )
    assert result.ok, result.errors
    assert result.clean["id_type"] == "身份证" and result.clean["id_number"] == PERSON_ID
    result = xzcf.validate_row(make_penalty(**person), ctx)
    assert messages(result) == [
        "证件类型：行政相对人类别为“自然人”时必填",
        "证件号码：行政相对人类别为“自然人”时必填",
    ]
    result = xzcf.validate_row(
        make_penalty(**person, 证件类型="身份证", 证件号码="110105194912310021"), ctx
    )
    assert messages(result) == [
        "证件号码：身份证号码“1101**********0021”无效：第18位校验码应为“X”，实为“1”"
    ]
    result = xzcf.validate_row(make_penalty(**person, 证件类型="护照", 证件号码="E12345678"), ctx)
    assert result.ok and result.clean["id_number"] == "E12345678"
    with_code = xzcf.validate_row(
        make_penalty(
            **{**person, "行政相对人代码": COMPANY}, 证件类型="身份证", 证件号码=PERSON_ID
        ),
        ctx,
    )
    assert messages(with_code)[0].startswith(
        "行政相对人代码：行政相对人类别为自然人时不填写行政相对人代码"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("法人及非法人组织", "法人及非法人组织"),
        ("法人", "法人及非法人组织"),
        ("法人和非法人组织", "法人及非法人组织"),
        (" 法人 及非法人组织 ", "法人及非法人组织"),
        ("个体户", "个体工商户"),
    ],
)
def test_code_list_aliases_map_to_the_canonical_value(
    catalog: Catalog, make_penalty, ctx, value: str, expected: str
) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(行政相对人类别=value), ctx)
    assert result.clean["subject_kind"] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("警告", ["警告"]),
        ("警告,罚款、没收违法所得；罚款", ["警告", "罚款", "没收违法所得"]),
        ("吊销营业执照", ["吊销许可证件"]),
        ("责令停产停业", ["责令停产停业"]),
        ("法律、行政法规规定的其他行政处罚", ["其他"]),
        (["警告", "通报"], ["警告", "通报批评"]),
    ],
)
def test_penalty_categories_may_hold_several_values_and_legacy_names(
    catalog: Catalog, make_penalty, ctx, value: Any, expected: list[str]
) -> None:
    result = catalog.type("xzcf").validate_row(
        make_penalty(
            处罚类别=value,
            暂扣或吊销证照名称及编号="营业执照 610000100012345",
            **{"没收违法所得、没收非法财物的金额（万元）": "0.1"},
        ),
        ctx,
    )
    assert result.clean["penalty_category"] == expected
    assert result.ok, result.errors


def test_a_pre_2021_combined_category_is_mapped_with_a_warning(
    catalog: Catalog, make_penalty, ctx
) -> None:
    result = catalog.type("xzcf").validate_row(
        make_penalty(
            处罚类别="暂扣或者吊销许可证、暂扣或者吊销执照",
            暂扣或吊销证照名称及编号="营业执照 123",
            **{"罚款金额（万元）": None},
        ),
        ctx,
    )
    assert result.ok
    assert result.clean["penalty_category"] == ["暂扣许可证件", "吊销许可证件"]
    assert "无法区分暂扣或吊销" in str(result.warnings[0])


def test_an_unknown_code_value_lists_the_choices(catalog: Catalog, make_penalty, ctx) -> None:
    xzcf = catalog.type("xzcf")
    result = xzcf.validate_row(make_penalty(行政相对人类别="公司"), ctx)
    assert messages(result)[0] == (
        "行政相对人类别：“公司”不是《行政相对人类别》中的值（可选：法人及非法人组织、自然人、个体工商户）"
    )
    result = xzcf.validate_row(make_penalty(处罚类别="警告；训诫"), ctx)
    assert messages(result)[0].startswith(
        "处罚类别：“训诫”不是《处罚类别》中的值（可选：警告、通报批评"
    )


def test_formula_like_text_and_html_are_kept_as_text(catalog: Catalog, make_penalty, ctx) -> None:
    row = make_penalty(
        违法事实='=HYPERLINK("http://evil","点我")', 处罚依据="<script>alert(1)</script>"
    )
    result = catalog.type("xzcf").validate_row(row, ctx)
    assert result.ok and result.warnings == []
    assert result.clean["violation_facts"] == '=HYPERLINK("http://evil","点我")'
    assert result.clean["basis"] == "<script>alert(1)</script>"
    assert safe_cell(result.clean["violation_facts"]).startswith("'=")


def test_safe_cell_prefixes_only_formula_like_text() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+86", "-5", "@SUM(A1)", "\t=1", "正常")] == [
        "'=1+1",
        "'+86",
        "'-5",
        "'@SUM(A1)",
        "'\t=1",
        "正常",
    ]
    assert safe_cell(["=1", "警告"]) == "'=1；警告"
    assert safe_cell(Decimal("-1.5")) == "-1.5"
    assert safe_cell(datetime.datetime(2026, 3, 5)) == "2026-03-05"


def test_numbers_in_text_fields_are_kept_as_written(catalog: Catalog, make_penalty, ctx) -> None:
    result = catalog.type("xzcf").validate_row(make_penalty(行政处罚决定书文号=20260015.0), ctx)
    assert result.clean["decision_number"] == "20260015"


def test_every_error_is_a_field_label_and_a_message(catalog: Catalog, ctx) -> None:
    result = catalog.type("xzcf").validate_row({}, ctx)
    assert result.errors
    assert all(
        isinstance(error, FieldError) and error.field_label and error.message
        for error in result.errors
    )
    labels = [error.field_label for error in result.errors]
    assert labels == [f.label for f in catalog.type("xzcf").fields if f.required]


def test_parse_date_is_usable_on_its_own() -> None:
    assert parse_date("2026年3月5日") == datetime.date(2026, 3, 5)
    with pytest.raises(ValueError, match="日期“1899-12-31”早于1900年"):
        parse_date("1899-12-31")


def test_the_fast_credit_code_check_agrees_with_the_full_one() -> None:
    from pathlib import Path

    from xinyong.core import uscc

    real = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "real-uscc.txt"
    codes = [COMPANY, AUTHORITY, SOLE_TRADER, PERSON_ID, "91350100M000100Y43", "N2371102MF12345678"]
    if real.exists():
        codes += [
            line.split()[0]
            for line in real.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
    variants = set()
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for code in codes:
        variants.add(code)
        for position in range(len(code)):
            for char in "0A9YX":
                variants.add(code[:position] + char + code[position + 1 :])
    variants |= {c.replace("1", "I") for c in codes}
    assert alphabet  # the variants include characters outside the alphabet too
    for code in variants:
        assert _uscc_is_valid_fast(code) == uscc.is_valid(code), code
