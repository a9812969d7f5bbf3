"""Publicity periods as versioned rules keyed on the decision date (R-PUB-3)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from xinyong.core import publicity
from xinyong.core.publicity import (
    PublicityRuleError,
    add_months,
    derive_tier,
    load_rules,
    publicity_window,
)

D = datetime.date


def test_a_penalty_decided_the_day_before_the_new_rules_uses_order_58() -> None:
    before = publicity_window("xzcf", D(2026, 3, 31), "严重")
    after = publicity_window("xzcf", D(2026, 4, 1), "严重")
    assert before.rule_id == "ndrc-order-58" and before.rule_name == "国家发展改革委令第58号"
    assert after.rule_id == "ndrc-order-36" and after.rule_name == "国家发展改革委令第36号"
    assert "2026-04-01起施行" in after.explanation_zh


def test_minor_dishonesty_is_not_published() -> None:
    for day in (D(2026, 3, 31), D(2026, 4, 1)):
        window = publicity_window("xzcf", day, "轻微")
        assert not window.published
        assert window.longest_end is None and not window.is_public_on(day)
        assert "不予公示" in window.explanation_zh


def test_minor_dishonesty_published_by_decision_lasts_at_most_three_months() -> None:
    window = publicity_window("xzcf", D(2026, 5, 10), "轻微", publish_minor=True)
    assert window.published
    assert window.longest_end == D(2026, 8, 10)
    assert window.shortest_end == D(2026, 5, 10)  # repairable once obligations are met
    assert "最长不超过" in publicity_window("xzcf", D(2026, 5, 10), "轻微").explanation_zh


def test_serious_dishonesty_is_published_one_to_three_years_under_order_36() -> None:
    window = publicity_window("xzcf", D(2026, 4, 1), "严重")
    assert window.published
    assert (window.start, window.shortest_end, window.longest_end) == (
        D(2026, 4, 1),
        D(2027, 4, 1),
        D(2029, 4, 1),
    )
    assert window.is_public_on(D(2029, 3, 31)) and not window.is_public_on(D(2029, 4, 1))
    assert not window.repairable_on(D(2027, 3, 31)) and window.repairable_on(D(2027, 4, 1))
    assert "最长公示3年（2029-04-01起停止公示）" in window.explanation_zh


def test_ordinary_dishonesty_is_published_three_months_to_one_year() -> None:
    window = publicity_window("xzcf", D(2026, 4, 15), "一般")
    assert (window.shortest_end, window.longest_end) == (D(2026, 7, 15), D(2027, 4, 15))


def test_the_2019_notice_gives_serious_cases_six_months_at_least() -> None:
    window = publicity_window("xzcf", D(2020, 1, 15), "严重")
    assert window.rule_id == "ndrc-2019-527"
    assert (window.shortest_end, window.longest_end) == (D(2020, 7, 15), D(2023, 1, 15))


def test_order_58_starts_on_the_day_its_text_says() -> None:
    assert publicity_window("xzcf", D(2023, 4, 30), "严重").rule_id == "ndrc-2019-527"
    assert publicity_window("xzcf", D(2023, 5, 1), "严重").rule_id == "ndrc-order-58"


def test_a_decision_older_than_every_rule_uses_the_earliest_and_says_so() -> None:
    window = publicity_window("xzcf", D(2018, 5, 2), "一般")
    assert window.rule_id == "ndrc-2019-527"
    assert "决定日期更早" in window.explanation_zh


def test_periods_are_counted_in_calendar_months_to_the_month_end() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 8, 31), 3) == D(2026, 11, 30)
    assert add_months(D(2024, 2, 29), 36) == D(2027, 2, 28)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)
    window = publicity_window("xzcf", D(2026, 5, 31), "一般")
    assert window.shortest_end == D(2026, 8, 31)
    window = publicity_window("xzcf", D(2026, 11, 30), "一般")
    assert window.shortest_end == D(2027, 2, 28)


@pytest.mark.parametrize(
    ("fields", "tier"),
    [
        ({"tier": "严重"}, "严重"),
        ({"tier": "一般失信", "penalty_category": ["警告"]}, "一般"),
        ({"penalty_category": ["警告"]}, "轻微"),
        ({"penalty_category": ["警告", "通报批评"]}, "轻微"),
        ({"penalty_category": "通报批评"}, "轻微"),
        ({"penalty_category": "警告；罚款"}, "一般"),
        ({"penalty_category": ["罚款"], "procedure": "简易程序"}, "轻微"),
        ({"penalty_category": ["罚款"], "procedure": "普通程序"}, "一般"),
        ({"penalty_category": ["吊销许可证件"]}, "一般"),
        ({}, "一般"),
    ],
)
def test_the_tier_is_derived_from_the_penalty(fields: dict, tier: str) -> None:
    derived, reason = derive_tier(fields)
    assert derived == tier
    assert reason


def test_an_unknown_tier_is_refused() -> None:
    with pytest.raises(PublicityRuleError, match="失信等级“很严重”未知"):
        derive_tier({"tier": "很严重"})


def test_the_window_derives_the_tier_from_the_fields_when_not_given() -> None:
    window = publicity_window("xzcf", D(2026, 4, 1), None, {"penalty_category": ["警告"]})
    assert not window.published and window.tier == "轻微"
    assert "仅为警告、通报批评" in window.explanation_zh
    window = publicity_window("xzcf", D(2026, 4, 1), None, {"penalty_category": ["罚款"]})
    assert window.published and window.tier == "一般"


def test_a_licence_is_published_for_its_validity() -> None:
    window = publicity_window("xzxk", D(2026, 3, 5), None, {"valid_to": D(2031, 3, 4)})
    assert window.published and window.longest_end == D(2031, 3, 5)
    assert window.is_public_on(D(2031, 3, 4)) and not window.is_public_on(D(2031, 3, 5))
    assert window.shortest_end is None


def test_a_licence_without_an_end_date_is_published_for_the_default_three_years() -> None:
    window = publicity_window("xzxk", D(2026, 3, 5), None, {"valid_to": None})
    assert window.longest_end == D(2029, 3, 5)
    assert "3年" in window.explanation_zh


def test_an_unknown_rule_is_an_error() -> None:
    with pytest.raises(PublicityRuleError, match="没有公示期限规则“xzqz”"):
        publicity_window("xzqz", D(2026, 4, 1), "一般")


def test_the_shipped_rules_cover_both_double_publicity_types() -> None:
    assert set(publicity.rule_ids()) >= {"xzcf", "xzxk"}
    versions = publicity.rules()["xzcf"].versions
    assert [v.effective_from for v in versions] == [D(2019, 7, 1), D(2023, 5, 1), D(2026, 4, 1)]


RULES = """\
rules:
  xzcf:
    name: 测试
    versions:
      - id: a
        name: 测试规则
        effective_from: 2020-01-01
        tiers:
          轻微: {published: false}
          一般: {min_months: 3, max_months: 12}
          严重: {min_months: 6, max_months: 36}
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "min_months: 6, max_months: 36",
            "min_months: 48, max_months: 36",
            "最短公示期限（48个月）长于最长期限（36个月）",
        ),
        ("严重:", "很严重:", "失信等级“很严重”未知"),
        (
            "effective_from: 2020-01-01",
            "effective_from: 2020-02-30",
            "生效日期“2020-02-30”不是有效日期",
        ),
        ("一般: {min_months: 3, max_months: 12}", "一般: {min_months: 3}", "须有最长公示期限"),
        ("          轻微: {published: false}\n", "", "缺少失信等级“轻微”的期限"),
        ("max_months: 12}", "max_months: 12, max: 1}", "未知的键“max”"),
        ("min_months: 3,", "min_months: -3,", "“min_months”应为0到1200之间的整数"),
    ],
)
def test_a_malformed_rule_file_is_refused_with_a_clear_message(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in RULES
    path = tmp_path / "publicity.yaml"
    path.write_text(RULES.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PublicityRuleError) as caught:
        load_rules(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith("publicity.yaml：")


def test_a_well_formed_rule_file_loads() -> None:
    rules = load_rules()
    assert rules["xzcf"].versions[-1].tiers["严重"].max_months == 36
