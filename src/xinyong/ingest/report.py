"""Figures and files about batches for staff: progress, timeliness, the verdict workbook.

Read-only helpers shared by the back-office pages (``views.py``) and the API
(``api/collection.py``); they never change data.

The verdict workbook (处理结果文件) is the submitted file as it was received, row by row, with
two extra columns: 处理结果 (接收·新增 / 接收·更新 / 接收·未变 / 拒绝) and 错误说明 (every error of
the row). The stored file is read again with ``open_sheet`` as a stream, verdicts are read from
the database in row order and merged, and the workbook is written with openpyxl's write-only
mode, so memory stays flat for files of hundreds of thousands of rows. Every cell goes through
``safe_cell``: a formula-like text (``=cmd|' /C calc'!A0``) is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db.models import Count, Max, Q, QuerySet

from xinyong.catalog.validate import safe_cell
from xinyong.departments.models import Department
from xinyong.ingest.models import Batch, BatchStatus
from xinyong.ingest.readers import FileRejected, open_sheet
from xinyong.records.models import CreditRecord, RecordVersion, VersionAction

__all__ = [
    "RESULT_LABELS",
    "Timeliness",
    "VerdictUnavailable",
    "batch_timeliness",
    "department_timeliness",
    "error_text",
    "estimate_rows",
    "progress",
    "record_timeliness",
    "timely_workdays",
    "write_verdict",
]

#: 处理结果 column values by version action; rejected rows are "拒绝".
RESULT_LABELS: dict[str, str] = {
    VersionAction.CREATE.value: "接收·新增",
    VersionAction.UPDATE.value: "接收·更新",
    VersionAction.UNCHANGED.value: "接收·未变",
}
REJECTED_LABEL = "拒绝"
#: a row the batch never reached (a file refused half-way)
UNPROCESSED_LABEL = "未处理"
RESULT_HEADER = "处理结果"
ERROR_HEADER = "错误说明"
ACTIVE_STATUSES = (BatchStatus.PENDING, BatchStatus.RUNNING)

# Characters a worksheet cannot hold (control characters); openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


# -- timeliness -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    """On-time and late counts; ``share`` is the percentage within 7 working days."""

    on_time: int
    late: int
    unknown: int = 0

    @property
    def measured(self) -> int:
        return self.on_time + self.late

    @property
    def share(self) -> float | None:
        if not self.measured:
            return None
        return round(100 * self.on_time / self.measured, 1)

    @property
    def share_text(self) -> str:
        share = self.share
        return "—" if share is None else f"{share:g}%"


def batch_timeliness(batch: Batch) -> Timeliness:
    """Of the rows a batch created or changed, how many came within 7 working days."""
    stored = batch.created + batch.updated
    return Timeliness(on_time=max(stored - batch.late, 0), late=batch.late)


def record_timeliness(records: QuerySet[CreditRecord]) -> Timeliness:
    """Timeliness of current records (records whose working days could not be counted apart)."""
    figures = records.aggregate(
        late_n=Count("pk", filter=Q(late=True)),
        on_time_n=Count("pk", filter=Q(late=False, workdays_taken__isnull=False)),
        unknown_n=Count("pk", filter=Q(workdays_taken__isnull=True)),
    )
    return Timeliness(figures["on_time_n"], figures["late_n"], figures["unknown_n"])


def department_timeliness(records: QuerySet[CreditRecord]) -> list[dict[str, Any]]:
    """Per department: records, late, on time and the share within 7 working days."""
    rows = (
        records.values("department__pk", "department__name")
        .annotate(
            total=Count("pk"),
            late_n=Count("pk", filter=Q(late=True)),
            on_time_n=Count("pk", filter=Q(late=False, workdays_taken__isnull=False)),
            unknown_n=Count("pk", filter=Q(workdays_taken__isnull=True)),
        )
        .order_by("department__name")
    )
    return [
        {
            "department": row["department__name"],
            "department_id": row["department__pk"],
            "total": row["total"],
            "figures": Timeliness(row["on_time_n"], row["late_n"], row["unknown_n"]),
        }
        for row in rows
    ]


# -- progress -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _estimate(path: str, size: int, mtime: float) -> int | None:
    file = Path(path)
    with file.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/"))
                if not names:
                    return None
                with archive.open(names[0]) as sheet:
                    match = _DIMENSION.search(sheet.read(4096))
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
        return max(int(match.group(1)) - 1, 0) if match else None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return None
    lines = 0
    last = b""
    with file.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            lines += chunk.count(b"\n")
            last = chunk
    if last and not last.endswith(b"\n"):
        lines += 1
    return max(lines - 1, 0)  # without the header


def estimate_rows(batch: Batch) -> int | None:
    """About how many data rows the stored file holds (for a progress bar), or None."""
    if not batch.stored_file:
        return None
    path = Path(batch.stored_file)
    try:
        stat = path.stat()
        return _estimate(str(path), stat.st_size, stat.st_mtime)
    except OSError:
        return None


def progress(batch: Batch) -> dict[str, Any]:
    """The figures the batch page polls while a file is being processed."""
    running = batch.status in ACTIVE_STATUSES
    total = estimate_rows(batch) if running else batch.submitted
    if total is not None and total < batch.submitted:
        total = batch.submitted
    percent = None
    if batch.status == BatchStatus.DONE:
        percent = 100.0
    elif total:
        percent = round(min(100 * batch.submitted / total, 99.0), 1)
    return {
        "batch": batch.pk,
        "status": batch.status,
        "status_display": batch.get_status_display(),
        "running": running,
        "done": batch.submitted,
        "total_estimate": total,
        "percent": percent,
        **batch.counts(),
        "error": batch.error,
    }


# -- the verdict workbook ---------------------------------------------------------------------


class VerdictUnavailable(Exception):
    """The verdict file cannot be produced; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def error_text(errors: list[dict[str, Any]]) -> str:
    """A row's errors as one text: ``字段：问题；字段：问题``."""
    parts = []
    for error in errors:
        field = str(error.get("field") or "").strip()
        message = str(error.get("message") or "").strip()
        parts.append(f"{field}：{message}" if field else message)
    return "；".join(parts)


