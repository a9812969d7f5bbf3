"""居民身份证号码 (GB 11643-1999): xinyong.core.ric."""

from __future__ import annotations

import datetime

import pytest
from stdnum.cn import ric as stdnum_ric

from xinyong.core import ric
from xinyong.core.exceptions import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)

REF_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ref_check(body17: str) -> str:
    """Check character written from FACTS.md, independent of the code under test."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, REF_WEIGHTS, strict=True)) % 11]


def make_id(address: str, birth: str, sequence: str) -> str:
    body = address + birth + sequence
    return body + ref_check(body)


VALID = "11010519491231002X"  # the example of GB 11643
TODAY = datetime.date(2024, 6, 1)


def test_it_accepts_a_valid_number() -> None:
    assert ref_check(VALID[:17]) == "X"
    assert ric.validate(VALID) == VALID
    assert ric.is_valid(VALID)
    result = ric.explain(VALID)
    assert result.valid
    assert result.errors == []
    assert result.warnings == []


def test_it_accepts_numbers_built_with_the_reference_check() -> None:
    for sequence in range(0, 1000, 37):
        number = make_id("440305", "19851107", f"{sequence:03d}")
        assert ric.is_valid(number), number
        assert ric.calc_check_digit(number) == number[-1]


def test_it_returns_the_parts() -> None:
    result = ric.explain(VALID)
    assert result.parts == {
        "address": {"code": "110105", "name": "北京市朝阳区"},
        "birth_date": "1949-12-31",
        "sequence": "002",
        "sex": "女",
        "check": "X",
    }
    assert result.birth_date == datetime.date(1949, 12, 31)


def test_it_reads_the_sex_from_the_last_digit_of_the_sequence() -> None:
    assert ric.explain(make_id("110105", "19900101", "011")).parts["sex"] == "男"
    assert ric.explain(make_id("110105", "19900101", "010")).parts["sex"] == "女"


def test_it_names_a_wrong_check_character() -> None:
    with pytest.raises(InvalidChecksum) as info:
        ric.validate("110105194912310021")
    assert info.value.part == "check"
    assert info.value.message == "第18位校验码应为“X”，实为“1”"


def test_it_rejects_february_30() -> None:
    number = make_id("110105", "19900230", "002")
    with pytest.raises(InvalidComponent) as info:
        ric.validate(number)
    assert info.value.part == "birth_date"
    assert info.value.message == "第7-14位出生日期“19900230”不是有效日期"
    assert ric.explain(number).messages == [info.value.message]


def test_it_accepts_february_29_only_in_leap_years() -> None:
    assert ric.is_valid(make_id("110105", "20000229", "002"))
    assert not ric.is_valid(make_id("110105", "19000229", "002"))


def test_it_rejects_a_birth_date_in_the_future() -> None:
    number = make_id("110105", "20240602", "002")
    with pytest.raises(InvalidComponent) as info:
        ric.validate(number, today=TODAY)
    assert info.value.message == "第7-14位出生日期“20240602”晚于今天"
    assert ric.is_valid(make_id("110105", "20240601", "002"), today=TODAY)
    assert not ric.is_valid(make_id("110105", "29991231", "002"))  # default: real today


def test_it_accepts_a_lowercase_x() -> None:
    assert ric.validate("11010519491231002x") == VALID
    assert ric.compact("110105-19491231-002x") == VALID


def test_it_accepts_full_width_input() -> None:
    assert ric.validate("１１０１０５１９４９１２３１００２Ｘ") == VALID


def test_an_unknown_county_is_a_warning_not_an_error() -> None:
    number = make_id("110199", "19900101", "002")
    with pytest.raises(KeyError):  # python-stdnum itself fails on this number
        stdnum_ric.validate(number)
    result = ric.explain(number)
    assert result.valid
    assert ric.validate(number) == number
    assert result.parts["address"] == {"code": "110199", "name": None}
    assert result.warnings == [
        "第1-6位地址码“110199”不在已知行政区划表中（可能是新设、撤销或更名的区县），请核对"
    ]


def test_a_county_that_existed_only_in_other_years_is_known() -> None:
    # 110103 崇文区 was merged in 2010; numbers issued before still carry it
    result = ric.explain(make_id("110103", "20150101", "002"))
    assert result.valid
    assert result.warnings == []
    assert result.parts["address"]["name"] == "北京市崇文区"


def test_an_unknown_province_is_an_error() -> None:
    number = make_id("990101", "19900101", "002")
    with pytest.raises(InvalidComponent) as info:
        ric.validate(number)
    assert info.value.part == "address"
    assert info.value.message == "第1-6位地址码“990101”的省级代码“99”无效"


@pytest.mark.parametrize(
    ("number", "cls", "message"),
    [
        ("1101051949123100", InvalidLength, "长度应为18位（旧号码15位），实为16位"),
        ("", InvalidLength, "号码为空"),
        ("1101051949123100AX", InvalidFormat, "第17位字符“A”无效：前17位应为数字"),
        ("11010519491231002Y", InvalidFormat, "第18位校验码“Y”无效：应为数字或X"),
    ],
)
def test_it_rejects_bad_structure(number: str, cls: type[InvalidCode], message: str) -> None:
    with pytest.raises(cls) as info:
        ric.validate(number)
    assert info.value.message == message


def test_it_reports_all_errors() -> None:
    result = ric.explain("990105199002300025")
    assert [error.part for error in result.errors] == ["address", "birth_date", "check"]


def test_it_accepts_a_legacy_15_digit_number_with_a_warning() -> None:
    result = ric.explain("110105491231002")
    assert result.valid
    assert result.parts["birth_date"] == "1949-12-31"
    assert result.parts["check"] is None
    assert result.warnings == ["15位旧号码，没有校验码；对应的18位号码为11010519491231002X"]
    assert ric.to_18("110105491231002") == VALID


def test_it_rejects_a_legacy_number_with_a_bad_date() -> None:
    assert ric.explain("110105491331002").messages == ["第7-12位出生日期“491331”不是有效日期"]


def test_it_masks_18_character_numbers_keeping_4_and_4() -> None:
    assert ric.mask("61010419900101123X") == "6101**********123X"
    assert ric.mask("6101 0419 9001 0112 3x") == "6101**********123X"


def test_it_masks_15_digit_numbers_keeping_4_and_3() -> None:
    assert ric.mask("610104900101123") == "6101********123"


def test_it_masks_other_lengths_entirely() -> None:
    assert ric.mask("6101041990") == "**********"
    assert ric.mask("") == ""
