"""联合奖惩核查接口 (R-JRP-2…5): embedded checks, feedback, false positives, notices.

Thin endpoints over ``jrp.checking`` and ``jrp.services``. A department's token checks for that
department; an operator checks as the credit office or names a department.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from pydantic import BaseModel, Field

from xinyong.api.errors import ApiError
from xinyong.core import uscc
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import ensure_can_act_for, scope_to_user
from xinyong.jrp import checking
from xinyong.jrp.measures import catalog
from xinyong.jrp.models import Check, CheckItem, Notice
from xinyong.jrp.services import (
    FeedbackError,
    FeedbackIn,
    clear_false_positive,
    feedback_rates,
    give_feedback,
)

router = Router(tags=["联合奖惩"])


# -- schemas -------------------------------------------------------------------------------


# Request bodies are plain pydantic models: ninja's Schema adds a validator per object for
# reading ORM instances, which a request body never is (it cost a tenth of a check).
class SubjectIn(BaseModel):
    """一个待核查主体：代码优先；无代码时按名称筛查。"""

    code: str = Field("", description="统一社会信用代码或身份证号码")
    name: str = Field("", description="名称或姓名；无代码时按名称相似度筛查")


class CheckIn(BaseModel):
    """核查请求。"""

    scenario: str = Field(description="业务场景代码，见 GET /scenarios")
    department: str | None = Field(
        None, description="核查部门的统一社会信用代码；部门用户可省略，信用办省略即以信用办名义"
    )
    subjects: list[SubjectIn] = Field(description="待核查主体，一次最多200000个")


class FeatureOut(Schema):
    """名称匹配的一个特征及其得分（解释）。"""

    feature: str
    description: str
    weight: float
    score: float
    detail: str


class EntryOut(Schema):
    """命中的名单条目。"""

    entry_id: int
    list_code: str
    list_name: str
    polarity: str = Field(description="red 守信激励 / black 失信惩戒")
    listed_name: str
    listed_code: str = Field(description="名单所列代码，身份证号码已脱敏")
    reason: str
    legal_basis: str
    authority: str = Field(description="认定机关")
    doc_no: str
    start_date: dt.date
    end_date: dt.date | None
    status: str
    suspended: bool = Field(description="异议处理中，暂不执行惩戒措施（R-JRP-4）")
    matched_by: str = Field(
        description="code 代码一致 / masked_id 姓名与脱敏证件号一致 / name 名称相似"
    )
    score: float
    features: list[FeatureOut]


class MeasureOut(Schema):
    """应采取（或暂停）的措施及其依据。"""

    code: str
    name: str
    kind: str = Field(description="惩戒 / 激励")
    group: str
    basis: list[str]
    implementers: list[str]
    triggered_by: list[int] = Field(description="触发该措施的名单条目")


class ResultOut(Schema):
    """一个主体的核查结果。"""

    position: int = Field(description="在请求中的序号，从1开始")
    query_code: str
    query_name: str
    valid: bool
    error: str
    subject_id: int | None
    subject_name: str
    matched_by: str
    hit: bool
    entries: list[EntryOut]
    measures: list[MeasureOut]
    suspended_measures: list[MeasureOut]
    explanation: str = Field(description="中文说明：如何匹配、命中哪些名单、应采取哪些措施及依据")


class CheckOut(Schema):
    """核查结果；check_id 用于反馈。"""

    check_id: int
    scenario: str
    scenario_name: str
    checked_on: dt.date
    queries: int
    hits: int
    results: list[ResultOut]


class FeedbackItemIn(Schema):
    measure: str = Field(description="措施代码")
    applied: bool = Field(description="是否已采取")
    reason: str = Field("", description="未采取的原因（未采取时必填）")


class FeedbackBody(Schema):
    feedback: list[FeedbackItemIn]


class ClearIn(Schema):
    entry_id: int = Field(description="判定为误报的名单条目")
    reason: str = Field(description="理由")


class OkOut(Schema):
    ok: bool
    message: str


class ScenarioOut(Schema):
    code: str
    name: str


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    created_at: dt.datetime
    read: bool
    link: str


class RateOut(Schema):
    department: str
    department_code: str
    triggered: int
    answered: int
    rate: float | None = Field(description="触发反馈率：已反馈的触发核查 ÷ 触发措施的核查")


# -- helpers ---------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _department(request: HttpRequest, code: str | None) -> Department | None:
    user = _user(request)
    if not code:
        return None if user.is_operator else user.department
    department = Department.objects.filter(code=uscc.compact(code)).first()
    if department is None:
        raise ApiError(422, "unknown_department", f"没有统一社会信用代码为“{code}”的部门")
    return department


def _item(request: HttpRequest, check_id: int, position: int) -> CheckItem:
    item = get_object_or_404(
        CheckItem.objects.select_related("check_run__department"),
        check_run_id=check_id,
        position=position,
    )
    return item


# -- endpoints -------------------------------------------------------------------------------


@router.get("/scenarios", response=list[ScenarioOut], summary="业务场景", auth=None)
def scenarios(request: HttpRequest) -> list[dict[str, str]]:
    """联合奖惩的业务场景（措施清单中定义）。"""
    return [{"code": k, "name": v} for k, v in catalog().scenarios.items()]


@router.post("/checks", response=CheckOut, summary="联合奖惩核查")
def check(request: HttpRequest, body: CheckIn) -> HttpResponse:
    """按代码（或名称）核查一个或一批主体，返回命中的名单、应采取的措施及依据，并记录本次核查。"""
    department = _department(request, body.department)
    queries = [checking.Query(code=s.code, name=s.name) for s in body.subjects]
    try:
        outcome = checking.run_check(
            _user(request), department, body.scenario, queries, via="api", request=request
        )
    except checking.CheckError as exc:
        raise ApiError(422, "check_refused", str(exc)) from None
    # Built by the service and serialised once: validating a 100,000-subject answer against
    # the schema again would cost more than the check (the schema still documents it).
    content = json.dumps(outcome.as_dict(), ensure_ascii=False, cls=DjangoJSONEncoder)
    return HttpResponse(content, content_type="application/json; charset=utf-8")


@router.post(
    "/checks/{check_id}/items/{position}/feedback", response=OkOut, summary="反馈措施采取情况"
)
def feedback(request: HttpRequest, check_id: int, position: int, body: FeedbackBody) -> Any:
    """核查部门反馈对触发措施的采取情况（已采取 / 未采取及原因）。"""
    item = _item(request, check_id, position)
    try:
        rows = give_feedback(
            _user(request),
            item,
            [FeedbackIn(f.measure, f.applied, f.reason) for f in body.feedback],
            request=request,
        )
    except FeedbackError as exc:
        raise ApiError(422, "feedback_refused", str(exc)) from None
    return {"ok": True, "message": f"已记录{len(rows)}项措施的反馈"}


@router.post("/checks/{check_id}/items/{position}/clear", response=OkOut, summary="排除误报")
def clear(request: HttpRequest, check_id: int, position: int, body: ClearIn) -> Any:
    """把按名称匹配的结果判定为误报：本部门再以同一名称核查时不再提示该条目。"""
    item = _item(request, check_id, position)
    try:
        clear_false_positive(_user(request), item, body.entry_id, body.reason, request=request)
    except FeedbackError as exc:
        raise ApiError(422, "clearance_refused", str(exc)) from None
    return {"ok": True, "message": "已排除误报，今后不再提示"}


@router.get("/notices", response=list[NoticeOut], summary="站内消息")
def notices(request: HttpRequest, unread: bool = False) -> list[dict[str, Any]]:
    """本部门的消息：核查过的主体列入、移出名单或信用修复等（R-LST-3）。"""
    rows = scope_to_user(_user(request), Notice.objects.all())
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "created_at": n.created_at,
            "read": n.read_at is not None,
            "link": n.link,
        }
        for n in rows[:200]
    ]


@router.post("/notices/{notice_id}/read", response=OkOut, summary="标记已读")
def read_notice(request: HttpRequest, notice_id: int) -> Any:
    notice = get_object_or_404(Notice, pk=notice_id)
    ensure_can_act_for(_user(request), notice.department, what="处理站内消息", request=request)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return {"ok": True, "message": "已标记为已读"}


@router.get("/feedback-rates", response=list[RateOut], summary="触发反馈率")
def rates(request: HttpRequest, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """各部门的触发反馈率（R-JRP-3）；部门用户只看到本部门。"""
    user = _user(request)
    rows = feedback_rates(start, end)
    if not user.is_operator:
        rows = [r for r in rows if r.department.pk == user.department_id]
    return [
        {
            "department": r.department.name,
            "department_code": r.department.code,
            "triggered": r.triggered,
            "answered": r.answered,
            "rate": r.rate,
        }
        for r in rows
    ]


__all__ = ["Check", "router"]
