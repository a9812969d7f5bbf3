"""Working-day deadlines of objections, from the versioned rule file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from tests.objections.helpers import file_on

from xinyong.departments.models import User
from xinyong.objections import services
from xinyong.objections.rules import ObjectionRuleError, load, rule_on
from xinyong.records.models import CreditRecord

BEFORE_NATIONAL_DAY = dt.date(2026, 9, 30)


def test_the_rule_file_gives_each_step_in_working_days() -> None:
    rule = rule_on(BEFORE_NATIONAL_DAY)
    assert rule.steps == {"accept": 2, "verify": 5, "close": 2, "inform": 1}
    assert rule.suspend_from == "accept"
    assert "巫山信用办发〔2022〕3号" in rule.basis


def test_a_broken_rule_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "objections.yaml"
    bad.write_text(
        'version: "x"\nrules:\n  - effective_from: 2019-01-01\n    basis: 测试\n'
        "    steps: {accept: 2, verify: 5, close: 2, inform: 1, appeal: 3}\n"
        "    suspend_from: accept\n",
        encoding="utf-8",
    )
    with pytest.raises(ObjectionRuleError, match=r"第5行.*appeal"):
        load(bad)


def test_a_filing_before_national_day_is_due_after_the_holiday(
    operator: User, record: CreditRecord
) -> None:
    objection, _ = file_on(record, day=BEFORE_NATIONAL_DAY)
    # 10-01 … 10-07 are holidays: the 2nd working day after 09-30 is 10-09.
    assert objection.due_date == dt.date(2026, 10, 9)
    assert services.countdown(objection.due_date, dt.date(2026, 10, 1)) == "剩余2个工作日"
    assert services.countdown(objection.due_date, dt.date(2026, 10, 9)) == "今日到期"
    # 10-10 is a Saturday worked in exchange (调休): already one working day late
    assert services.countdown(objection.due_date, dt.date(2026, 10, 10)) == "已超期1个工作日"
    assert services.countdown(objection.due_date, dt.date(2026, 10, 12)) == "已超期2个工作日"
    assert services.is_overdue(objection, dt.date(2026, 10, 10))
    # accepted on the last day, the department's 5 working days count the make-up Saturday
    # 10-10 and skip Sunday 10-11: 10-10, 12, 13, 14, 15
    objection = services.accept(operator, objection, today=dt.date(2026, 10, 9))
    assert objection.due_date == dt.date(2026, 10, 15)


def test_a_deadline_in_a_year_without_a_schedule_says_so() -> None:
    assert "尚未录入" in services.countdown(None)


def test_the_remind_command_states_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        call_command("objections", "remind", "--help")
    out = capsys.readouterr().out
    assert "2个工作日内决定是否受理" in out
    assert "5个工作日内核查答复" in out
