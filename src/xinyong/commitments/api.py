"""信用承诺接口 (R-COM-1…3), mounted under /api/v1/.

A department's system records the commitments signed at its counters, lists its own and
reports verifications (核查) and supplied materials; a department token acts for that
department only (another department's commitment: ``403 {"code": "forbidden", …}``, audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xinyong.api.errors import ApiError
from xinyong.commitments import rules, services
from xinyong.commitments.models import Channel, Commitment
from xinyong.departments.models import Department, User

router = Router(tags=["信用承诺"])

MAX_PAGE_SIZE = 200
KindCode = Literal["zmsx", "sqxk", "rqsl", "zdx", "hyzl", "xyxf"]


class SubjectIn(Schema):
    """承诺主体。"""

    name: str = Field(description="名称（自然人为姓名）", max_length=200)
    kind: Literal["法人及非法人组织", "个体工商户", "自然人"] = Field(
        default="法人及非法人组织", description="主体类别"
    )
    code: str = Field(
        default="", description="统一社会信用代码（法人、个体工商户必填）", max_length=18
    )
    id_number: str = Field(
        default="", description="居民身份证号码（自然人必填；平台只保存加密形式）", max_length=18
    )


class CommitmentIn(Schema):
    """登记一份在本部门窗口签署的信用承诺。"""

    department: str | None = Field(
        default=None,
        description="受理部门的统一社会信用代码；部门用户可省略（即本部门），信用办管理员必填",
    )
    kind: KindCode = Field(
        description="承诺类型：zmsx 证明事项告知承诺、sqxk 涉企经营许可事项告知承诺、"
        "rqsl 容缺受理承诺、"
        "zdx 主动型承诺、hyzl 行业自律承诺、xyxf 信用修复承诺"
    )
    subject: SubjectIn
    matter: str = Field(description="承诺事项，如申请的许可名称", max_length=200)
    signer: str = Field(description="签署人姓名", max_length=50)
    signed_at: dt.datetime | None = Field(default=None, description="签署时间，默认当前时间")
    licence_doc_no: str = Field(
        default="",
        description="关联的行政许可决定文书号（已作出决定时填写，用于覆盖率）",
        max_length=200,
    )


class VerificationIn(Schema):
    """核查结果。不实时承诺即认定为虚假承诺，并形成失信记录。"""

    result: Literal["true", "untrue"] = Field(description="true 属实、untrue 不实")
    note: str = Field(
        default="", description="核查情况；不实时必填，作为失信事实公示", max_length=2000
    )
    tier: Literal["轻微", "一般", "严重"] | None = Field(
        default=None, description="失信等级；默认按承诺规则，与规则不同时须填写 tier_reason"
    )
    tier_reason: str = Field(default="", description="调整失信等级的理由", max_length=500)


class MaterialsIn(Schema):
    """容缺受理：欠缺材料已补齐。"""

    supplied_on: dt.date | None = Field(default=None, description="补齐日期，默认今天")
    note: str = Field(default="", max_length=2000)


class VerificationOut(Schema):
    result: str = Field(description="true 属实、untrue 不实")
    result_display: str
    note: str
    verified_at: dt.datetime
    on_time: bool = Field(description="是否在核查期限内")


class CommitmentOut(Schema):
    """一份信用承诺。"""

    number: str = Field(description="承诺编号")
    kind: str = Field(description="承诺类型代码")
    kind_name: str = Field(description="承诺类型名称")
    rule_version: str = Field(description="签署时适用的承诺规则版本")
    subject_name: str
    subject_code: str = Field(description="统一社会信用代码；自然人为脱敏后的证件号码")
    department: str = Field(description="受理部门")
    department_code: str
    matter: str
    text: str = Field(description="承诺书原文（签署时的文本）")
    signer: str
    signed_at: dt.datetime
    public: bool = Field(description="是否在门户公示（按承诺规则）")
    confirmed: bool = Field(description="是否已确认（门户自主承诺须确认后公示）")
    due_date: dt.date | None = Field(description="容缺受理：补齐材料期限（工作日计算）")
    verify_by: dt.date | None = Field(description="核查期限（工作日计算）")
    status: Literal["active", "fulfilled", "unfulfilled", "untrue", "withdrawn"] = Field(
        description="active 履约中、fulfilled 已履约、unfulfilled 未履约、untrue 虚假承诺、"
        "withdrawn 已撤回"
    )
    status_display: str
    status_reason: str
    record_id: int | None = Field(description="违背承诺形成的失信记录编号")
    verifications: list[VerificationOut]
    explanation: str = Field(description="该类承诺的规则说明")


class CommitmentPage(Schema):
    items: list[CommitmentOut]
    page: int
    page_size: int
    total: int


def _out(c: Commitment) -> dict[str, Any]:
    return {
        "number": c.number,
        "kind": c.kind,
        "kind_name": c.kind_name,
        "rule_version": c.rule_version,
        "subject_name": c.subject.name,
        "subject_code": c.subject.public_code,
        "department": c.department.name,
        "department_code": c.department.code,
        "matter": c.matter,
        "text": c.text,
        "signer": c.signer,
        "signed_at": c.signed_at,
        "public": c.public,
        "confirmed": c.confirmed,
        "due_date": c.due_date,
        "verify_by": c.verify_by,
        "status": c.status,
        "status_display": c.get_status_display(),
        "status_reason": c.status_reason,
        "record_id": c.record_id,
        "verifications": [
            {
                "result": v.result,
                "result_display": v.get_result_display(),
                "note": v.note,
                "verified_at": v.verified_at,
                "on_time": v.on_time,
            }
            for v in c.verifications.all()
        ],
        "explanation": rules.kind(c.kind, c.signed_date).explain(),
    }


def _department(user: User, code: str | None) -> Department:
    if code:
        found = Department.objects.filter(code=code.strip().upper()).first()
        if found is None:
            raise ApiError(404, "not_found", f"没有统一社会信用代码为“{code}”的部门")
        return found
    if user.department is not None:
        return user.department
    raise ApiError(422, "invalid", "信用办管理员须指明受理部门（department）")


def _refused(exc: services.CommitmentError) -> ApiError:
    return ApiError(422, "invalid", exc.message, detail=None)


def _get(request: HttpRequest, number: str) -> Commitment:
    """Any commitment by number; permission is checked by the service (403, audited)."""
    found = Commitment.objects.select_related("subject", "department").filter(number=number).first()
    if found is None:
        raise ApiError(404, "not_found", f"没有编号为“{number}”的信用承诺")
    return found


@router.post("/commitments", response={201: CommitmentOut}, summary="登记信用承诺")
def sign(request: HttpRequest, payload: CommitmentIn) -> Status[dict[str, Any]]:
    """登记一份信用承诺：按签署日施行的承诺规则生成承诺书文本、公示标记、核查期限和（容缺受理）补齐期限。"""
    user: User = request.user  # type: ignore[assignment]
    department = _department(user, payload.department)
    try:
        c = services.sign(
            user,
            department,
            kind=payload.kind,
            subject=services.SubjectInput(**payload.subject.dict()),
            matter=payload.matter,
            signer=payload.signer,
            signed_at=payload.signed_at,
            licence_doc_no=payload.licence_doc_no,
            channel=Channel.API,
            request=request,
        )
    except services.CommitmentError as exc:
        raise _refused(exc) from None
    return Status(201, _out(c))


@router.get("/commitments", response=CommitmentPage, summary="本部门的信用承诺")
def list_own(
    request: HttpRequest,
    kind: KindCode | None = None,
    status: Literal["active", "fulfilled", "unfulfilled", "untrue", "withdrawn"] | None = None,
    signed_from: dt.date | None = None,
    signed_to: dt.date | None = None,
    page: int = Query(1, ge=1),  # type: ignore[type-arg]
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """部门用户只看到本部门受理的承诺；信用办管理员看到全部。"""
    qs = services.visible_commitments(request.user).prefetch_related("verifications")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if signed_from:
        qs = qs.filter(signed_date__gte=signed_from)
    if signed_to:
        qs = qs.filter(signed_date__lte=signed_to)
    total = qs.count()
    items = qs.order_by("-signed_at", "-id")[(page - 1) * page_size : page * page_size]
    return {"items": [_out(c) for c in items], "page": page, "page_size": page_size, "total": total}


@router.get("/commitments/{number}", response=CommitmentOut, summary="一份信用承诺")
def detail(request: HttpRequest, number: str) -> dict[str, Any]:
    try:
        c = services.find(request.user, number)
    except Commitment.DoesNotExist:
        raise ApiError(
            404, "not_found", f"没有编号为“{number}”的信用承诺（或不属于本部门）"
        ) from None
    return _out(c)


@router.post(
    "/commitments/{number}/verifications", response={201: CommitmentOut}, summary="报告核查结果"
)
def verify(request: HttpRequest, number: str, payload: VerificationIn) -> Status[dict[str, Any]]:
    """受理部门报告核查结果；核查其他部门的承诺返回403并记入审计日志。"""
    c = _get(request, number)
    try:
        services.verify(
            request.user,  # type: ignore[arg-type]
            c,
            result=payload.result,
            note=payload.note,
            tier=payload.tier,
            tier_reason=payload.tier_reason,
            request=request,
        )
    except services.CommitmentError as exc:
        raise _refused(exc) from None
    c.refresh_from_db()
    return Status(201, _out(c))


@router.post("/commitments/{number}/materials", response=CommitmentOut, summary="登记补齐材料")
def materials(request: HttpRequest, number: str, payload: MaterialsIn) -> dict[str, Any]:
    """容缺受理承诺的欠缺材料已补齐：期限内为已履约，逾期为未履约。"""
    c = _get(request, number)
    try:
        services.supply_materials(
            request.user,  # type: ignore[arg-type]
            c,
            note=payload.note,
            on=payload.supplied_on,
            request=request,
        )
    except services.CommitmentError as exc:
        raise _refused(exc) from None
    c.refresh_from_db()
    return _out(c)
