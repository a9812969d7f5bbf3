"""Deciding the kind of a code, the one-line report and ``xinyong check-code``."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest

from xinyong.core import ric, uscc
from xinyong.core.checkcode_cli import run
from xinyong.core.codes import check_code, format_line

USCC = "91350100M000100Y43"
RIC = "11010519491231002X"
REAL_CODES_FILE = Path(__file__).resolve().parent.parent / "data" / "real-uscc.txt"


def make_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17)


def find_number_valid_as_both() -> str:
    """An 18-digit number that is both a valid ID number and a valid 统一社会信用代码."""
    start = datetime.date(1990, 1, 1)
    for day in range(366):
        birth = (start + datetime.timedelta(days=day)).strftime("%Y%m%d")
        for sequence in range(1000):
            number = make_id(f"513701{birth}{sequence:03d}")
            if uscc.is_valid(number):
                return number
    raise AssertionError("no number valid as both kinds found")


# --- check_code ----------------------------------------------------------------


def test_it_reports_a_valid_uscc() -> None:
    result = check_code(USCC)
    assert result == {
        "code": USCC,
        "valid": True,
        "kind": "uscc",
        "errors": [],
        "warnings": [],
        "parts": uscc.explain(USCC).parts,
    }


def test_it_reports_a_valid_id_number() -> None:
    result = check_code(RIC)
    assert result["valid"] is True
    assert result["kind"] == "ric"
    assert result["parts"]["sex"] == "女"


def test_every_real_code_is_a_valid_uscc() -> None:
    for code in REAL_CODES_FILE.read_text(encoding="utf-8").split():
        result = check_code(code)
        assert (result["kind"], result["valid"]) == ("uscc", True), code


def test_an_all_digit_uscc_is_not_taken_for_an_id_number() -> None:
    code = "121200004013590816"  # 机构编制/事业单位: positions 7-14 are no date
    assert check_code(code)["kind"] == "uscc"
    assert check_code(code)["valid"] is True


def test_a_number_valid_as_both_is_an_id_number_with_a_warning() -> None:
    number = find_number_valid_as_both()
    result = check_code(number)
    assert (result["kind"], result["valid"]) == ("ric", True)
    assert "该号码同时符合统一社会信用代码的校验规则，请核对主体类型" in result["warnings"]


def test_a_wrong_id_number_with_a_plausible_birth_date_reports_id_errors() -> None:
    result = check_code("110105194912310021")
    assert result["kind"] == "ric"
    assert result["valid"] is False
    assert result["errors"] == ["第18位校验码应为“X”，实为“1”"]


def test_a_wrong_digit_code_without_a_plausible_birth_date_reports_uscc_errors() -> None:
    result = check_code("121200004013590817")
    assert result["kind"] == "uscc"
    assert result["errors"] == ["第18位校验码应为“6”，实为“7”"]


def test_a_wrong_id_number_with_a_bad_date_but_right_address_reports_id_errors() -> None:
    result = check_code("110105194902300020")  # as a uscc: province "01" is wrong
    assert result["kind"] == "ric"
    assert result["errors"] == ["第7-14位出生日期“19490230”不是有效日期"]


def test_a_code_with_letters_is_checked_as_uscc() -> None:
    result = check_code("91350100M000100Y44")
    assert (result["kind"], result["valid"]) == ("uscc", False)
    assert result["errors"] == ["第18位校验码应为“3”，实为“4”"]


def test_a_15_digit_number_is_a_legacy_id_number() -> None:
    result = check_code("110105491231002")
    assert (result["kind"], result["valid"]) == ("ric", True)
    assert result["warnings"] == ["15位旧号码，没有校验码；对应的18位号码为11010519491231002X"]


@pytest.mark.parametrize("code", ["9135010", "91350100M000100Y433", "11010549123100A"])
def test_other_lengths_are_of_unknown_kind(code: str) -> None:
    result = check_code(code)
    assert (result["kind"], result["valid"]) == ("unknown", False)
    assert result["errors"] == [
        f"长度为{len(code)}位：统一社会信用代码和居民身份证号码应为18位（旧身份证号码为15位）"
    ]


def test_an_empty_code_is_of_unknown_kind() -> None:
    assert check_code(" ")["errors"] == ["代码为空"]


def test_full_width_input_is_compacted() -> None:
    assert check_code("９１３５０１００Ｍ０００１００Ｙ４３")["code"] == USCC


def test_the_result_is_json_serialisable() -> None:
    for code in (USCC, RIC, "110105491231002", "x", "990105199002300021"):
        json.dumps(check_code(code), ensure_ascii=False)


# --- format_line ---------------------------------------------------------------


def test_a_valid_uscc_line_names_department_category_and_region() -> None:
    assert (
        format_line(check_code(USCC))
        == f"{USCC} 有效 统一社会信用代码（工商/企业，行政区划350100）"
    )


def test_a_valid_id_number_line_names_sex_birth_date_and_address() -> None:
    assert format_line(check_code(RIC)) == (
        f"{RIC} 有效 居民身份证号码（女，出生1949-12-31，地址码110105 北京市朝阳区）"
    )


def test_an_invalid_line_lists_every_error() -> None:
    assert format_line(check_code("B1350100M000100Y43")) == (
        "B1350100M000100Y43 无效：第1位登记管理部门码“B”不在标准代码表中；"
        "第18位校验码应为“1”，实为“3”"
    )


def test_a_line_ends_with_the_warnings() -> None:
    line = format_line(check_code("110105491231002"))
    assert line.startswith("110105491231002 有效 居民身份证号码（女，出生1949-12-31")
    assert line.endswith("；提示：15位旧号码，没有校验码；对应的18位号码为11010519491231002X")


def test_a_line_can_mask_an_id_number() -> None:
    assert format_line(check_code(RIC), mask_id=True).startswith("1101**********002X 有效")
    assert format_line(check_code(USCC), mask_id=True).startswith(USCC)


@pytest.mark.parametrize(
    "written",
    [
        "330122 19800202 0029",
        "330122-19800202-0029",
        "330122\u300019800202\u30000029",
        "ID330122198002020029",
        "sfz330122198002020029",
        "330122198002020029abc",
    ],
)
def test_id_numbers_in_free_text_are_masked_however_they_are_written(written: str) -> None:
    from xinyong.core import ric

    number = "330122198002020029"
    assert ric.is_valid(number)
    masked = ric.mask_in_text(f"当事人（{written}）")
    assert "3301**********0029" in masked
    assert "19800202" not in masked


def test_grouped_digits_that_are_no_id_number_are_left_alone() -> None:
    from xinyong.core import ric

    for text in ("金额 100 200 300 400 500 600 元", "2026-01-01至2026-12-31 共12期"):
        assert ric.mask_in_text(text) == text


# --- xinyong check-code ------------------------------------------------------


def test_the_command_prints_one_line_per_code_and_exits_0_when_all_are_valid() -> None:
    out = io.StringIO()
    assert run([USCC, RIC], out) == 0
    assert out.getvalue().splitlines() == [
        format_line(check_code(USCC)),
        format_line(check_code(RIC)),
    ]


def test_the_command_exits_1_when_any_code_is_invalid() -> None:
    out = io.StringIO()
    assert run([USCC, "91350100M000100Y44"], out) == 1
    assert out.getvalue().splitlines()[1] == "91350100M000100Y44 无效：第18位校验码应为“3”，实为“4”"


def test_the_command_prints_a_json_array_with_chinese_unescaped() -> None:
    out = io.StringIO()
    assert run(["--json", USCC, "91350100M000100Y44"], out) == 1
    text = out.getvalue()
    assert "第18位校验码" in text  # ensure_ascii=False
    data = json.loads(text)
    assert data == [check_code(USCC), check_code("91350100M000100Y44")]
    assert [item["valid"] for item in data] == [True, False]


def test_the_command_reads_codes_from_stdin_when_code_is_a_dash() -> None:
    out = io.StringIO()
    stdin = io.StringIO(f"{USCC}\n\n  {RIC}  \n")
    assert run(["-", "--json"], out, stdin=stdin) == 0
    assert [item["code"] for item in json.loads(out.getvalue())] == [USCC, RIC]


@pytest.mark.parametrize("argv", [[], ["--nonsense", USCC], ["-"]])
def test_the_command_exits_2_on_usage_errors(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(argv, out, stdin=io.StringIO(""), stderr=err) == 2
    assert out.getvalue() == ""
    assert "usage: xinyong check-code" in err.getvalue()


def test_the_command_prints_help_and_exits_0() -> None:
    out = io.StringIO()
    assert run(["--help"], out, stderr=io.StringIO()) == 0
    assert "--json" in out.getvalue()