def _accepted(batch: Batch) -> Iterator[tuple[int | None, str]]:
    rows = (
        RecordVersion.objects.filter(batch=batch, row_number__isnull=False)
        .order_by("row_number")
        .values_list("row_number", "action")
    )
    return rows.iterator(chunk_size=5000)


def _rejected(batch: Batch) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    rows = batch.row_errors.order_by("row_number").values_list("row_number", "errors")
    return rows.iterator(chunk_size=2000)


def _verdicts(batch: Batch) -> Iterator[tuple[int, str, str]]:
    """(row number, 处理结果, 错误说明) in row order, merged from versions and rejected rows."""
    accepted = _accepted(batch)
    rejected = _rejected(batch)
    a = next(accepted, None)
    r = next(rejected, None)
    while a is not None or r is not None:
        if r is None or (a is not None and (a[0] or 0) < r[0]):
            assert a is not None
            yield a[0] or 0, RESULT_LABELS.get(a[1], a[1]), ""
            a = next(accepted, None)
        else:
            yield r[0], REJECTED_LABEL, error_text(r[1])
            if a is not None and a[0] == r[0]:
                a = next(accepted, None)
            r = next(rejected, None)


def _cell(value: Any) -> str:
    return _ILLEGAL.sub("", safe_cell(value))


def write_verdict(batch: Batch, out: IO[bytes]) -> int:
    """Write the verdict workbook of a finished file batch to ``out``; returns the row count."""
    from openpyxl import Workbook

    if batch.status in ACTIVE_STATUSES:
        raise VerdictUnavailable("批次尚在处理中，完成后才能下载处理结果")
    if batch.status == BatchStatus.FAILED and not batch.submitted:
        raise VerdictUnavailable(f"文件被拒绝，没有逐行处理结果：{batch.error}")
    if not batch.stored_file or not Path(batch.stored_file).is_file():
        raise VerdictUnavailable("该批次没有存档文件（接口或在线填报的批次请查看批次页面）")
    try:
        sheet = open_sheet(Path(batch.stored_file))
    except FileRejected as exc:
        raise VerdictUnavailable(exc.message) from None

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("处理结果")
    width = len(sheet.headers)
    worksheet.append([_cell(h) for h in sheet.headers] + [RESULT_HEADER, ERROR_HEADER])
    verdicts = _verdicts(batch)
    pending = next(verdicts, None)
    count = 0
    try:
        for number, cells in sheet.rows:
            while pending is not None and pending[0] < number:
                pending = next(verdicts, None)
            if pending is not None and pending[0] == number:
                result, errors = pending[1], pending[2]
            else:
                result, errors = UNPROCESSED_LABEL, ""
            values = [_cell(c) for c in cells[:width]]
            values.extend([""] * (width - len(values)))
            # cells beyond the header row are kept too (they were in the file)
            values.extend(_cell(c) for c in cells[width:])
            worksheet.append([*values[:width], result, errors, *values[width:]])
            count += 1
    except FileRejected as exc:
        raise VerdictUnavailable(exc.message) from None
    workbook.save(out)
    return count


def verdict_file(batch: Batch) -> IO[bytes]:
    """The verdict workbook in a temporary file (deleted when closed), positioned at 0."""
    fh = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    try:
        write_verdict(batch, fh)
    except BaseException:
        fh.close()
        raise
    fh.seek(0)
    return fh


#: R-ING-4: departments update their records at least monthly.
SILENT_AFTER_DAYS = 31


@dataclass
class SourceActivity:
    department: str
    last_received: dt.datetime | None
    days_silent: int | None

    @property
    def silent(self) -> bool:
        return self.days_silent is None or self.days_silent > SILENT_AFTER_DAYS


def source_activity(departments: QuerySet[Department], now: dt.datetime) -> list[SourceActivity]:
    """Each active department with the time it last delivered rows (any accepted batch), the
    ones silent for more than a month first: a source that stops sending is flagged."""
    last = dict(
        Batch.objects.filter(department__in=departments, accepted__gt=0)
        .values_list("department_id")
        .annotate(latest=Max("created_at"))
    )
    rows = []
    for department in departments.filter(is_active=True).order_by("name"):
        latest = last.get(department.pk)
        days = (now - latest).days if latest else None
        rows.append(SourceActivity(department.name, latest, days))
    return sorted(rows, key=lambda r: (not r.silent, r.department))


def timely_workdays() -> str:
    """The submission deadlines of the catalog's types in force, for page texts ("7")."""
    from xinyong.catalog.model import default_catalog

    days = sorted({t.timely_workdays for t in default_catalog().current() if t.timely_workdays})
    return "/".join(str(d) for d in days) or "—"
