"""信息归集接口 (R-ING-1…5): departments' systems submit rows or files and read their verdicts.

Thin endpoints over ``xinyong.ingest.services``: every call is a batch with a per-row verdict
(accepted + rejected = submitted); a department's token acts for that department only (R-SEC-1),
a refusal is ``403 {"code": "forbidden", "message": 中文原因}``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, UploadedFile
from pydantic import Field

from xinyong.api.errors import ApiError
from xinyong.catalog.model import CatalogError, default_catalog
from xinyong.core import uscc
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import ensure_can_act_for, scope_to_user
from xinyong.ingest import report
from xinyong.ingest.models import Batch
from xinyong.ingest.pipeline import RowVerdict
from xinyong.ingest.services import (
    SubmissionError,
    record_type,
    revoke_record,
    submit_file,
    submit_rows,
)
from xinyong.records.models import (
    CreditRecord,
    RecordStatus,
    RecordVersion,
    Source,
    audit_nonpublic_reads,
    audit_record_read,
)

router = Router(tags=["信息归集"])

#: At most this many rows per call; larger submissions go in several calls or as a file.
MAX_ROWS_PER_CALL = 5000
MAX_PAGE_SIZE = 200

ACTION_NAMES = {"create": "新增", "update": "更新", "unchanged": "未变", "": ""}


# -- schemas ----------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    """一个字段的错误。"""

    field: str = Field(description="字段名称（目录中的中文名称）")
    message: str = Field(description="错误说明（中文）")


class RowVerdictOut(Schema):
    """一行的处理结果。"""

    row: int = Field(description="行号：请求中 rows 的序号，从 1 开始")
    accepted: bool = Field(description="是否接收")
    action: Literal["create", "update", "unchanged", ""] = Field(
        description="接收时的处理：create 新增、update 更新（同一决定机关 + 决定文书号再次报送）、"
        "unchanged 内容未变；拒绝时为空"
    )
    action_display: str = Field(description="处理的中文名称：新增、更新、未变")
    record_id: int | None = Field(description="接收后信用记录的编号；拒绝时为空")
    late: bool = Field(description="是否超期报送（决定日期起超过 7 个工作日）；超期照常接收")
    errors: list[FieldErrorOut] = Field(description="拒绝原因：每个有误字段一条")


class RowsIn(Schema):
    """按行报送：每行是一条记录。

    键为目录字段的键（如 subject_name）或中文名称（如 行政相对人名称）。
    """

    department: str | None = Field(
        default=None,
        description="报送部门的统一社会信用代码；部门报送员可省略（即本部门），信用办管理员必填",
        examples=["11330100MB0000019K"],
    )
    rows: list[dict[str, Any]] = Field(
        description=f"记录行，每次最多 {MAX_ROWS_PER_CALL} 行；值为文本、数字或 null",
        examples=[
            [
                {
                    "行政相对人名称": "示范县某某商贸有限公司",
                    "行政相对人类别": "法人及非法人组织",
                    "行政相对人代码": "91330100MA0000015W",
                    "行政处罚决定书文号": "示市监罚〔2026〕1号",
                    "处罚决定日期": "2026-03-02",
                }
            ]
        ],
    )


class BatchCounts(Schema):
    """一个批次的行数：接收 + 拒绝 = 提交。"""

    submitted: int = Field(description="提交行数")
    accepted: int = Field(description="接收行数")
    rejected: int = Field(description="拒绝行数")
    created: int = Field(description="新增记录数")
    updated: int = Field(description="更新记录数")
    unchanged: int = Field(description="内容未变的行数")
    late: int = Field(description="超期报送的记录数")


class RowsOut(BatchCounts):
    """按行报送的结果：接收 + 拒绝 = 提交。"""

    batch: int = Field(description="批次编号，可用 GET /batches/{id} 查询")
    rows: list[RowVerdictOut] = Field(description="逐行结果，按行号排序")


class DepartmentRef(Schema):
    """部门。"""

    id: int
    name: str = Field(description="部门名称")
    code: str = Field(description="统一社会信用代码")


class BatchOut(BatchCounts):
    """报送批次的概况。"""

    id: int = Field(description="批次编号")
    status: Literal["pending", "running", "done", "failed"] = Field(
        description="状态：pending 排队中、running 处理中、done 已完成、failed 文件被拒绝"
    )
    status_display: str = Field(description="状态的中文名称")
    department: DepartmentRef = Field(description="报送部门")
    submitter: str | None = Field(description="报送人用户名")
    type_code: str = Field(description="信息类型代码，如 xzcf（行政处罚）")
    type_name: str = Field(description="信息类型名称")
    catalog_version: str = Field(description="目录版本")
    source: str = Field(
        description="来源：file 文件上传、api 接口报送、form 在线填报、cli 命令行导入"
    )
    filename: str = Field(description="文件名（文件报送时）")
    file_sha256: str = Field(description="文件的 SHA-256 摘要")
    encoding: str = Field(description="CSV 文件的编码")
    timely_share: float | None = Field(
        description="及时率（%）：7 个工作日内报送的新增/更新记录占比"
    )
    error: str = Field(description="文件被拒绝的原因")
    warnings: list[str] = Field(description="提示（如未识别的列）")
    created_at: dt.datetime = Field(description="提交时间")
    finished_at: dt.datetime | None = Field(description="完成时间")


class RejectedRowOut(Schema):
    """一行被拒绝的记录。"""

    row: int = Field(description="行号（文件中的行号，或请求中的序号）")
    errors: list[FieldErrorOut]


class BatchDetailOut(BatchOut):
    """批次概况及被拒绝的行（分页）。"""

    rejected_rows: list[RejectedRowOut] = Field(description="被拒绝的行（本页）")
    page: int = Field(description="被拒绝行的页码")
    page_size: int = Field(description="每页行数")
    pages: int = Field(description="被拒绝行的总页数")


class SubjectRef(Schema):
    """信用主体。"""

    id: int
    name: str = Field(description="名称")
    kind: str = Field(description="主体类别")
    code: str = Field(description="统一社会信用代码；自然人为脱敏后的证件号码")


class RecordOut(Schema):
    """信用记录（当前版本）。"""

    id: int
    type_code: str = Field(description="信息类型代码")
    catalog_version: str = Field(description="目录版本")
    doc_no: str = Field(description="决定文书号")
    authority_name: str = Field(description="决定机关")
    authority_code: str = Field(description="决定机关统一社会信用代码")
    decision_date: dt.date = Field(description="决定日期")
    subject: SubjectRef = Field(description="行政相对人")
    department: DepartmentRef = Field(description="报送部门")
    status: Literal["active", "revoked"] = Field(description="状态：active 有效、revoked 已撤销")
    version: int = Field(description="版本号，每次更新或撤销加 1")
    published: bool = Field(description="是否公示")
    late: bool = Field(description="是否超期报送")
    workdays_taken: int | None = Field(description="从决定日期到接收所用的工作日数")
    received_at: dt.datetime = Field(description="当前版本的接收时间")


class VersionOut(Schema):
    """记录的一个历史版本。"""

    version: int
    action: str = Field(description="create 新增、update 更新、unchanged 重复报送、revoke 撤销")
    action_display: str
    data: dict[str, Any] = Field(description="该版本的内容（证件号码已脱敏）")
    content_hash: str = Field(description="内容摘要")
    batch: int | None = Field(description="批次编号")
    row_number: int | None = Field(description="批次中的行号")
    submitter: str | None = Field(description="报送人")
    source: str = Field(description="来源")
    received_at: dt.datetime = Field(description="接收时间")
    reason: str = Field(description="撤销原因")


class RecordDetailOut(RecordOut):
    """信用记录的内容、来源（批次、报送人、来源系统、接收时间、内容摘要）与全部历史版本。"""

    data: dict[str, Any] = Field(description="内容，键为目录字段的键（证件号码已脱敏）")
    batch: int | None = Field(description="当前版本所在批次")
    row_number: int | None = Field(description="当前版本在批次中的行号")
    submitter: str | None = Field(description="当前版本的报送人")
    source: str = Field(description="来源")
    content_hash: str = Field(description="内容摘要（HMAC-SHA256）")
    publicity_start: dt.date | None = Field(description="公示起始日")
    publicity_end: dt.date | None = Field(description="公示截止日")
    revoked_reason: str = Field(description="撤销原因")
    revoked_at: dt.datetime | None = Field(description="撤销时间")
    versions: list[VersionOut] = Field(description="全部历史版本，从第 1 版起")


class RecordPage(Schema):
    """信用记录列表（分页）。"""

    page: int
    page_size: int
    total: int = Field(description="符合条件的记录数")
    pages: int
    items: list[RecordOut]


class RevokeIn(Schema):
    """撤销一条记录（如决定被行政复议撤销）。记录立即停止公示，历史版本保留。"""

    reason: str = Field(min_length=1, max_length=500, description="撤销原因（必填）")


# -- helpers ----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _department(request: HttpRequest, code: str | None) -> Department:
    user = _user(request)
    if not code:
        if user.is_operator or user.department is None:
            raise ApiError(
                422, "department_required", "请填写报送部门的统一社会信用代码（department）"
            )
        return user.department
    compact = uscc.compact(code)
    department = Department.objects.filter(code=compact).first()
    if department is None:
        raise ApiError(422, "unknown_department", f"没有统一社会信用代码为“{code}”的部门")
    return department


def _check_type(type_code: str) -> None:
    try:
        record_type(type_code)
    except SubmissionError as exc:
        raise ApiError(404, "unknown_type", exc.message) from None


def _type_name(code: str, version: str | None = None) -> str:
    try:
        return default_catalog().type(code, version=version).name
    except (KeyError, CatalogError):
        return code


def _dept(department: Department) -> DepartmentRef:
    return DepartmentRef(id=department.pk, name=department.name, code=department.code)


def _verdict(v: RowVerdict) -> RowVerdictOut:
    return RowVerdictOut(
        row=v.row,
        accepted=v.accepted,
        action=v.action,  # type: ignore[arg-type]
        action_display=ACTION_NAMES.get(v.action, v.action),
        record_id=v.record_id,
        late=v.late,
        errors=[FieldErrorOut(field=e.field, message=e.message) for e in v.errors],
    )


def _batch_fields(batch: Batch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_display": batch.get_status_display(),
        "department": _dept(batch.department),
        "submitter": batch.submitter.get_username() if batch.submitter else None,
        "type_code": batch.type_code,
        "type_name": _type_name(batch.type_code, batch.catalog_version),
        "catalog_version": batch.catalog_version,
        "source": batch.source,
        "filename": batch.filename,
        "file_sha256": batch.file_sha256,
        "encoding": batch.encoding,
        **batch.counts(),
        "timely_share": report.batch_timeliness(batch).share,
        "error": batch.error,
        "warnings": list(batch.warnings or []),
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
    }


def _record_fields(record: CreditRecord) -> dict[str, Any]:
    subject = record.subject
    return {
        "id": record.pk,
        "type_code": record.type_code,
        "catalog_version": record.catalog_version,
        "doc_no": record.doc_no,
        "authority_name": record.authority_name,
        "authority_code": record.authority_code,
        "decision_date": record.decision_date,
        "subject": SubjectRef(
            id=subject.pk,
            name=subject.name,
            kind=subject.get_kind_display(),
            code=subject.public_code or "",
        ),
        "department": _dept(record.department),
        "status": record.status,
        "version": record.version,
        "published": record.published,
        "late": record.late,
        "workdays_taken": record.workdays_taken,
        "received_at": record.received_at,
    }


def _provenance(obj: CreditRecord | RecordVersion) -> dict[str, Any]:
    """What a record (or one of its versions) holds and where it came from."""
    return {
        "data": obj.data,
        "batch": obj.batch_id,
        "row_number": obj.row_number,
        "submitter": obj.submitter.get_username() if obj.submitter else None,
        "source": obj.source,
        "content_hash": obj.content_hash,
    }


def _record_detail(record: CreditRecord) -> RecordDetailOut:
    versions = record.versions.select_related("submitter").order_by("version")
    return RecordDetailOut(
        **_record_fields(record),
        **_provenance(record),
        publicity_start=record.publicity_start,
        publicity_end=record.publicity_end,
        revoked_reason=record.revoked_reason,
        revoked_at=record.revoked_at,
        versions=[_version(v) for v in versions],
    )


def _version(v: RecordVersion) -> VersionOut:
    return VersionOut(
        version=v.version,
        action=v.action,
        action_display=v.get_action_display(),
        **_provenance(v),
        received_at=v.received_at,
        reason=v.reason,
    )


def _get_record(request: HttpRequest, record_id: int, what: str) -> CreditRecord:
    record = get_object_or_404(
        CreditRecord.objects.select_related("subject", "department", "submitter"), pk=record_id
    )
    ensure_can_act_for(_user(request), record.department, what=what, request=request)
    return record


# -- endpoints --------------------------------------------------------------------------------


@router.get(
    "/records/{int:record_id}",
    response=RecordDetailOut,
    summary="查看一条信用记录",
    description="返回记录的当前内容、来源（批次、报送人、来源、接收时间、内容摘要、及时性）和全部历史版本。"
    "部门报送员只能查看本部门的记录。",
)
def get_record(request: HttpRequest, record_id: int) -> RecordDetailOut:
    record = _get_record(request, record_id, "查看记录")
    audit_record_read(request, record, "接口查阅", "接口查看记录详情")
    return _record_detail(record)


@router.post(
    "/records/{int:record_id}/revoke",
    response=RecordDetailOut,
    summary="撤销一条信用记录",
    description="登记撤销原因：记录立即停止公示，历史版本保留，不可删除。"
    "已撤销的记录再次撤销返回 409。",
)
def revoke(request: HttpRequest, record_id: int, payload: RevokeIn) -> RecordDetailOut:
    record = _get_record(request, record_id, "撤销记录")
    try:
        revoke_record(_user(request), record, payload.reason)
    except SubmissionError as exc:
        status, code = (409, "already_revoked") if "已撤销" in exc.message else (422, "invalid")
        raise ApiError(status, code, exc.message) from None
    record.refresh_from_db()
    return _record_detail(record)


@router.post(
    "/records/{type_code}",
    response=RowsOut,
    summary="按行报送信用记录",
    description="一次提交同一信息类型的多行记录（最多 5000 行，超出返回 413），"
    "逐行校验后返回每行的结果："
    "接收（新增、更新或未变）或拒绝（每个有误字段的中文说明）。接收 + 拒绝 = 提交。"
    "同一决定机关 + 决定文书号再次报送即为更新，历史版本保留。部门报送员只能报送本部门的数据。",
)
def post_rows(request: HttpRequest, type_code: str, payload: RowsIn) -> RowsOut:
    user = _user(request)
    department = _department(request, payload.department)
    ensure_can_act_for(user, department, what="接口报送", request=request)
    _check_type(type_code)
    if len(payload.rows) > MAX_ROWS_PER_CALL:
        raise ApiError(
            413,
            "too_many_rows",
            f"每次最多提交 {MAX_ROWS_PER_CALL} 行，本次提交了 {len(payload.rows)} 行："
            "请分多次提交，或以文件方式上传",
        )
    try:
        batch, verdicts = submit_rows(user, department, type_code, payload.rows, source=Source.API)
    except SubmissionError as exc:
        raise ApiError(422, "submission_refused", exc.message) from None
    return RowsOut(batch=batch.pk, **batch.counts(), rows=[_verdict(v) for v in verdicts])


@router.post(
    "/files/{type_code}",
    response=BatchOut,
    summary="上传文件报送",
    description="上传按目录模板填写的 .xlsx、.xls 或 .csv 文件（CSV 可为 UTF-8 或 GBK 编码），"
    "逐行处理后返回批次概况；被拒绝的行用 GET /batches/{id} 查询。"
    "不是电子表格、空文件、表头与模板不符或超过大小上限的文件整体拒绝（422），不导入任何记录。",
)
def post_file(
    request: HttpRequest,
    type_code: str,
    file: File[UploadedFile],
    department: Form[str | None] = None,
) -> BatchOut:
    user = _user(request)
    dept = _department(request, department)
    ensure_can_act_for(user, dept, what="接口上传文件", request=request)
    _check_type(type_code)
    try:
        batch = submit_file(
            user, dept, type_code, file, file.name or "upload", source=Source.API, background=False
        )
    except SubmissionError as exc:
        detail = {"batch": exc.batch.pk} if exc.batch is not None else None
        raise ApiError(422, "file_rejected", exc.message, detail) from None
    return BatchOut(**_batch_fields(batch))


@router.get(
    "/batches/{int:batch_id}",
    response=BatchDetailOut,
    summary="查询批次",
    description="批次的状态、计数（提交、接收、拒绝、新增、更新、未变、超期）和被拒绝的行（分页）。",
)
def get_batch(
    request: HttpRequest, batch_id: int, page: int = 1, page_size: int = 100
) -> BatchDetailOut:
    batch = get_object_or_404(Batch.objects.select_related("department", "submitter"), pk=batch_id)
    ensure_can_act_for(_user(request), batch.department, what="查看批次", request=request)
    page_size = min(max(page_size, 1), 1000)
    pages = max(math.ceil(batch.rejected / page_size), 1)
    page = min(max(page, 1), pages)
    start = (page - 1) * page_size
    rows = batch.row_errors.order_by("row_number")[start : start + page_size]
    return BatchDetailOut(
        **_batch_fields(batch),
        rejected_rows=[
            RejectedRowOut(
                row=row.row_number,
                errors=[
                    FieldErrorOut(field=str(e.get("field", "")), message=str(e.get("message", "")))
                    for e in row.errors
                ],
            )
            for row in rows
        ],
        page=page,
        page_size=page_size,
        pages=pages,
    )


@router.get(
    "/records",
    response=RecordPage,
    summary="信用记录列表",
    description="本部门报送的信用记录（信用办管理员：全部部门），按首次接收的先后倒序分页（新报送的在前；"
    "已有记录重新报送更新后位置不变，其接收时间为最近一次）。",
)
def list_records(
    request: HttpRequest,
    type: str | None = None,
    status: Literal["active", "revoked"] | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> RecordPage:
    user = _user(request)
    records = scope_to_user(
        user, CreditRecord.objects.select_related("subject", "department")
    ).order_by("-pk")  # first received first; an index walk, not a sort of every record
    if type:
        records = records.filter(type_code=type)
    if status:
        records = records.filter(status=RecordStatus(status))
    if q and q.strip():
        keyword = q.strip()
        records = records.filter(
            Q(doc_no__icontains=keyword)
            | Q(subject__name__icontains=keyword)
            | Q(subject__uscc=keyword.upper())
        )
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    total = records.count()
    pages = max(math.ceil(total / page_size), 1)
    page = max(page, 1)
    start = (page - 1) * page_size
    shown = list(records[start : start + page_size])
    audit_nonpublic_reads(request, shown, "接口查询信用记录列表")
    items = [RecordOut(**_record_fields(r)) for r in shown]
    return RecordPage(page=page, page_size=page_size, total=total, pages=pages, items=items)
