"""Collection services: every way of submitting records goes through these functions.

Views, API endpoints and commands stay thin: they authenticate, then call ``submit_file``,
``submit_rows``, ``revoke_record`` here, which check permissions, keep the batch and write the
audit log.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from xinyong.audit.services import record as audit
from xinyong.catalog.model import CatalogError, RecordType, default_catalog
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import ensure_can_act_for
from xinyong.ingest.models import Batch, BatchStatus
from xinyong.ingest.pipeline import Ingestion, RowVerdict, lock_records
from xinyong.ingest.readers import FileRejected, check_whole_file, open_sheet
from xinyong.ingest.signals import send_revoked
from xinyong.records.models import CreditRecord, RecordStatus, RecordVersion, Source, VersionAction
from xinyong.workdays.services import get_calendar

log = logging.getLogger(__name__)


class SubmissionError(ValueError):
    """The submission as a whole is refused; nothing was stored."""

    def __init__(self, message: str, batch: Batch | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.batch = batch


def record_type(code: str) -> RecordType:
    try:
        return default_catalog().type(code)
    except (KeyError, CatalogError):
        known = "、".join(f"{t.code}（{t.name}）" for t in default_catalog().current())
        raise SubmissionError(f"信息类型“{code}”不在目录中（可选：{known}）") from None


def batch_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "batches"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_batch(
    user: User | None, department: Department, rt: RecordType, source: str, **extra: Any
) -> Batch:
    return Batch.objects.create(
        department=department,
        submitter=user,
        type_code=rt.code,
        catalog_version=rt.version,
        source=source,
        **extra,
    )


def _fail(batch: Batch, message: str, actor: Any) -> SubmissionError:
    batch.status = BatchStatus.FAILED
    batch.error = message
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "error", "finished_at"])
    audit(actor, "import", f"拒绝文件“{batch.filename}”：{message}", obj=batch)
    return SubmissionError(message, batch)


def store_upload(stream: IO[bytes], filename: str) -> tuple[Path, str, int]:
    """Copy an upload to the archive, refusing it once it passes the size limit."""
    limit = settings.XINYONG_MAX_UPLOAD_BYTES
    digest = hashlib.sha256()
    size = 0
    target = batch_dir() / f"incoming-{timezone.now():%Y%m%d%H%M%S%f}-{threading.get_ident()}"
    with target.open("wb") as out:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise SubmissionError(
                    f"文件超过大小上限（{limit // (1024 * 1024)} MB），请拆分后分批上传"
                )
            digest.update(chunk)
            out.write(chunk)
    return target, digest.hexdigest(), size


def prepare_file_batch(
    user: User | None,
    department: Department,
    type_code: str,
    stream: IO[bytes],
    filename: str,
    source: str = Source.FILE,
    actor: Any = None,
) -> Batch:
    """Store the file, check it is a spreadsheet with the type's template; rows not read yet."""
    if user is not None:
        ensure_can_act_for(user, department)
    rt = record_type(type_code)
    actor = actor or user
    path, sha, size = store_upload(stream, filename)
    batch = _new_batch(
        user, department, rt, source, filename=filename[:255], file_sha256=sha, file_size=size
    )
    final = batch_dir() / f"{batch.pk}{Path(filename).suffix.lower()[:8]}"
    shutil.move(path, final)
    batch.stored_file = str(final)
    batch.save(update_fields=["stored_file"])
    try:
        sheet = open_sheet(final)
    except FileRejected as exc:
        raise _fail(batch, exc.message, actor) from None
    header = rt.map_headers(sheet.headers)
    if not header.ok:
        raise _fail(batch, header.message, actor)
    batch.encoding = sheet.encoding
    batch.warnings = list(header.warnings)
    batch.save(update_fields=["encoding", "warnings"])
    return batch


def _sheet_rows(batch: Batch) -> tuple[Ingestion, Iterator[tuple[int, dict[str, Any]]]]:
    rt = default_catalog().type(batch.type_code, version=batch.catalog_version)
    sheet = open_sheet(Path(batch.stored_file))
    header = rt.map_headers(sheet.headers)
    rows = ((number, header.row(cells)) for number, cells in sheet.rows)
    return Ingestion(batch, rt, get_calendar()), rows


def run_batch(
    batch: Batch, actor: Any = None, progress: Callable[[Batch], None] | None = None
) -> Batch:
    """Process a prepared file batch row by row; safe to call from a thread."""
    batch.status = BatchStatus.RUNNING
    batch.started_at = timezone.now()
    batch.save(update_fields=["status", "started_at"])
    try:
        # Read through first: a file that breaks half-way is refused whole, nothing stored.
        check_whole_file(Path(batch.stored_file))
        ingestion, rows = _sheet_rows(batch)
        ingestion.progress = progress
        ingestion.feed(rows)
    except FileRejected as exc:
        where = f"第{batch.submitted + 1}行附近：" if batch.submitted else ""
        raise _fail(batch, f"{where}{exc.message}", actor) from None
    except Exception as exc:
        log.exception("batch %s failed", batch.pk)
        raise _fail(batch, f"处理中断：{exc}", actor) from exc
    return _finish(batch, ingestion, actor)


