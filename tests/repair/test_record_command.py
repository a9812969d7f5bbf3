"""``xinyong record show``: a record's tier, window, rule and repair path, for operators and
scripts."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.conftest import MARKET_CODE


def test_it_prints_a_record_with_its_tier_window_and_earliest_repair_date(company, make_penalty):
    make_penalty(company, dt.date(2026, 4, 1), tier="严重", doc_no="示市监罚〔2026〕8号")
    out = io.StringIO()
    call_command("record", "show", "--department", MARKET_CODE, "示市监罚〔2026〕8号", stdout=out)
    text = out.getvalue()
    assert "失信等级：严重（认定单位填报" in text
    assert "适用规则：国家发展改革委令第36号（2026-04-01起施行）" in text
    assert "最短期满2027-04-01，最长期满（停止公示）2029-04-01，最后公示日2029-03-31" in text
    assert "最早可申请信用修复：2027-04-01" in text
    assert "参加信用修复专题培训" in text


def test_it_prints_json_for_scripts_with_a_derived_tier(company, make_penalty):
    make_penalty(company, dt.date(2026, 3, 31), category="警告", doc_no="示市监罚〔2026〕9号")
    out = io.StringIO()
    call_command(
        "record",
        "show",
        "--department",
        MARKET_CODE,
        "示市监罚〔2026〕9号",
        "--type",
        "xzcf",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["tier"] == "轻微"
    assert data["tier_source"] == "derived"
    assert data["tier_source_display"] == "按公布的规则推定"
    assert data["rule_id"] == "ndrc-order-58"
    assert data["earliest_date"] == "2026-03-31"
    assert data["subject"] == company.name
    assert data["status"] == "active"


def test_it_says_when_no_record_matches(db):
    with pytest.raises(CommandError, match="未找到部门"):
        call_command("record", "show", "--department", MARKET_CODE, "不存在〔2026〕1号")
