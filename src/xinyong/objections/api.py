"""异议核查接口 (R-OBJ-1): departments list the objections routed to them and answer them.

Thin endpoints over ``xinyong.objections.services``. A department's token sees and answers its
own department's objections only; another department's objection is
``403 {"code": "forbidden", "message": 中文原因}`` (and the refusal is in the audit log).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from xinyong.api.errors import ApiError
from xinyong.audit.models import AuditAction
from xinyong.audit.services import record_request
from xinyong.objections import services
from xinyong.objections.models import Objection, Status

router = Router(tags=["异议处理"])


class StepOut(Schema):
    """办理过程中的一步。"""

    kind: str = Field(description="步骤代码：file、accept、refuse、suspend、answer、apply、close …")
    kind_display: str = Field(description="步骤名称")
    actor: str = Field(description="办理人")
    at: dt.datetime = Field(description="时间")
    note: str = Field(description="说明")
    due_date: dt.date | None = Field(description="此步开始的下一步期限")
    visible_to_objector: bool = Field(description="异议人是否可见")


class ObjectionOut(Schema):
    """一件异议。"""

    id: int = Field(description="编号")
    number: str = Field(description="受理编号")
    status: str = Field(description="状态：submitted、verifying、answered、closed、refused")
    status_display: str = Field(description="状态名称")
    target: str = Field(description="异议对象（信用记录或名单条目）")
    record_id: int | None = Field(description="异议的信用记录编号")
    entry_id: int | None = Field(description="异议的名单条目编号")
    subject_name: str = Field(description="信用主体名称")
    department: str = Field(description="核查单位；信用办自行核查的为“信用办”")
    reasons: str = Field(description="异议理由")
    requested: str = Field(description="异议人请求更正的内容")
    filed_on: dt.date = Field(description="提交日期")
    due_date: dt.date | None = Field(description="当前步骤期限（按工作日计算）")
    countdown: str = Field(description="期限提示：剩余N个工作日 / 今日到期 / 已超期N个工作日")
    overdue: bool = Field(description="是否已超期")
    outcome: str = Field(
        description="处理结果：corrected 更正、revoked 撤销、upheld 维持；未答复为空"
    )
    outcome_reason: str = Field(description="结果理由")


class ObjectionDetailOut(ObjectionOut):
    steps: list[StepOut] = Field(description="办理过程")


class AnswerIn(Schema):
    """核查答复。选择 corrected 时在 corrections 中给出更正后的字段值。"""

    outcome: Literal["corrected", "revoked", "upheld"] = Field(
        description="corrected 更正、revoked 撤销、upheld 维持"
    )
    reason: str = Field(min_length=1, max_length=2000, description="理由")
    corrections: dict[str, str | None] = Field(
        default_factory=dict,
        description="更正后的字段值，键为目录字段的键或中文名称（如 处罚内容）；决定文书号不能更正",
        examples=[{"处罚内容": "罚款人民币三千元", "罚款金额（万元）": "0.3"}],
    )


def _out(objection: Objection, today: dt.date) -> dict[str, object]:
    return {
        "id": objection.pk,
        "number": objection.number,
        "status": objection.status,
        "status_display": objection.get_status_display(),
        "target": objection.target_label,
        "record_id": objection.record_id,
        "entry_id": objection.entry_id,
        "subject_name": objection.subject.name if objection.subject else "",
        "department": objection.handler_name,
        "reasons": objection.reasons,
        "requested": objection.requested,
        "filed_on": objection.filed_on,
        "due_date": objection.due_date,
        "countdown": services.countdown(objection.due_date, today) if objection.is_open else "",
        "overdue": services.is_overdue(objection, today),
        "outcome": objection.outcome,
        "outcome_reason": objection.outcome_reason,
    }


def _detail(objection: Objection, today: dt.date) -> dict[str, object]:
    return {
        **_out(objection, today),
        "steps": [
            {
                "kind": s.kind,
                "kind_display": s.get_kind_display(),
                "actor": s.actor_name,
                "at": s.at,
                "note": s.note,
                "due_date": s.due_date,
                "visible_to_objector": s.visible_to_objector,
            }
            for s in objection.steps.order_by("at", "id")
        ],
    }


@router.get(
    "/objections",
    response=list[ObjectionOut],
    summary="本部门的异议",
    description="部门令牌：转交本部门核查的异议（受理后）；信用办管理员：全部。默认只列办理中的。",
)
def list_objections(
    request: HttpRequest, status: Literal["open", "all", "verifying", "answered", "closed"] = "open"
) -> list[dict[str, object]]:
    qs = services.queue_for(request.user)
    if status == "open":
        qs = qs.open()
    elif status != "all":
        qs = qs.filter(status=status)
    today = timezone.localdate()
    return [_out(o, today) for o in qs.order_by("due_date", "-filed_at")[:500]]


@router.get("/objections/{objection_id}", response=ObjectionDetailOut, summary="一件异议")
def get_objection(request: HttpRequest, objection_id: int) -> dict[str, object]:
    objection = get_object_or_404(Objection, pk=objection_id)
    services.ensure_can_view(request.user, objection, request)
    record_request(request, AuditAction.READ, f"{objection}：接口查看异议", obj=objection)
    return _detail(objection, timezone.localdate())


@router.post(
    "/objections/{objection_id}/answer",
    response=ObjectionDetailOut,
    summary="核查答复",
    description="信息提供单位在核查期限内答复：更正（按更正后的值生成记录的新版本，经归集流程校验）、"
    "撤销（记录从公示网站撤下）或维持，均须说明理由。",
)
def answer_objection(
    request: HttpRequest, objection_id: int, payload: AnswerIn
) -> dict[str, object]:
    objection = get_object_or_404(Objection, pk=objection_id)
    if objection.status == Status.SUBMITTED:
        services.ensure_can_view(request.user, objection, request)
    try:
        objection = services.answer(
            request.user,
            objection,
            payload.outcome,
            payload.reason,
            corrections=payload.corrections,
            request=request,
        )
    except services.ObjectionError as exc:
        raise ApiError(409 if "当前为" in str(exc) else 422, "refused", str(exc)) from None
    return _detail(objection, timezone.localdate())
