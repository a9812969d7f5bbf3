"""Tiers, windows and earliest repair dates follow the rules in force on the decision date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.repair.factories import entry

from xinyong.repair.eligibility import add_workdays, record_repair
from xinyong.repair.rules import DATA, RepairRuleError, load
from xinyong.workdays.services import get_calendar

D = dt.date


def test_a_serious_penalty_decided_on_31_march_2026_follows_order_58(company, make_penalty):
    record = make_penalty(company, D(2026, 3, 31), tier="严重")
    info = record_repair(record, D(2026, 4, 15))
    assert (info.tier, info.tier_source) == ("严重", "given")
    assert info.rule_id == "ndrc-order-58"
    assert info.rule_name == "国家发展改革委令第58号"
    assert info.rule_effective_from == D(2023, 5, 1)
    assert info.earliest_date == D(2027, 3, 31)
    assert info.longest_end == D(2029, 3, 31)
    assert info.training_required and info.commitment_required
    assert not info.eligible
    assert info.reason == "2027年03月31日起可申请信用修复"


def test_a_serious_penalty_decided_on_1_april_2026_follows_order_36(company, make_penalty):
    record = make_penalty(company, D(2026, 4, 1), tier="严重")
    info = record_repair(record, D(2026, 4, 15))
    assert info.rule_id == "ndrc-order-36"
    assert info.rule_name == "国家发展改革委令第36号"
    assert info.earliest_date == D(2027, 4, 1)
    assert info.shortest_end == D(2027, 4, 1)
    assert info.longest_end == D(2029, 4, 1)
    assert "已满最短公示期1年（2027年04月01日起可申请）" in info.conditions
    assert "参加信用修复专题培训" in info.conditions


def test_a_serious_penalty_under_the_2019_notice_could_be_repaired_after_six_months(
    company, make_penalty
):
    info = record_repair(make_penalty(company, D(2022, 1, 10), tier="严重"), D(2022, 3, 1))
    assert info.rule_id == "ndrc-2019-527"
    assert info.earliest_date == D(2022, 7, 10)


def test_a_minimum_period_ending_on_a_holiday_is_not_moved(company, make_penalty):
    # 一般: 3 calendar months from 2026-07-01 end on 2026-10-01, 国庆节. The shortest period is
    # in calendar months and the application is filed online, so the date does not move; the
    # review deadline, in working days, starts counting from there.
    calendar = get_calendar()
    assert not calendar.is_workday(D(2026, 10, 1))
    record = make_penalty(company, D(2026, 7, 1), category="罚款")
    info = record_repair(record, D(2026, 10, 1))
    assert (info.tier, info.tier_source) == ("一般", "derived")
    assert info.earliest_date == D(2026, 10, 1)
    assert info.eligible
    assert record_repair(record, D(2026, 9, 30)).eligible is False
    due, estimated = add_workdays(D(2026, 10, 1), 10)
    assert not estimated
    assert due == calendar.add(D(2026, 10, 1), 10)
    # the National Day week does not count: ten working days end after 2026-10-14
    assert due > D(2026, 10, 15)


def test_a_warning_only_penalty_is_minor_and_can_be_repaired_at_once(company, make_penalty):
    record = make_penalty(company, D(2026, 5, 6), category="警告")
    info = record_repair(record, D(2026, 5, 6))
    assert (info.tier, info.tier_source) == ("轻微", "derived")
    assert "警告" in info.tier_reason
    assert info.earliest_date == D(2026, 5, 6)
    assert info.eligible
    assert not info.commitment_required and not info.training_required
    assert "无最短公示期要求，履行完毕即可申请" in info.conditions


def test_a_record_past_its_longest_period_needs_no_repair(company, make_penalty):
    record = make_penalty(company, D(2024, 1, 5))
    info = record_repair(record, D(2025, 1, 6))
    assert info.repairable and not info.eligible
    assert "公示期已满" in info.reason


def test_a_licence_is_not_dishonesty_information(company, market_dept):
    from tests.portal.factories import make_record

    info = record_repair(make_record(company, market_dept, "xzxk"))
    assert not info.repairable
    assert "不是失信信息" in info.reason


def test_a_court_list_entry_is_not_repairable_here(company, today):
    from xinyong.repair.eligibility import entry_repair

    info = entry_repair(entry(company, "sxbzxr", start=today - dt.timedelta(days=400)), today)
    assert not info.repairable and not info.eligible
    assert "失信被执行人名单不适用本平台的信用修复" in info.reason


def test_a_serious_list_entry_can_be_repaired_after_a_year(company, market_dept):
    from xinyong.repair.eligibility import entry_repair

    listed = entry(company, "serious", department=market_dept, start=D(2026, 4, 1))
    info = entry_repair(listed, D(2026, 6, 1))
    assert info.repairable and info.tier == "严重" and info.tier_source == "list"
    assert info.earliest_date == D(2027, 4, 1)
    assert entry_repair(listed, D(2027, 4, 1)).eligible


def test_the_rule_file_loads_and_names_the_line_of_a_mistake(tmp_path: Path):
    rules = load()
    assert [v.id for v in rules.conditions] == ["ndrc-2019-527", "ndrc-order-58", "ndrc-order-36"]
    broken = tmp_path / "repair.yaml"
    broken.write_text(
        DATA.read_text(encoding="utf-8").replace(
            "effective_from: 2026-04-01\n    tiers:", "effective_from: 2026-05-01\n    tiers:"
        ),
        encoding="utf-8",
    )
    with pytest.raises(RepairRuleError, match=r"repair\.yaml第\d+行：.*2026-04-01"):
        load(broken)
