"""信用修复接口 (R-REP-1…3): the responsible departments list and decide repair applications,
and anyone with access to a record reads its tier, window and repair path.

Thin endpoints over ``xinyong.repair.services``: a department's token sees and decides only the
applications it is responsible for (others: ``403 {"code": "forbidden", …}``, audited); an
operator sees all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from xinyong.api.errors import ApiError
from xinyong.audit.models import AuditAction
from xinyong.audit.services import record_request
from xinyong.departments.permissions import ensure_can_act_for
from xinyong.keys import MAX_KEY
from xinyong.records.models import CreditRecord
from xinyong.repair import services
from xinyong.repair.eligibility import RepairInfo
from xinyong.repair.models import RepairApplication, RepairStatus

router = Router(tags=["信用修复"])

MAX_PAGE_SIZE = 200


class RepairInfoOut(Schema):
    """一条信息的失信等级、公示期与信用修复条件。"""

    kind: Literal["record", "entry"] = Field(description="record 信用记录；entry 名单条目")
    id: int = Field(description="记录或名单条目编号")
    status: str = Field(description="状态代码")
    status_display: str = Field(description="状态（中文）")
    decision_date: dt.date = Field(description="决定日期（名单条目为列入日期）")
    tier: str = Field(description="失信等级：轻微、一般、严重；不分等级的信息为空")
    tier_source: str = Field(
        description="等级来源：given 认定单位填报，derived 按公布的规则推定，list 名单规定"
    )
    tier_reason: str = Field(description="等级的说明")
    rule_id: str = Field(description="决定日期适用的规则版本标识")
    rule_name: str = Field(description="规则名称，如“国家发展改革委令第36号”")
    rule_effective_from: dt.date | None = Field(description="该规则施行日期")
    published: bool = Field(description="是否公示")
    publicity_start: dt.date | None = Field(description="公示起始日期")
    shortest_end: dt.date | None = Field(description="最短公示期满日期（此日起可申请修复）")
    longest_end: dt.date | None = Field(description="最长公示期满日期（此日起停止公示）")
    last_day_shown: dt.date | None = Field(description="最后公示日")
    window_explanation: str = Field(description="公示期限的说明")
    repairable: bool = Field(description="是否适用信用修复")
    earliest_date: dt.date | None = Field(description="最早可申请信用修复的日期")
    conditions: list[str] = Field(description="修复条件（一次性告知）")
    commitment_required: bool = Field(description="是否须签署信用修复承诺书")
    training_required: bool = Field(description="是否须参加信用修复专题培训")
    eligible: bool = Field(description="今天是否可以申请")
    reason: str = Field(description="可否申请的说明")


class StepOut(Schema):
    """办理环节。"""

    at: dt.datetime = Field(description="时间")
    status: str = Field(description="该环节后的状态")
    title: str = Field(description="环节")
    note: str = Field(description="说明")
    actor_name: str = Field(description="办理人")


class ApplicationOut(Schema):
    """一件信用修复申请。"""

    id: int = Field(description="申请编号")
    tracking_no: str = Field(description="受理编号")
    status: Literal["submitted", "reviewing", "approved", "refused"] = Field(
        description="submitted 已提交待受理；reviewing 审核中；approved 已修复；refused 不予修复"
    )
    status_display: str = Field(description="状态（中文）")
    subject_name: str = Field(description="申请主体")
    subject_code: str = Field(description="主体代码（身份证号码已脱敏）")
    target: str = Field(description="申请修复的信息")
    record_id: int | None = Field(description="信用记录编号")
    entry_id: int | None = Field(description="名单条目编号")
    department: str | None = Field(description="负责审核的部门；为空时由信用办审核")
    tier: str = Field(description="失信等级")
    condition_rule: str = Field(description="适用的修复条件规则版本")
    earliest_date: dt.date = Field(description="最早可申请日期")
    submitted_at: dt.datetime = Field(description="提交时间")
    accept_due: dt.date = Field(description="受理期限（工作日计算）")
    review_due: dt.date = Field(description="办结期限（工作日计算）")
    deadline: str | None = Field(description="当前期限及剩余工作日（办结后为空）")
    workdays_left: int | None = Field(description="当前期限剩余工作日；负数为已超期")
    decision_reason: str = Field(description="审核意见或不予修复理由")
    decided_at: dt.datetime | None = Field(description="办结时间")
    steps: list[StepOut] = Field(description="办理环节")


class ReviewIn(Schema):
    """受理。"""

    note: str = Field(default="", description="受理说明（可选）", max_length=2000)


class DecisionIn(Schema):
    """审核决定。"""

    decision: Literal["approve", "refuse"] = Field(description="approve 准予修复；refuse 不予修复")
    reason: str = Field(
        default="",
        description="审核意见；不予修复时必填（申请人可见）",
        max_length=4000,
        examples=["罚款已缴清，已作出信用承诺，符合修复条件"],
    )


def _out(application: RepairApplication) -> ApplicationOut:
    deadline = services.deadline(application)
    return ApplicationOut(
        id=application.pk,
        tracking_no=application.tracking_no,
        status=application.status,  # type: ignore[arg-type]
        status_display=application.get_status_display(),
        subject_name=application.subject.name,
        subject_code=application.subject.public_code,
        target=application.target_label,
        record_id=application.record_id,
        entry_id=application.entry_id,
        department=application.department.name if application.department else None,
        tier=application.tier,
        condition_rule=application.condition_rule,
        earliest_date=application.earliest_date,
        submitted_at=application.submitted_at,
        accept_due=application.accept_due,
        review_due=application.review_due,
        deadline=deadline.text if deadline else None,
        workdays_left=deadline.left if deadline else None,
        decision_reason=application.decision_reason,
        decided_at=application.decided_at,
        steps=[StepOut.from_orm(step) for step in application.steps.all()],
    )


def _act(
    request: HttpRequest,
    application_id: int,
    step: Callable[[RepairApplication], RepairApplication],
) -> ApplicationOut:
    """Take a step on an application the user handles; a step the service refuses is 409."""
    application = services.get_for_user(request.user, application_id, request=request)
    try:
        application = step(application)
    except services.RepairError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return _out(application)


def _info(info: RepairInfo) -> RepairInfoOut:
    return RepairInfoOut(**{key: getattr(info, key) for key in RepairInfoOut.model_fields})


@router.get(
    "/repair/applications",
    response=list[ApplicationOut],
    summary="列出信用修复申请",
    description="部门用户只列出本部门负责审核的申请，信用办管理员列出全部。"
    "status 为 open（默认，待办）、submitted、reviewing、approved、refused 或 all。",
)
def list_applications(
    request: HttpRequest, status: str = "open", limit: int = 50, offset: int = 0
) -> list[ApplicationOut]:
    applications = services.applications_for(request.user)
    if status == "open":
        applications = applications.filter(
            status__in=[RepairStatus.SUBMITTED, RepairStatus.REVIEWING]
        )
    elif status in RepairStatus.values:
        applications = applications.filter(status=status)
    elif status != "all":
        raise ApiError(
            422,
            "invalid",
            f"状态“{status}”未知（可选：open、all、{'、'.join(RepairStatus.values)}）",
        )
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = min(max(offset, 0), MAX_KEY)
    rows = list(applications.order_by("review_due", "pk")[offset : offset + limit])
    record_request(
        request,
        AuditAction.READ,
        f"接口列出信用修复申请{len(rows)}件",
        object_type="repair.repairapplication",
        detail={"ids": [a.pk for a in rows]},
    )
    return [_out(application) for application in rows]


@router.get(
    "/repair/applications/{application_id}",
    response=ApplicationOut,
    summary="查看一件信用修复申请",
    description="负责审核的部门或信用办管理员可查看；其他部门返回 403。",
)
def get_application(request: HttpRequest, application_id: int) -> ApplicationOut:
    return _out(services.get_for_user(request.user, application_id, request=request))


@router.post(
    "/repair/applications/{application_id}/review",
    response=ApplicationOut,
    summary="受理信用修复申请",
    description="已提交的申请进入审核；已受理或已办结的返回 409。",
)
def review(request: HttpRequest, application_id: int, payload: ReviewIn) -> ApplicationOut:
    return _act(
        request,
        application_id,
        lambda application: services.start_review(
            request.user, application, payload.note, request=request
        ),
    )


@router.post(
    "/repair/applications/{application_id}/decision",
    response=ApplicationOut,
    summary="作出信用修复决定",
    description="准予修复：信息立即停止公示，相关名单条目移出（惩戒措施停止），"
    "并通知近期核查过该主体的部门。不予修复须说明理由（否则 422）。已办结的申请返回 409。",
)
def decide(request: HttpRequest, application_id: int, payload: DecisionIn) -> ApplicationOut:
    def step(application: RepairApplication) -> RepairApplication:
        if payload.decision == "refuse" and not payload.reason.strip():
            raise ApiError(422, "invalid", "不予修复须说明理由")
        if payload.decision == "approve":
            return services.approve(request.user, application, payload.reason, request=request)
        return services.refuse(request.user, application, payload.reason, request=request)

    return _act(request, application_id, step)


@router.get(
    "/repair/records/{record_id}",
    response=RepairInfoOut,
    summary="查看信用记录的失信等级、公示期与修复条件",
    description="与门户和 xinyong record show 相同的计算。部门用户只能查看本部门的记录。",
)
def record_info(request: HttpRequest, record_id: int) -> RepairInfoOut:
    record = get_object_or_404(CreditRecord.objects.select_related("department"), pk=record_id)
    ensure_can_act_for(request.user, record.department, what="查看信用修复条件", request=request)
    return _info(services.target_info(record=record))
