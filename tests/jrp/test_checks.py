"""Checks by code and by name, with measures, suspensions and explanations (R-JRP-2, R-JRP-4)."""

from __future__ import annotations

import pytest

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.core import ric
from xinyong.departments.permissions import PermissionDenied
from xinyong.jrp.checking import CheckError, Query, run_check
from xinyong.jrp.models import CheckItem
from xinyong.lists.models import EntryStatus, EventKind
from xinyong.lists.services import change_status

from .conftest import BAD_COMPANY, CLEAN_COMPANY, DEBTOR_ID, GOOD_COMPANY, County, person_id


def test_it_finds_a_serious_dishonesty_entry_by_code_with_the_measures_and_their_bases(
    county: County, market_submitter
) -> None:
    outcome = run_check(market_submitter, market_submitter.department, "zfcg", [Query(BAD_COMPANY)])
    (result,) = outcome.results
    assert result.hit and result.subject_id == county.bad.pk and result.matched_by == "code"
    assert [e.entry_id for e in result.entries] == [county.serious.pk]
    assert [m["code"] for m in result.measures] == ["C01"]
    assert "《中华人民共和国政府采购法》第二十二条、第七十七条" in result.measures[0]["basis"]
    assert result.measures[0]["triggered_by"] == [county.serious.pk]
    assert "严重失信主体名单" in result.explanation and "限制参加政府采购活动" in result.explanation


def test_it_gives_a_red_list_subject_its_incentives(county: County, market_submitter) -> None:
    outcome = run_check(
        market_submitter, None or market_submitter.department, "xzxk", [Query(GOOD_COMPANY)]
    )
    assert [m["code"] for m in outcome.results[0].measures] == ["J01", "J02"]
    assert all(m["kind"] == "激励" for m in outcome.results[0].measures)


def test_it_reports_a_subject_on_no_list_as_clear(county: County, market_submitter) -> None:
    (result,) = run_check(
        market_submitter, market_submitter.department, "zfcg", [Query(CLEAN_COMPANY)]
    ).results
    assert not result.hit and result.measures == [] and result.subject_id == county.clean.pk
    assert "未在任何有效名单中" in result.explanation


def test_it_logs_every_subject_of_a_batch_including_invalid_codes(
    county: County, market_submitter
) -> None:
    queries = [Query(BAD_COMPANY), Query("91330110MA0000B1X0"), Query(CLEAN_COMPANY), Query()]
    outcome = run_check(market_submitter, market_submitter.department, "ztb", queries)
    assert outcome.check.queries == 4 and outcome.check.hits == 1
    items = CheckItem.objects.filter(check_run=outcome.check).order_by("position")
    assert [i.hit for i in items] == [True, False, False, False]
    assert "不是有效的统一社会信用代码" in outcome.results[1].error
    assert outcome.results[3].error == "未提供代码或名称"
    assert items[0].measures == ["C02"]


def test_it_suspends_punishments_while_an_objection_is_handled(
    county: County, market_submitter, operator
) -> None:
    change_status(county.serious, EntryStatus.OBJECTION, EventKind.OBJECTION, "异议受理", operator)
    (result,) = run_check(
        market_submitter, market_submitter.department, "zfcg", [Query(BAD_COMPANY)]
    ).results
    assert result.hit and result.entries[0].suspended
    assert result.measures == []
    assert [m["code"] for m in result.suspended_measures] == ["C01"]
    assert "暂不执行" in result.explanation


def test_it_no_longer_flags_an_entry_that_was_repaired(
    county: County, market_submitter, operator
) -> None:
    change_status(county.serious, EntryStatus.REPAIRED, EventKind.REPAIR, "修复通过", operator)
    (result,) = run_check(
        market_submitter, market_submitter.department, "zfcg", [Query(BAD_COMPANY)]
    ).results
    assert not result.hit


def same_mask_other_id() -> str:
    """Another valid number that the published mask cannot tell from DEBTOR_ID."""
    for day in range(2, 29):
        other = person_id(f"330102198001{day:02d}123")
        if other != DEBTOR_ID and ric.mask(other) == ric.mask(DEBTOR_ID):
            return other
    raise AssertionError("no such number")


def test_it_matches_a_masked_court_listing_by_name_and_visible_digits(
    county: County, market_submitter
) -> None:
    results = run_check(
        market_submitter,
        market_submitter.department,
        "gwyly",
        [
            Query(DEBTOR_ID, "王某某"),
            Query(same_mask_other_id(), "王某某"),  # hidden digits differ: same published mask
            Query(person_id("33010319800101123"), "王某某"),  # a visible digit differs
            Query(DEBTOR_ID, "王某"),  # another name
            Query(DEBTOR_ID),  # no name: a masked number alone proves nothing
        ],
    ).results
    assert [r.hit for r in results] == [True, True, False, False, False]
    assert results[0].entries[0].matched_by == "masked_id"
    assert [m["code"] for m in results[0].measures] == ["C07"]
    assert results[0].query_code == "3301**********" + DEBTOR_ID[-4:]


def test_it_screens_names_with_traditional_characters_and_explains_the_features(
    county: County, market_submitter
) -> None:
    (result,) = run_check(
        market_submitter,
        market_submitter.department,
        "zfcg",
        [Query(name="示範縣黑心食品有限公司")],
    ).results
    assert result.hit and result.matched_by == "name"
    hit = result.entries[0]
    assert hit.entry_id == county.serious.pk and hit.matched_by == "name" and hit.score >= 0.7
    assert hit.features and all(f["description"] for f in hit.features)
    assert "名称相似度" in result.explanation


def test_it_refuses_an_unknown_scenario_and_an_empty_batch(
    county: County, market_submitter
) -> None:
    with pytest.raises(CheckError, match="业务场景“nope”未定义"):
        run_check(market_submitter, market_submitter.department, "nope", [Query(BAD_COMPANY)])
    with pytest.raises(CheckError, match="没有提交"):
        run_check(market_submitter, market_submitter.department, "zfcg", [])


def test_it_refuses_to_check_for_another_department(
    county: County, tax_submitter, market_dept
) -> None:
    with pytest.raises(PermissionDenied):
        run_check(tax_submitter, market_dept, "zfcg", [Query(BAD_COMPANY)])
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).exists()


def test_only_operators_check_in_the_name_of_the_credit_office(
    county: County, tax_submitter, operator
) -> None:
    with pytest.raises(PermissionDenied):
        run_check(tax_submitter, None, "zfcg", [Query(BAD_COMPANY)])
    outcome = run_check(operator, None, "zfcg", [Query(BAD_COMPANY)])
    assert outcome.check.department is None and outcome.results[0].hit


def test_it_audits_a_check_that_reveals_entries_the_public_may_not_see(
    county: County, market_submitter
) -> None:
    county.serious.public = False
    county.serious.save()
    outcome = run_check(market_submitter, market_submitter.department, "zfcg", [Query(BAD_COMPANY)])
    event = AuditEvent.objects.get(action=AuditAction.READ, object_id=str(outcome.check.pk))
    assert event.detail["entries"] == [county.serious.pk]
