"""统一社会信用代码 (GB 32100-2015): xinyong.core.uscc."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core import uscc
from xinyong.core.exceptions import (
    CodeTableError,
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)

# --- an independent reference implementation, written from FACTS.md ---------

REF_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REF_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
REF_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def ref_org_check(body: str) -> str:
    total = sum(
        (int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w
        for c, w in zip(body, REF_ORG_WEIGHTS, strict=True)
    )
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def ref_check(body17: str) -> str:
    total = sum(REF_ALPHABET.index(c) * w for c, w in zip(body17, REF_WEIGHTS, strict=True))
    return REF_ALPHABET[(31 - total % 31) % 31]


def make_uscc(head: str, org_body: str) -> str:
    """head: department + category + 6-digit region; org_body: 8 characters."""
    assert len(head) == 8 and len(org_body) == 8
    body = head + org_body + ref_org_check(org_body)
    return body + ref_check(body)


def replace_at(code: str, index: int, char: str) -> str:
    return code[:index] + char + code[index + 1 :]


VALID = "91350100M000100Y43"
REAL_CODES_FILE = Path(__file__).resolve().parent.parent / "data" / "real-uscc.txt"


# --- real and constructed valid codes ----------------------------------------


def test_every_code_in_the_real_test_data_is_valid() -> None:
    codes = REAL_CODES_FILE.read_text(encoding="utf-8").split()
    assert len(codes) == 200
    failures = {code: uscc.explain(code).messages for code in codes if not uscc.is_valid(code)}
    assert failures == {}
    assert all(uscc.validate(code) == code for code in codes)


def test_the_reference_implementation_agrees_with_the_example_code() -> None:
    assert make_uscc("91350100", "M000100Y") == VALID
    assert uscc.calc_check_digit(VALID) == "3"
    assert uscc.calc_org_check_digit("M000100Y") == "4"


@pytest.mark.parametrize(
    "head",
    ["A1110000", "A9440300", "N1370211", "N2330106", "N3510104", "N9650102", "Y1110105"],
)
def test_it_accepts_codes_starting_with_A_N_or_Y(head: str) -> None:
    code = make_uscc(head, "MA01X7K3")
    assert uscc.validate(code) == code
    assert uscc.explain(code).parts["department"]["code"] == head[0]


def test_it_accepts_codes_starting_with_N() -> None:
    code = make_uscc("N2371102", "MF123456")
    result = uscc.explain(code)
    assert result.valid
    assert result.parts["department"] == {"code": "N", "name": "农业"}
    assert result.parts["category"] == {"code": "2", "name": "村级集体经济组织"}


def test_it_accepts_regions_starting_with_6() -> None:
    assert uscc.is_valid(make_uscc("91610100", "12345678"))
    assert uscc.is_valid(make_uscc("52650100", "MJ000000"))


def test_it_accepts_the_national_region_prefix_10_used_by_central_organs() -> None:
    code = make_uscc("11100000", "00001312")
    result = uscc.explain(code)
    assert result.valid
    assert result.parts["province"]["code"] == "10"


@pytest.mark.parametrize(
    ("department", "categories"),
    [
        ("1", "1239"),
        ("2", "19"),
        ("3", "123459"),
        ("4", "19"),
        ("5", "1239"),
        ("6", "129"),
        ("7", "129"),
        ("8", "19"),
        ("9", "123"),
        ("A", "19"),
        ("N", "1239"),
        ("Y", "1"),
    ],
)
def test_it_accepts_exactly_the_categories_of_each_department(
    department: str, categories: str
) -> None:
    for category in REF_ALPHABET:
        code = make_uscc(f"{department}{category}350100", "00000000")
        assert uscc.is_valid(code) == (category in categories), code


# --- each wrong part is detected with the right message ----------------------


def test_it_names_an_unknown_department_at_position_1() -> None:
    code = make_uscc("B1350100", "M000100Y")
    with pytest.raises(InvalidComponent) as info:
        uscc.validate(code)
    assert info.value.part == "department"
    assert info.value.message == "第1位登记管理部门码“B”不在标准代码表中"


def test_it_names_a_category_that_does_not_belong_to_the_department() -> None:
    code = make_uscc("94350100", "M000100Y")
    with pytest.raises(InvalidComponent) as info:
        uscc.validate(code)
    assert info.value.part == "category"
    assert info.value.message.startswith("第2位机构类别码“4”不是登记管理部门“9 工商”的有效类别")
    assert "1 企业、2 个体工商户、3 农民专业合作社" in info.value.message


def test_it_requires_the_region_to_be_six_digits() -> None:
    code = make_uscc("9135A100", "M000100Y")
    with pytest.raises(InvalidFormat) as info:
        uscc.validate(code)
    assert info.value.part == "region"
    assert info.value.message == "第3-8位登记管理机关行政区划码“35A100”应为6位数字"


@pytest.mark.parametrize("prefix", ["00", "16", "20", "39", "47", "60", "66", "72", "83", "99"])
def test_it_rejects_an_unknown_province_prefix(prefix: str) -> None:
    code = make_uscc(f"91{prefix}0100", "M000100Y")
    with pytest.raises(InvalidComponent) as info:
        uscc.validate(code)
    assert info.value.part == "region"
    assert (
        info.value.message == f"第3-8位登记管理机关行政区划码“{prefix}0100”的省级代码“{prefix}”无效"
    )


def test_it_names_a_wrong_org_code_check_character() -> None:
    body = "91350100" + "M000100Y" + "5"  # the org code check should be 4
    code = body + ref_check(body)  # position 18 is right, only position 17 is wrong
    with pytest.raises(InvalidChecksum) as info:
        uscc.validate(code)
    assert info.value.part == "org_check"
    assert info.value.message == "第9-17位组织机构代码校验位应为“4”，实为“5”"
    assert uscc.explain(code).messages == [info.value.message]


def test_it_names_a_wrong_check_character() -> None:
    with pytest.raises(InvalidChecksum) as info:
        uscc.validate("91350100M000100Y4X")
    assert info.value.part == "check"
    assert info.value.message == "第18位校验码应为“3”，实为“X”"


def test_it_reports_every_problem_not_just_the_first() -> None:
    result = uscc.explain("B4990100M000100Y50")
    assert [error.part for error in result.errors] == ["department", "region", "org_check", "check"]
    assert not result.valid
    with pytest.raises(InvalidComponent, match="第1位登记管理部门码“B”"):
        uscc.validate("B4990100M000100Y50")


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_it_rejects_the_letters_I_O_S_V_and_Z(letter: str) -> None:
    code = replace_at(VALID, 9, letter)
    with pytest.raises(InvalidFormat) as info:
        uscc.validate(code)
    assert info.value.part == "charset"
    assert info.value.message.startswith(f"第10位字符“{letter}”不是统一社会信用代码允许的字符")


def test_it_rejects_characters_outside_the_alphabet_with_their_position() -> None:
    result = uscc.explain("91350100M000100Y4中")
    assert result.messages == [
        "第18位字符“中”不是统一社会信用代码允许的字符（只用数字和除I、O、S、V、Z以外的大写字母）"
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "长度应为18位，实为17位"),
        ("91350100M000100Y433", "长度应为18位，实为19位"),
        ("", "代码为空"),
        ("  -  ", "代码为空"),
    ],
)
def test_it_rejects_wrong_lengths(code: str, message: str) -> None:
    with pytest.raises(InvalidLength) as info:
        uscc.validate(code)
    assert info.value.part == "length"
    assert info.value.message == message


def test_exceptions_are_value_errors_with_message_and_part() -> None:
    for cls in (InvalidLength, InvalidFormat, InvalidComponent, InvalidChecksum):
        assert issubclass(cls, InvalidCode)
        assert issubclass(cls, ValueError)
    error = InvalidChecksum("第18位校验码应为“3”，实为“X”", part="check")
    assert str(error) == error.message
    assert not uscc.is_valid("not a code")


# --- input clean-up ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "91350100m000100y43",
        " 9135-0100-M000-100Y-43 ",
        "9135 0100\u3000M000 100Y 43",
        "９１３５－０１００－ｍ０００１００ｙ４３",
    ],
)
def test_it_accepts_full_width_lowercase_and_separated_input(raw: str) -> None:
    assert uscc.compact(raw) == VALID
    assert uscc.validate(raw) == VALID
    assert uscc.format(raw) == VALID


def test_calc_org_check_digit_writes_10_as_X_and_11_as_0() -> None:
    assert uscc.calc_org_check_digit("00000006") == "X"
    assert uscc.calc_org_check_digit("00000000") == "0"
    assert uscc.calc_org_check_digit("000000063") == "X"  # a 9-character code: check ignored
    with pytest.raises(InvalidLength):
        uscc.calc_org_check_digit("1234")


def test_explain_returns_the_parsed_parts() -> None:
    parts = uscc.explain("91350100M000100Y43").parts
    assert parts == {
        "department": {"code": "9", "name": "工商"},
        "category": {"code": "1", "name": "企业"},
        "region": "350100",
        "province": {"code": "35", "name": "福建省"},
        "org_code": "M000100Y4",
        "check": "3",
    }


# --- the code table is data ------------------------------------------------------


def test_the_bundled_table_holds_the_departments_of_the_standard() -> None:
    table = uscc.table()
    assert list(table.departments) == list("123456789ANY")
    assert table.departments["A"] == "中央军委改革和编制办公室"
    assert table.categories["9"] == {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}
    assert set(table.provinces) >= {"11", "15", "21", "23", "31", "37", "41", "46", "50", "54"}
    assert set(table.provinces) >= {"61", "65", "71", "81", "82"}
    assert uscc.table() is table  # loaded once


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("departments: [1, 2]\n", "缺少 departments"),
        ("departments:\n  1:\n    name: 机构编制\n    categories: {'1': 机关}\n", "加引号"),
        ("departments:\n  'I':\n    name: x\n    categories: {'1': y}\n", "'I'"),
        ("departments:\n  '1':\n    name: 机构编制\n", "categories"),
        (
            "departments:\n  '1':\n    name: 机构编制\n    categories: {'1': 机关}\n"
            "provinces: {'1': 北京}\n",
            "provinces",
        ),
        ("departments: {: [\n", "YAML"),
        ("- a list\n", "顶层"),
    ],
)
def test_a_malformed_table_raises_an_error_naming_the_file(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodeTableError) as info:
        uscc.load_table(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def test_a_missing_table_file_raises_an_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(CodeTableError, match=r"missing\.yaml"):
        uscc.load_table(tmp_path / "missing.yaml")


# --- properties ------------------------------------------------------------------

PAIRS = [
    (department, category)
    for department, categories in uscc.table().categories.items()
    for category in categories
]
PREFIXES = sorted({*uscc.table().provinces, *uscc.table().national_region_prefixes})
DIGITS = "0123456789"


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    department, category = draw(st.sampled_from(PAIRS))
    region = draw(st.sampled_from(PREFIXES)) + draw(st.text(DIGITS, min_size=4, max_size=4))
    org_body = draw(st.text(REF_ALPHABET, min_size=8, max_size=8))
    return make_uscc(department + category + region, org_body)


@given(valid_codes())
def test_codes_built_with_computed_check_characters_are_valid(code: str) -> None:
    assert uscc.validate(code) == code
    assert uscc.calc_check_digit(code) == code[17]
    assert uscc.calc_org_check_digit(code[8:16]) == code[16]


@given(valid_codes(), st.integers(0, 17), st.sampled_from(REF_ALPHABET + "IOSVZ"))
def test_changing_any_one_character_is_detected(code: str, index: int, char: str) -> None:
    if code[index] == char:
        char = REF_ALPHABET[(REF_ALPHABET.index(char) + 1) % 31]
    changed = replace_at(code, index, char)
    result = uscc.explain(changed)
    assert not result.valid
    # within the alphabet the mod-31 check alone catches every single substitution
    if char in REF_ALPHABET:
        assert "check" in [error.part for error in result.errors]


_ANY_CHAR = st.sampled_from(uscc.ALPHABET + "IOSVZa-")


@given(st.text(_ANY_CHAR, min_size=16, max_size=19))
def test_the_quick_verdict_agrees_with_the_full_explanation(code: str) -> None:
    assert uscc.is_valid(code) == uscc.explain(code).valid


@given(
    st.sampled_from(uscc.ALPHABET[:10]),
    st.text(st.sampled_from(uscc.ALPHABET), min_size=16, max_size=16),
)
def test_the_quick_verdict_agrees_on_codes_with_a_correct_check_character(
    head: str, body: str
) -> None:
    code = head + body
    code += uscc.calc_check_digit(code)
    assert uscc.is_valid(code) == uscc.explain(code).valid
