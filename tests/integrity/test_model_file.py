"""The evaluation model file (data/model.yaml): the bundled default and a broken file's errors."""

from __future__ import annotations

import pytest

from xinyong.integrity.model import DATA, ModelError, default_versions, load_text

GOOD = DATA.read_text(encoding="utf-8")


def broken(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def test_the_default_model_has_the_four_dimensions_of_r_gov_3_summing_to_100() -> None:
    (model,) = default_versions()
    assert [d.name for d in model.dimensions] == ["依法行政", "勤政高效", "守信践诺", "信用建设"]
    assert model.base == 100
    assert model.window_months == 12 and model.extended_months == 24
    assert model.extended_levels == ("国家级", "省级")
    assert [g.grade for g in model.grades] == ["A", "B", "C", "D"]
    stops = {i.code for i in model.items.values() if i.stops_on_repair}
    assert {"SXJN-2", "SXJN-3"} <= stops
    assert model.item_for_kind["fulfilment_report"].rule == "ontime"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "kinds: [arrears]",
            "kinds: [arrear]",
            r"model\.yaml第\d+行：事件类别“arrear”未在 kinds 中定义",
        ),
        ("kinds: [fraud]", "kinds: [arrears]", r"model\.yaml第\d+行：事件类别“arrears”已计入条目"),
        (
            "{grade: C, name: 诚信意识一般, min: 70}",
            "{grade: C, name: 诚信意识一般, min: 90}",
            "自高到低",
        ),
        ("window_months: 12", "window_months: twelve", "应为整数"),
        ("weight: 30\n", "weight: 30\n        colour: red\n", "未知的键“colour”"),
        (
            'sign: "-", points: 5, cap: 15, kinds: [fraud]',
            'sign: "x", points: 5, cap: 15, kinds: [fraud]',
            "“sign”的值“x”未知",
        ),
        ("省级: 2,", "省部级: 2,", "级别“省部级”未知"),
        ("due_day: 10", "due_day: 31", "应在1到28之间"),
        ("versions:\n", "versions:\n  - [\n", "不是有效的YAML"),
    ],
)
def test_a_broken_model_file_is_refused_with_its_line(old: str, new: str, message: str) -> None:
    text = broken(old, new)
    with pytest.raises(ModelError, match=message) as info:
        load_text(text, "model.yaml")
    assert str(info.value).startswith("model.yaml")
    assert "行" in str(info.value)


def test_the_error_names_the_exact_line_of_the_fault() -> None:
    text = broken("kinds: [arrears]", "kinds: [arrear]")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "kinds: [arrear]" in row)
    with pytest.raises(ModelError, match=f"model.yaml第{line}行"):
        load_text(text, "model.yaml")


def test_versions_must_be_in_order_of_their_dates() -> None:
    body = GOOD.split("versions:\n", 1)[1]
    second = body.replace('version: "2026.1"', 'version: "2019.1"').replace(
        "effective_from: 2020-01-01", "effective_from: 2019-01-01"
    )
    with pytest.raises(ModelError, match="先后排列"):
        load_text("versions:\n" + body + second, "model.yaml")
