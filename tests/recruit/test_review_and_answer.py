"""Matching, the double review and what the requesting unit is told."""

from __future__ import annotations

import pytest
from tests.recruit.conftest import CLEAR_ID, LISTED_ID, MASKED_ID
from tests.recruit.helpers import file, review_all_and_release

from xinyong.departments.permissions import PermissionDenied
from xinyong.recruit import services
from xinyong.recruit.models import RecruitPerson, RequestStatus, Result
from xinyong.subjects.identity import pii_box


def _person(req, name: str) -> RecruitPerson:  # type: ignore[no-untyped-def]
    return RecruitPerson.objects.get(request=req, name=name)


def test_persons_are_matched_by_id_hash_and_masked_national_entries_but_not_red_lists(
    market_submitter, entries
) -> None:
    req = file(market_submitter)
    assert list(_person(req, "张三").hits.all()) == [entries["serious"]]
    assert list(_person(req, "李四").hits.all()) == [entries["masked"]]
    assert not _person(req, "王五").hit  # only on the red list
    assert not _person(req, "赵六").hit
    assert _person(req, "张三").result == Result.PENDING
    assert _person(req, "赵六").result == Result.CLEAR


def test_a_masked_entry_with_another_name_or_a_disagreeing_digit_is_not_a_hit(
    market_submitter, entries
) -> None:
    req = file(
        market_submitter,
        persons=[
            services.PersonInput("李肆", MASKED_ID),
            # Same name, same visible prefix, but the last four digits disagree.
            services.PersonInput("李四", CLEAR_ID),
        ],
    )
    assert not _person(req, "李肆").hit
    assert not _person(req, "李四").hit


def test_the_id_number_is_stored_only_encrypted_and_hashed(market_submitter, entries) -> None:
    req = file(market_submitter)
    person = _person(req, "张三")
    assert LISTED_ID not in person.id_cipher
    assert person.id_hash == pii_box().lookup_hash(LISTED_ID)
    assert pii_box().decrypt(person.id_cipher) == LISTED_ID
    assert person.id_masked == "3301**********0012"


def test_the_same_operator_cannot_review_a_hit_twice(
    market_submitter, operator, operator2, entries
) -> None:
    req = file(market_submitter)
    person = _person(req, "张三")
    services.review(operator, person, "confirm")
    with pytest.raises(services.RecruitError, match="初审人不能复核"):
        services.review(operator, person, "confirm")
    services.review(operator2, person, "confirm")
    with pytest.raises(services.RecruitError, match="已完成初审和复核"):
        services.review(operator2, person, "confirm")
    with pytest.raises(services.RecruitError, match="无需审核"):
        services.review(operator, _person(req, "赵六"), "confirm")


def test_the_answer_is_not_visible_before_the_second_review(
    market_submitter, operator, operator2, entries
) -> None:
    req = file(market_submitter)
    zhang, li = _person(req, "张三"), _person(req, "李四")
    services.review(operator, zhang, "confirm")
    services.review(operator, li, "confirm")
    with pytest.raises(services.RecruitError, match="尚未完成初审和复核：张三、李四"):
        services.release(operator, req)
    assert services.answer(market_submitter, req) == []
    services.review(operator2, zhang, "confirm")
    services.review(operator2, li, "exclude", "身份证号码与名单所列为不同人")
    services.release(operator2, req)
    req.refresh_from_db()
    assert req.status == RequestStatus.ANSWERED
    got = {a.name: a.result_label for a in services.answer(market_submitter, req)}
    assert got == {
        "张三": "有失信记录",
        "李四": "无失信记录",
        "王五": "无失信记录",
        "赵六": "无失信记录",
    }


def test_only_operators_review_and_release(market_submitter, entries) -> None:
    req = file(market_submitter)
    with pytest.raises(PermissionDenied, match="只有信用办管理员"):
        services.review(market_submitter, _person(req, "张三"), "exclude")
    with pytest.raises(PermissionDenied):
        services.release(market_submitter, req)
    with pytest.raises(PermissionDenied):
        services.hit_details(market_submitter, _person(req, "张三"))


def test_the_unit_is_told_only_whether_each_person_is_listed(
    client, market_submitter, operator, operator2, entries
) -> None:
    req = file(market_submitter)
    review_all_and_release(req, operator, operator2)
    answers = services.answer(market_submitter, req)
    assert {a.result for a in answers} == {Result.LISTED, Result.CLEAR}
    assert set(vars(answers[0])) == {
        "position",
        "name",
        "id_masked",
        "result",
        "result_label",
        "objection_until",
    }
    client.force_login(market_submitter)
    page = client.get(f"/office/recruit/{req.pk}/").content.decode()
    assert "有失信记录" in page and "无失信记录" in page
    for secret in ("秘密事由", "示范县人民法院", "(2026)浙0101执99号", "严重失信", "失信被执行人"):
        assert secret not in page
    assert LISTED_ID not in page
    # The operator's page shows the entries found.
    client.force_login(operator)
    staff_page = client.get(f"/office/recruit/{req.pk}/").content.decode()
    assert "秘密事由" in staff_page and "(2026)浙0101执99号" in staff_page
