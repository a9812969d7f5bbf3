"""录用人选信用查询接口 (R-GOV-7), mounted under /api/v1/.

A requesting unit files a request and reads its own requests; the answer says, per person, only
whether the person is on a dishonesty list, and only once the credit office has released it.
Another unit's request is ``403 {"code": "forbidden", "message": 中文原因}`` (audited). The review
itself is done by the credit office on the office pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from xinyong.api.errors import ApiError
from xinyong.recruit import services
from xinyong.recruit.models import RecruitRequest, RequestStatus

router = Router(tags=["录用人选信用查询"])


class PersonIn(Schema):
    """一名查询人选。"""

    name: str = Field(min_length=1, max_length=100, description="姓名")
    id_number: str = Field(min_length=15, max_length=18, description="居民身份证号码（18位或15位）")


class RequestIn(Schema):
    """一份正式查询函。"""

    doc_no: str = Field(min_length=1, max_length=100, description="查询函文号")
    title: str = Field(min_length=1, max_length=200, description="查询函标题")
    purpose: Literal["hire", "transfer", "institution"] = Field(
        description="查询事由：hire 公务员录用、transfer 公务员调任、institution 事业单位招聘"
    )
    persons: list[PersonIn] = Field(
        min_length=1, max_length=services.MAX_PERSONS, description="查询人选"
    )


class AnswerOut(Schema):
    """一名人选的答复：只说明是否在失信名单内。"""

    position: int = Field(description="序号")
    name: str = Field(description="姓名")
    id_masked: str = Field(description="身份证号码（脱敏）")
    result: str = Field(description="clear 无失信记录、listed 有失信记录")
    result_display: str = Field(description="查询结果")
    objection_until: dt.date | None = Field(
        description="有失信记录时，本人提出异议的期限（含当日）"
    )


class RequestOut(Schema):
    """一份查询及其状态；已答复时附答复。"""

    id: int = Field(description="编号")
    number: str = Field(description="查询编号")
    department: str = Field(description="查询单位")
    doc_no: str = Field(description="查询函文号")
    title: str = Field(description="查询函标题")
    purpose: str = Field(description="查询事由代码")
    purpose_display: str = Field(description="查询事由")
    received_on: dt.date = Field(description="收件日期")
    due_on: dt.date | None = Field(description="答复期限（按工作日计算）")
    countdown: str = Field(
        description="期限提示：剩余N个工作日 / 今日到期 / 已超期N个工作日；已答复为空"
    )
    status: str = Field(description="pending 办理中、answered 已答复")
    status_display: str = Field(description="状态名称")
    answered_on: dt.date | None = Field(description="答复日期")
    persons: int = Field(description="人选数")
    answer: list[AnswerOut] = Field(description="答复（答复前为空）")


def _out(req: RecruitRequest, answer: list[services.PersonAnswer]) -> dict[str, object]:
    pending = req.status == RequestStatus.PENDING
    return {
        "id": req.pk,
        "number": req.number,
        "department": req.department.name,
        "doc_no": req.doc_no,
        "title": req.title,
        "purpose": req.purpose,
        "purpose_display": req.get_purpose_display(),
        "received_on": req.received_on,
        "due_on": req.due_on,
        "countdown": services.countdown(req.due_on, timezone.localdate()) if pending else "",
        "status": req.status,
        "status_display": req.get_status_display(),
        "answered_on": req.answered_on,
        "persons": req.persons.count(),
        "answer": [
            {
                "position": a.position,
                "name": a.name,
                "id_masked": a.id_masked,
                "result": a.result,
                "result_display": a.result_label,
                "objection_until": a.objection_until,
            }
            for a in answer
        ],
    }


@router.post(
    "/recruit/requests",
    response={201: RequestOut},
    summary="提交录用人选信用查询",
    description="用人单位（部门令牌）提交正式查询函及人选；信用办在收件后3个工作日内答复。"
    "身份证号码无效或重复时整份不提交（422，说明第几人）。",
)
def file_request(request: HttpRequest, payload: RequestIn) -> Status:
    try:
        req = services.file_request(
            request.user,
            doc_no=payload.doc_no,
            title=payload.title,
            purpose=payload.purpose,
            persons=[services.PersonInput(p.name, p.id_number) for p in payload.persons],
            request=request,
        )
    except services.RecruitError as exc:
        raise ApiError(422, "invalid", str(exc)) from None
    return Status(201, _out(req, []))


@router.get(
    "/recruit/requests",
    response=list[RequestOut],
    summary="本单位的录用人选信用查询",
    description="部门令牌：本单位的查询（不含答复，逐件查看时提供）；信用办管理员：全部。",
)
def list_requests(
    request: HttpRequest, status: Literal["all", "pending", "answered"] = "all"
) -> list[dict[str, object]]:
    qs = services.visible_requests(request.user)
    if status != "all":
        qs = qs.filter(status=status)
    return [_out(r, []) for r in qs[:500]]


@router.get(
    "/recruit/requests/{request_id}",
    response=RequestOut,
    summary="一件录用人选信用查询及答复",
    description="答复只说明每名人选是否在失信名单内；信用办答复前 answer 为空。"
    "每次查阅记入审计日志。",
)
def get_request(request: HttpRequest, request_id: int) -> dict[str, object]:
    req = get_object_or_404(RecruitRequest.objects.select_related("department"), pk=request_id)
    services.open_request(request.user, req, request=request)
    return _out(req, services.answer(request.user, req, request=request))
