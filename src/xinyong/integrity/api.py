"""API routes of the integrity app, mounted under /api/v1/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from pydantic import Field

from xinyong.api.errors import ApiError
from xinyong.audit.models import AuditAction
from xinyong.audit.services import record_request
from xinyong.integrity import reports
from xinyong.integrity.models import BodyLevel, GovBody
from xinyong.integrity.services import IntegrityError, parse_month

router = Router(tags=["integrity"])


# -- monthly evaluations and rankings (R-GOV-3) ------------------------------------------------


class RankingRowOut(Schema):
    """排名中的一个单位（不含计分事件）。"""

    rank: int
    code: str = Field(description="统一社会信用代码")
    name: str
    score: str
    grade: str
    grade_name: str


class RankingOut(Schema):
    """某月某层级已发布的政务诚信评价排名。"""

    month: str
    level: str = Field(description="county_dept 县直部门 / township 乡镇街道 / other 其他单位")
    level_name: str
    published_at: dt.datetime
    count: int
    rows: list[RankingRowOut]


class EvaluationOut(Schema):
    """某单位某月的评价报告数据：得分、等级、排名、变化、各维度各事项的计分事件及来源。"""

    body: dict[str, Any]
    month: str
    model_version: str
    model_title: str
    score: str
    grade: str
    grade_name: str
    rank: int
    of: int = Field(description="同层级评价对象数")
    rank_text: str
    delta: str | None = Field(description="较上月变化，上月未评价为空")
    delta_text: str
    dimensions: list[dict[str, Any]]
    history: list[dict[str, Any]] = Field(description="最近12个评价月的得分趋势")
    grades: list[dict[str, Any]]
    computed_at: str


def _api_month(text: str) -> dt.date:
    try:
        return parse_month(text)
    except IntegrityError as exc:
        raise ApiError(422, "invalid", str(exc)) from None


@router.get(
    "/integrity/rankings/{month}/{level}",
    response=RankingOut,
    summary="已发布的政务诚信评价排名",
    auth=None,
)
def published_ranking(request: HttpRequest, month: str, level: str) -> dict[str, Any]:
    """信用办发布（且未撤回）的某月某层级排名；未发布的返回404。"""
    day = _api_month(month)
    if level not in BodyLevel.values:
        raise Http404(f"层级“{level}”不存在")
    publication = reports.live_publication(day, level)
    if publication is None:
        raise Http404(f"{month}的该层级排名未发布")
    ranking = reports.level_ranking(day, level)
    return {**ranking, "published_at": publication.published_at}


@router.get(
    "/integrity/bodies/{code}/evaluations/{month}",
    response=EvaluationOut,
    summary="某单位某月的政务诚信评价",
)
def body_evaluation(request: HttpRequest, code: str, month: str) -> dict[str, Any]:
    """信用办可查看所有单位；部门令牌只能查看本部门对应的评价对象。查阅记入审计日志。"""
    day = _api_month(month)
    body = (
        GovBody.objects.select_related("subject", "department")
        .filter(subject__uscc=code.strip().upper())
        .first()
    )
    if body is None:
        raise Http404(f"统一社会信用代码“{code}”不是政务诚信评价对象")
    reports.ensure_can_read_report(request.user, body, request=request)
    try:
        data = reports.body_report(body, day)
    except IntegrityError as exc:
        raise Http404(str(exc)) from None
    record_request(
        request,
        AuditAction.READ,
        f"接口查阅{body.name}{data['month_label']}政务诚信评价",
        obj=body,
        detail={"month": data["month"]},
    )
    return data
