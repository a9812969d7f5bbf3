"""政府公开承诺接口 (R-GOV-2), mounted under /api/v1/: the public list, and a body's system
reporting fulfilment with its token.

Thin endpoints over ``pledges.services``: a department's token reports for the body whose
platform department it is (403 with the reason otherwise); an operator for any body.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from xinyong.api.errors import ApiError
from xinyong.keys import MAX_KEY
from xinyong.pledges import services
from xinyong.pledges.models import FulfilmentReport, Pledge, ReportStatus
from xinyong.uploads import MaterialError

router = Router(tags=["政府公开承诺"])

MAX_LIST = 500
_STATUS_BY_LABEL = {label: code for code, label in ReportStatus.choices}


class ReportOut(Schema):
    id: int
    period: str = Field(description="报送月份 YYYY-MM")
    reported_on: dt.date
    status: str = Field(description="done 已履行 / ongoing 履行中 / undone 未履行")
    status_name: str
    text: str
    on_time: bool = Field(
        description="是否按时报送上月履约信息（报送月份为报送日上一个月且在截止日前报送，计入按时报送加分）"
    )
    files: int = Field(description="证明材料份数")


class PledgeOut(Schema):
    number: str
    body: str = Field(description="承诺单位")
    body_code: str = Field(description="承诺单位统一社会信用代码")
    title: str
    content: str
    category: str
    signer: str = Field(description="签署的负责人：职务 姓名")
    signed_on: dt.date
    due_date: dt.date | None = Field(description="兑现期限；长期承诺为空")
    status: str = Field(
        description="in_force 履行中 / fulfilled 已兑现 / unfulfilled 逾期未兑现 / withdrawn 已撤回"
    )
    status_name: str
    fulfilled_on: dt.date | None
    withdrawn_on: dt.date | None
    withdraw_reason: str
    reports: list[ReportOut]


def _report(r: FulfilmentReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "period": f"{r.period:%Y-%m}",
        "reported_on": r.reported_on,
        "status": r.status,
        "status_name": r.get_status_display(),
        "text": r.text,
        "on_time": r.on_time,
        "files": len(r.files.all()),
    }


def _pledge(p: Pledge) -> dict[str, Any]:
    return {
        "number": p.number,
        "body": p.body.name,
        "body_code": p.body.subject.uscc or "",
        "title": p.title,
        "content": p.content,
        "category": p.category,
        "signer": p.signature,
        "signed_on": p.signed_on,
        "due_date": p.due_date,
        "status": p.status,
        "status_name": p.get_status_display(),
        "fulfilled_on": p.fulfilled_on,
        "withdrawn_on": p.withdrawn_on,
        "withdraw_reason": p.withdraw_reason,
        "reports": [_report(r) for r in p.reports.all()],
    }


@router.get(
    "/pledges",
    response=list[PledgeOut],
    summary="政府公开承诺公示",
    auth=None,
    description="门户网站公示的政府公开承诺及履约情况，按单位名称排列；"
    "q 按单位名称或承诺事项筛选，body 按承诺单位统一社会信用代码筛选。"
    f"每次最多返回{MAX_LIST}项（offset 翻页）。",
)
def list_pledges(
    request: HttpRequest, q: str = "", body: str = "", offset: int = 0
) -> list[dict[str, Any]]:
    qs = services.public_pledges(q).prefetch_related("reports__files")
    if body:
        qs = qs.filter(body__subject__uscc=body.strip().upper())
    offset = min(max(offset, 0), MAX_KEY)
    return [_pledge(p) for p in qs[offset : offset + MAX_LIST]]


@router.post(
    "/pledges/{number}/reports",
    response={201: ReportOut},
    summary="报送履约情况",
    description="承诺单位（本部门令牌）或信用办报送一项承诺某月的履约情况，可附证明材料（PDF、JPG、PNG）。"
    "报送上月履约情况的记入本单位政务诚信档案（报送履约信息），其他月份的只记录和公示；“已履行”使有兑现期限的承诺兑现，"
    "并使已认定的承诺未兑现事项整改完成。表单字段：period（YYYY-MM）、status（done/ongoing/undone，"
    "或已履行/履行中/未履行）、text；文件字段 files 可重复。",
)
def post_report(
    request: HttpRequest,
    number: str,
    period: Form[str],
    status: Form[str],
    text: Form[str],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    pledge = get_object_or_404(Pledge.objects.select_related("body"), number=number)
    code = _STATUS_BY_LABEL.get(status.strip(), status.strip())
    try:
        item = services.report(
            request.user,
            pledge,
            period=period,
            status=code,
            text=text,
            uploads=files or [],
            request=request,
        )
    except services.PledgeError as exc:
        raise ApiError(422, "report_refused", str(exc)) from None
    except MaterialError as exc:
        raise ApiError(422, "file_rejected", str(exc)) from None
    return Status(201, _report(item))