def _finish(batch: Batch, ingestion: Ingestion, actor: Any) -> Batch:
    batch.warnings = [*batch.warnings, *(n for n in ingestion.notes() if n not in batch.warnings)]
    batch.status = BatchStatus.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at", "warnings"])
    audit(
        actor or batch.submitter,
        "import",
        f"{batch.department.name}报送{ingestion.rt.name}{batch.submitted}行："
        f"接收{batch.accepted}行（新增{batch.created}、更新{batch.updated}、未变{batch.unchanged}），"
        f"拒绝{batch.rejected}行",
        obj=batch,
        detail={
            "submitted": batch.submitted,
            "accepted": batch.accepted,
            "rejected": batch.rejected,
            "file_sha256": batch.file_sha256,
        },
    )
    return batch


def submit_file(
    user: User | None,
    department: Department,
    type_code: str,
    stream: IO[bytes],
    filename: str,
    *,
    source: str = Source.FILE,
    background: bool = False,
    actor: Any = None,
    progress: Callable[[Batch], None] | None = None,
) -> Batch:
    """Accept a spreadsheet; with ``background`` rows are processed in a thread."""
    batch = prepare_file_batch(user, department, type_code, stream, filename, source, actor)
    if background and not settings.XINYONG_INGEST_INLINE:
        threading.Thread(target=_run_in_thread, args=(batch.pk, actor), daemon=True).start()
        return batch
    return run_batch(batch, actor, progress)


def _run_in_thread(batch_id: int, actor: Any) -> None:
    close_old_connections()
    try:
        run_batch(Batch.objects.select_related("department").get(pk=batch_id), actor)
    except SubmissionError:
        pass
    finally:
        # The thread ends here: close its own connection (close_old_connections would keep
        # it open until CONN_MAX_AGE, leaking one connection per upload on PostgreSQL).
        connection.close()


def submit_rows(
    user: User | None,
    department: Department,
    type_code: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    source: str = Source.API,
    actor: Any = None,
) -> tuple[Batch, list[RowVerdict]]:
    """Rows from the API or a form: keys are field keys or Chinese labels."""
    if user is not None:
        ensure_can_act_for(user, department)
    rt = record_type(type_code)
    if not rows:
        raise SubmissionError("没有提交任何记录")
    labels = {f.label: f.key for f in rt.fields}
    batch = _new_batch(
        user, department, rt, source, status=BatchStatus.RUNNING, started_at=timezone.now()
    )
    ingestion = Ingestion(batch, rt, get_calendar(), keep_verdicts=True)
    try:
        with transaction.atomic():
            ingestion.feed(
                (n, {labels.get(str(k), str(k)): v for k, v in row.items()})
                for n, row in enumerate(rows, start=1)
            )
    except Exception as exc:
        # Every row was rolled back: the batch says so instead of staying "处理中" forever.
        log.exception("batch %s failed", batch.pk)
        batch.submitted = batch.accepted = batch.rejected = 0
        batch.created = batch.updated = batch.unchanged = batch.late = 0
        _fail(batch, f"处理中断，未保存任何记录：{type(exc).__name__}", actor or user)
        raise
    _finish(batch, ingestion, actor or user)
    return batch, sorted(ingestion.verdicts, key=lambda v: v.row)


def revoke_record(user: User | None, record: CreditRecord, reason: str, actor: Any = None) -> None:
    """Revoke (撤销) a decision: it leaves the portal at once, its history stays."""
    if user is not None:
        ensure_can_act_for(user, record.department)
    reason = reason.strip()
    if not reason:
        raise SubmissionError("撤销须填写原因")
    if record.status == RecordStatus.REVOKED:
        raise SubmissionError("该记录已撤销")
    now = timezone.now()
    with transaction.atomic():
        # Against a concurrent import or revocation: number the version from the current row.
        lock_records()
        record.refresh_from_db()
        if record.status == RecordStatus.REVOKED:
            raise SubmissionError("该记录已撤销")
        record.status = RecordStatus.REVOKED
        record.revoked_reason = reason
        record.revoked_at = now
        record.version += 1
        record.save(update_fields=["status", "revoked_reason", "revoked_at", "version"])
        RecordVersion.objects.create(
            record=record,
            version=record.version,
            action=VersionAction.REVOKE,
            data=record.data,
            pii_cipher=record.pii_cipher,
            content_hash=record.content_hash,
            submitter=user,
            source=record.source,
            received_at=now,
            reason=reason,
        )
        audit(actor or user, "revoke", f"撤销{record}", obj=record, reason=reason)
        send_revoked(record, reason, actor or user)
