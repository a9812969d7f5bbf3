"""Helpers of the recruit tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.recruit.conftest import CLEAR_ID, LISTED_ID, MASKED_ID, RED_ID

from xinyong.recruit.models import RecruitRequest
from xinyong.recruit.services import PersonInput, file_request

PERSONS = [
    PersonInput("张三", LISTED_ID),
    PersonInput("李四", MASKED_ID),
    PersonInput("王五", RED_ID),
    PersonInput("赵六", CLEAR_ID),
]


def file(user: Any, persons: list[PersonInput] | None = None, **kwargs: Any) -> RecruitRequest:
    kwargs.setdefault("received_on", dt.date(2026, 9, 30))
    return file_request(
        user,
        doc_no=kwargs.pop("doc_no", "示市监函〔2026〕8号"),
        title="关于查询拟录用人员社会信用记录的函",
        purpose="hire",
        persons=PERSONS if persons is None else persons,
        **kwargs,
    )


def review_all_and_release(
    req: RecruitRequest, first: Any, second: Any, day: dt.date = dt.date(2026, 9, 30)
) -> None:
    """Both reviews confirm every hit, then the answer is released."""
    from xinyong.recruit.services import release, review

    for person in req.persons.filter(hit=True):
        review(first, person, "confirm")
        review(second, person, "confirm")
    release(first, req, day=day)
