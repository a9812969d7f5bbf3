"""The rules as data, and the working-day deadlines (over National Day 2026)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.recruit.helpers import file, review_all_and_release

from xinyong.recruit import rules, services
from xinyong.recruit.models import ObjectionOutcome, PersonReview, RecruitPerson, Result


def test_the_rules_count_every_black_list_and_give_three_working_days() -> None:
    rule = rules.rule_on(dt.date(2026, 9, 30))
    assert rule.answer_days == 3
    assert rule.objection_days == 3
    assert rule.objection_steps == {"accept": 3, "verify": 3, "close": 3}
    # Every black list, the bodies' serious list (zfsx) included: it names no person, but
    # "every black list" is the rule, not a hand-picked set.
    assert set(rule.dishonesty_lists) == {"serious", "sxbzxr", "zdsswf", "zfcg", "zfsx"}
    assert "red" not in rule.dishonesty_lists


def _write(tmp_path: Path, lists: str) -> Path:
    text = rules.DATA.read_text(encoding="utf-8").replace(
        "dishonesty_lists: black", f"dishonesty_lists: {lists}"
    )
    path = tmp_path / "recruit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_configured_subset_of_lists_is_kept(tmp_path: Path) -> None:
    loaded = rules.load(_write(tmp_path, "[sxbzxr, serious]"))
    assert loaded[0].dishonesty_lists == ("sxbzxr", "serious")


def test_a_red_list_named_as_dishonesty_list_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(rules.RecruitRuleError, match=r"recruit.yaml第\d+行.*不是失信"):
        rules.load(_write(tmp_path, "[red]"))


def test_an_unknown_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(rules.RecruitRuleError, match="未定义"):
        rules.load(_write(tmp_path, "[nosuch]"))


def test_a_request_received_before_national_day_is_due_after_the_holiday(
    market_submitter,
) -> None:
    req = file(market_submitter)
    # 10月1日至7日放假，10月8日、9日、10日（周六调休上班）为收件后的3个工作日。
    assert req.due_on == dt.date(2026, 10, 10)
    assert services.countdown(req.due_on, dt.date(2026, 9, 30)) == "剩余3个工作日"
    assert services.countdown(req.due_on, dt.date(2026, 10, 5)) == "剩余3个工作日"
    assert services.countdown(req.due_on, dt.date(2026, 10, 10)) == "今日到期"
    assert services.countdown(req.due_on, dt.date(2026, 10, 13)) == "已超期2个工作日"


def test_an_objections_steps_are_each_due_three_working_days_after_the_last(
    market_submitter, operator, operator2, entries
) -> None:
    req = file(market_submitter)
    review_all_and_release(req, operator, operator2)
    person = RecruitPerson.objects.get(request=req, name="张三")
    person.refresh_from_db()
    assert person.result == Result.LISTED
    # The person may object within 3 working days of being told (over the holiday).
    assert person.objection_until == dt.date(2026, 10, 10)

    objection = services.add_objection(
        operator, person, "本人已履行完毕", filed_on=dt.date(2026, 10, 9)
    )
    accept = objection.steps.get()
    assert (accept.step, accept.started_on, accept.due_on) == (
        "accept",
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 13),
    )
    verify = services.advance_objection(operator, objection, "受理", day=dt.date(2026, 10, 10))
    assert verify is not None
    assert (verify.step, verify.due_on) == ("verify", dt.date(2026, 10, 14))
    close = services.advance_objection(operator, objection, "已核查", day=dt.date(2026, 10, 12))
    assert close is not None
    assert (close.step, close.due_on) == ("close", dt.date(2026, 10, 15))
    with pytest.raises(services.RecruitError, match="请选择异议结果"):
        services.advance_objection(operator, objection, "办结", day=dt.date(2026, 10, 13))
    assert (
        services.advance_objection(
            operator,
            objection,
            "已履行，移出",
            outcome=ObjectionOutcome.UPHELD,
            day=dt.date(2026, 10, 13),
        )
        is None
    )
    person.refresh_from_db()
    objection.refresh_from_db()
    assert person.result == Result.CLEAR
    assert objection.closed_on == dt.date(2026, 10, 13)
    with pytest.raises(services.RecruitError, match="已办结"):
        services.advance_objection(operator, objection, "再次")
    assert PersonReview.objects.filter(person=person).count() == 2


def test_an_objection_after_its_deadline_is_refused(
    market_submitter, operator, operator2, entries
) -> None:
    req = file(market_submitter)
    review_all_and_release(req, operator, operator2)
    person = RecruitPerson.objects.get(request=req, name="张三")
    with pytest.raises(services.RecruitError, match="异议期限已过：应在2026-10-10前"):
        services.add_objection(operator, person, "晚了", filed_on=dt.date(2026, 10, 12))
    clear = RecruitPerson.objects.get(request=req, name="赵六")
    with pytest.raises(services.RecruitError, match="有失信记录"):
        services.add_objection(operator, clear, "无事", filed_on=dt.date(2026, 10, 9))
