"""Feedback on triggered measures, false positives and the trigger-feedback rate (R-JRP-3)."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.permissions import PermissionDenied
from xinyong.jrp.checking import Query, run_check
from xinyong.jrp.models import CheckItem
from xinyong.jrp.services import (
    FeedbackError,
    FeedbackIn,
    clear_false_positive,
    feedback_rates,
    give_feedback,
)

from .conftest import BAD_COMPANY, CLEAN_COMPANY, County


def _item(user, scenario: str, *queries: Query) -> CheckItem:  # type: ignore[no-untyped-def]
    outcome = run_check(user, user.department, scenario, list(queries))
    return CheckItem.objects.get(check_run=outcome.check, position=1)


def test_the_checking_department_reports_what_it_applied(county: County, market_submitter) -> None:
    item = _item(market_submitter, "zfcg", Query(BAD_COMPANY))
    (row,) = give_feedback(market_submitter, item, [FeedbackIn("C01", True)])
    assert row.applied and row.measure_code == "C01"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, summary__startswith="核查反馈"
    ).exists()


def test_it_rejects_other_departments_feedback(
    county: County, market_submitter, tax_submitter
) -> None:
    item = _item(market_submitter, "zfcg", Query(BAD_COMPANY))
    with pytest.raises(PermissionDenied):
        give_feedback(tax_submitter, item, [FeedbackIn("C01", True)])
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).exists()
    assert not item.feedback.exists()


def test_an_operator_cannot_answer_for_the_department(
    county: County, market_submitter, operator
) -> None:
    item = _item(market_submitter, "zfcg", Query(BAD_COMPANY))
    with pytest.raises(PermissionDenied, match="只有核查部门"):
        give_feedback(operator, item, [FeedbackIn("C01", True)])


def test_not_applying_a_measure_needs_a_reason_and_feedback_is_given_once(
    county: County, market_submitter
) -> None:
    item = _item(market_submitter, "zfcg", Query(BAD_COMPANY))
    with pytest.raises(FeedbackError, match="须说明原因"):
        give_feedback(market_submitter, item, [FeedbackIn("C01", False)])
    with pytest.raises(FeedbackError, match="不是本次核查触发的措施"):
        give_feedback(market_submitter, item, [FeedbackIn("C02", True)])
    give_feedback(market_submitter, item, [FeedbackIn("C01", False, "采购已于核查前完成")])
    with pytest.raises(FeedbackError, match="重复"):
        give_feedback(market_submitter, item, [FeedbackIn("C01", True)])


def test_the_trigger_feedback_rate_counts_answered_triggered_checks(
    county: County, market_submitter
) -> None:
    first = _item(market_submitter, "zfcg", Query(BAD_COMPANY))
    _item(market_submitter, "ztb", Query(BAD_COMPANY))
    _item(market_submitter, "zfcg", Query(CLEAN_COMPANY))  # nothing triggered: not counted
    give_feedback(market_submitter, first, [FeedbackIn("C01", True)])
    today = dt.date.today()
    (row,) = feedback_rates(today - dt.timedelta(days=1), today)
    assert (row.department, row.triggered, row.answered, row.rate) == (
        market_submitter.department,
        2,
        1,
        0.5,
    )
    assert feedback_rates(today + dt.timedelta(days=1), today + dt.timedelta(days=2)) == []


def test_a_cleared_false_positive_is_not_flagged_again_for_that_department_only(
    county: County, market_submitter, tax_submitter
) -> None:
    name = "示範縣黑心食品有限公司"
    item = _item(market_submitter, "zfcg", Query(name=name))
    assert item.hit
    clear_false_positive(market_submitter, item, county.serious.pk, "经核实为同名不同主体")
    again = _item(market_submitter, "zfcg", Query(name=name))
    assert not again.hit
    other = _item(tax_submitter, "zfcg", Query(name=name))
    assert other.hit


def test_a_code_match_cannot_be_cleared_as_a_false_positive(
    county: County, market_submitter
) -> None:
    item = _item(market_submitter, "zfcg", Query(BAD_COMPANY))
    with pytest.raises(FeedbackError, match="按代码匹配"):
        clear_false_positive(market_submitter, item, county.serious.pk, "不是我们要找的")
