"""The ingestion template (R-ING-1…5): validate rows, resolve subjects, store records.

Every submission path (file upload, API, form, command line) ends here. Rows are processed in
chunks: each chunk is validated, its subjects and existing decisions are looked up in bulk,
and its records, versions and rejected rows are written in bulk inside one transaction. The
batch carries the counts, and ``accepted + rejected == submitted`` holds after every chunk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from xinyong import dbbulk
from xinyong.catalog.model import RecordType
from xinyong.core import publicity, ric
from xinyong.core.workdays import ScheduleMissing, WorkCalendar
from xinyong.dbbulk import JsonText
from xinyong.departments.models import Department
from xinyong.ingest.models import BATCH_COUNTS, Batch, RowError
from xinyong.records.models import CreditRecord, RecordStatus, RecordVersion, VersionAction
from xinyong.subjects.identity import SubjectRef, kind_for, pii_box, resolve
from xinyong.subjects.models import SubjectKind

CHUNK_ROWS = 2000
NOTE_SAMPLES = 10


@dataclass
class RowIssue:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class RowVerdict:
    """The verdict on one row, as reported back to API callers."""

    row: int
    accepted: bool
    action: str = ""  # create / update / unchanged
    record_id: int | None = None
    errors: list[RowIssue] = field(default_factory=list)
    late: bool = False


@dataclass
class _Candidate:
    row: int
    raw: dict[str, Any]
    clean: dict[str, Any]
    roles: dict[str, Any]
    ref: SubjectRef
    decision_key: tuple[str, str]


def _json_value(value: Any) -> Any:
    if value.__class__ is str:  # the common case first: this runs for every field of every row
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "；".join(str(v) for v in value)
    return str(value)


#: Key of the PostgreSQL advisory lock taken by every transaction that writes records.
RECORDS_LOCK = 0x78790001


def lock_records() -> None:
    """Let one transaction at a time create subjects and write records, until it ends.

    A chunk reads which subjects and decisions exist, then inserts the missing ones and
    numbers the new versions. Two imports (or an import and a revocation) doing that at once
    would both insert the same subject (a unique-key error that stops the second file half-way)
    or both write "version 2" of one decision. SQLite's ``BEGIN IMMEDIATE`` already serialises
    writing transactions; on PostgreSQL, under READ COMMITTED, this transaction-scoped
    advisory lock does the same, and every statement after it sees what the previous holder
    committed. Call it first thing inside ``transaction.atomic()``.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECORDS_LOCK])


class Ingestion:
    """One batch's run. ``feed`` takes (row number, raw mapping) pairs and returns verdicts
    only when ``keep_verdicts`` is set (API and form calls); file imports keep counts."""

    def __init__(
        self,
        batch: Batch,
        record_type: RecordType,
        calendar: WorkCalendar,
        *,
        keep_verdicts: bool = False,
        progress: Callable[[Batch], None] | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        self.batch = batch
        self.rt = record_type
        self.calendar = calendar
        self.keep_verdicts = keep_verdicts
        self.verdicts: list[RowVerdict] = []
        self.progress = progress
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.box = pii_box()
        self.mac_key = hashlib.sha256(("xinyong-content:" + settings.PII_KEY).encode()).digest()
        self.department: Department = batch.department
        self.pii_keys = [f.key for f in record_type.fields if f.pii]
        self.publicity_rule = record_type.publicity
        self.is_public = record_type.disclosure == "公开"
        self.warnings: set[str] = set()
        # Rows accepted with a conversion the submitter should know about (a legacy code, an
        # old penalty category mapped to the 2021 list …): counted, the first few quoted.
        self.rows_with_notes = 0
        self.note_samples: list[str] = []
        self._role_key = dict(record_type.roles)

    # -- the template -------------------------------------------------------------------

    def feed(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> Batch:
        chunk: list[tuple[int, dict[str, Any]]] = []
        for item in rows:
            chunk.append(item)
            if len(chunk) >= CHUNK_ROWS:
                self._process(chunk)
                chunk = []
        if chunk:
            self._process(chunk)
        return self.batch

    def _process(self, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        candidates: list[_Candidate] = []
        rejected: list[tuple[int, dict[str, Any], list[RowIssue]]] = []
        for number, raw in chunk:
            candidate, issues = self._validate(number, raw)
            if candidate is None:
                rejected.append((number, raw, issues))
            else:
                candidates.append(candidate)
        with transaction.atomic():
            lock_records()
            stored = self._store(candidates, rejected) if candidates else []
            if rejected:
                RowError.objects.bulk_create(
                    [
                        RowError(
                            batch=self.batch,
                            row_number=number,
                            errors=[i.as_dict() for i in issues],
                            raw=self._raw_for_storage(raw),
                        )
                        for number, raw, issues in rejected
                    ],
                    batch_size=1000,
                )
            b = self.batch
            b.submitted += len(chunk)
            b.accepted += len(stored)
            b.rejected += len(rejected)
            b.save(update_fields=list(BATCH_COUNTS))
        if self.keep_verdicts:
            self.verdicts.extend(stored)
            self.verdicts.extend(
                RowVerdict(row=n, accepted=False, errors=issues) for n, _, issues in rejected
            )
        if self.progress:
            self.progress(self.batch)

    def _raw_for_storage(self, raw: dict[str, Any]) -> dict[str, str]:
        """A rejected row as received, with ID numbers masked: the database never holds
        them in clear (the submitter's own file, archived with the batch, still does).

        Not only the ID fields: a number typed in the wrong column (e.g. the 统一社会信用代码
        column) or sent under a key the catalog does not know is masked too."""
        kept = {str(k): ric.mask_in_text(_text(_json_value(v))) for k, v in raw.items()}
        for key in self.pii_keys:
            if kept.get(key):
                kept[key] = ric.mask(kept[key])
        return kept

    def notes(self) -> list[str]:
        """Batch-level warnings: what could not be checked, and rows accepted with notes."""
        found = sorted(self.warnings)
        if self.rows_with_notes:
            shown = "；".join(self.note_samples)
            more = "……" if self.rows_with_notes > len(self.note_samples) else ""
            found.append(
                f"{self.rows_with_notes}行已接收但有提示（已按规则转换，请核实）：{shown}{more}"
            )
        return found

    # -- one row ------------------------------------------------------------------------

    def _validate(
        self, number: int, raw: dict[str, Any]
    ) -> tuple[_Candidate | None, list[RowIssue]]:
        result = self.rt.validate_row(raw)
        issues = [RowIssue(e.field_label, e.message) for e in result.errors]
        if result.warnings and not issues:
            self.rows_with_notes += 1
            if len(self.note_samples) < NOTE_SAMPLES:
                notes = "；".join(f"{w.field_label}：{w.message}" for w in result.warnings)
                self.note_samples.append(f"第{number}行 {notes}")
        if issues:
            return None, issues
        clean = result.clean
        roles = self.rt.role_values(clean)
        kind = kind_for(roles.get("subject_kind"), roles.get("subject_code"))
        id_number = roles.get("subject_id_number")
        code = roles.get("subject_code")
        if kind == SubjectKind.NATURAL:
            if not id_number:
                label = self._label("subject_id_number")
                return None, [RowIssue(label, "自然人须填写身份证件号码")]
            identity = ric.compact(str(id_number))
            if len(identity) == 15 and identity.isascii() and identity.isdigit():
                # one person, one subject: a legacy number is the 18-digit one (R-ID-1)
                identity = ric.to_18(identity)
            ref = SubjectRef(kind, roles["subject_name"], id_number=identity)
        else:
            if not code:
                return None, [RowIssue(self._label("subject_code"), "须填写统一社会信用代码")]
            ref = SubjectRef(kind, roles["subject_name"], uscc=str(code))
        source_code = clean.get("source_dept_code")
        if source_code and source_code != self.department.code:
            return None, [
                RowIssue(
                    self.rt.field("source_dept_code").label,
                    f"数据来源单位统一社会信用代码“{source_code}”与报送部门“{self.department.name}”"
                    f"（{self.department.code}）不符",
                )
            ]
        key = (str(roles.get("authority_code") or ""), str(roles.get("decision_number") or ""))
        return _Candidate(number, raw, clean, roles, ref, key), []

    def _label(self, role: str) -> str:
        f = self.rt.role_field(role)
        return f.label if f else role

    # -- storing a chunk ----------------------------------------------------------------

    def _protect(self, clean: dict[str, Any]) -> tuple[dict[str, Any], JsonText, str, str]:
        """Public-safe data (ID numbers masked) as a dict and as JSON text, the encrypted PII,
        and the content hash."""
        data = {k: _json_value(v) for k, v in clean.items() if v is not None and v != ""}
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hmac.new(self.mac_key, canonical.encode(), hashlib.sha256).hexdigest()
        pii = {k: data[k] for k in self.pii_keys if k in data}
        cipher = ""
        if not pii:
            return data, JsonText(canonical), cipher, digest
        cipher = self.box.encrypt(json.dumps(pii, ensure_ascii=False))
        for k, v in pii.items():
            data[k] = ric.mask(str(v))
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return data, JsonText(text), cipher, digest

    def _timeliness(self, decision_date: dt.date, received: dt.date) -> tuple[int | None, bool]:
        try:
            taken = self.calendar.between(decision_date, received)
        except ScheduleMissing as exc:
            self.warnings.add(f"{exc}；这些记录的及时性暂未计算")
            return None, False
        # The deadline is catalog data (双公示: 7 working days, 发改办财金〔2018〕424号).
        deadline = self.rt.timely_workdays
        return taken, deadline is not None and taken > deadline

    def _window(self, roles: dict[str, Any], decision_date: dt.date) -> publicity.Window | None:
        if not self.publicity_rule:
            return None
        return publicity.publicity_window(self.publicity_rule, decision_date, None, roles)

    def _existing(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], CreditRecord]:
        found: dict[tuple[str, str], CreditRecord] = {}
        authorities = sorted({k[0] for k in keys})
        numbers = sorted({k[1] for k in keys})
        for start in range(0, len(numbers), 500):
            # All three columns of the unique index, so both databases look it up by index.
            qs = CreditRecord.objects.filter(
                type_code=self.rt.code,
                authority_code__in=authorities,
                doc_no__in=numbers[start : start + 500],
            ).select_related("department")
            for record in qs:
                key = (record.authority_code, record.doc_no)
                if key in keys:
                    found[key] = record
        return found

    def _refuse(
        self,
        record: CreditRecord | None,
        c: _Candidate,
        rejected: list[tuple[int, dict[str, Any], list[RowIssue]]],
    ) -> bool:
        """Reject a row whose stored decision is another department's or revoked."""
        if record is None:
            return False
        if record.department_id != self.department.pk:
            message = f"该决定已由“{record.department.name}”报送，本部门无权修改"
        elif record.status == RecordStatus.REVOKED:
            message = "该决定已撤销，不能重新报送；如需恢复请联系信用办"
        else:
            return False
        rejected.append((c.row, c.raw, [RowIssue(self._label("decision_number"), message)]))
        return True

    def _store(
        self,
        candidates: list[_Candidate],
        rejected: list[tuple[int, dict[str, Any], list[RowIssue]]],
    ) -> list[RowVerdict]:
        existing = self._existing({c.decision_key for c in candidates})
        # Rows refused because of the stored decision are set aside before any subject is
        # created or renamed: a rejected row changes nothing (R-SEC-4).
        candidates = [
            c for c in candidates if not self._refuse(existing.get(c.decision_key), c, rejected)
        ]
        subjects = resolve((c.ref for c in candidates), source=f"批次{self.batch.pk}")
        b = self.batch
        creates: dict[tuple[str, str], tuple[CreditRecord, _Candidate]] = {}
        updates: dict[int, CreditRecord] = {}
        versions: list[tuple[CreditRecord, list[Any]]] = []
        verdicts: list[RowVerdict] = []
        for c in candidates:
            record = existing.get(c.decision_key) or (
                creates[c.decision_key][0] if c.decision_key in creates else None
            )
            data, text, cipher, digest = self._protect(c.clean)
            decision_date: dt.date = c.roles["decision_date"]
            subject = subjects[c.ref.key(self.box)]
            if record is not None and record.content_hash == digest:
                action = VersionAction.UNCHANGED
                b.unchanged += 1
            else:
                action = VersionAction.CREATE if record is None else VersionAction.UPDATE
                if record is None:
                    record = CreditRecord(type_code=self.rt.code, department_id=self.department.pk)
                    creates[c.decision_key] = (record, c)
                    b.created += 1
                else:
                    record.version += 1
                    if record.pk:
                        updates[record.pk] = record
                    b.updated += 1
                self._fill(record, c, subject, data, text, cipher, digest, decision_date)
            if record.late and action != VersionAction.UNCHANGED:
                b.late += 1
            versions.append((record, [record.version, action, text, cipher, digest, c.row]))
            verdicts.append(RowVerdict(row=c.row, accepted=True, action=action, late=record.late))
        dbbulk.save_new([r for r, _ in creates.values()])
        if updates:
            CreditRecord.objects.bulk_update(list(updates.values()), _UPDATE_FIELDS, batch_size=500)
        provenance = [b.pk, b.submitter_id, b.source, self.now, ""]
        dbbulk.insert(
            RecordVersion,
            _VERSION_FIELDS,
            [[record.pk, *values, *provenance] for record, values in versions],
        )
        for verdict, (record, _) in zip(verdicts, versions, strict=True):
            verdict.record_id = record.pk
        return verdicts

    def _fill(
        self,
        record: CreditRecord,
        c: _Candidate,
        subject: Any,
        data: dict[str, Any],
        text: JsonText,
        cipher: str,
        digest: str,
        decision_date: dt.date,
    ) -> None:
        roles = c.roles
        b = self.batch
        record.catalog_version = self.rt.version
        # Ids rather than instances: the related-object descriptors cost more than the row.
        record.subject_id = subject.pk
        record.authority_name = str(roles.get("authority_name") or self.department.name)
        record.authority_code, record.doc_no = c.decision_key
        record.decision_date = decision_date
        # New records are written by dbbulk with the text as is; updates go through the ORM.
        record.data = text if record.pk is None else data
        record.pii_cipher = cipher
        record.penalty_category = _text(roles.get("penalty_category"))[:200]
        record.fine_amount = roles.get("fine_amount")
        window = self._window(roles, decision_date)
        if window is not None:
            record.tier = window.tier or ""
            record.published = self.is_public and window.published
            record.publicity_start = window.start
            # Stored as the last day shown (the window's end is the first day not shown).
            end = window.longest_end
            record.publicity_end = end - dt.timedelta(days=1) if end else None
            record.publicity_rule = window.rule_id
        else:
            record.published = self.is_public
            record.publicity_start = decision_date
            record.publicity_end = None
        record.batch_id = b.pk
        record.row_number = c.row
        record.submitter_id = b.submitter_id
        record.source = b.source
        record.received_at = self.now
        # Timeliness counts from the first receipt: correcting a record later does not make
        # it late (``received_at`` above is the provenance of this version).
        if record.pk is None or record.received_date is None:
            record.received_date = self.today
        record.workdays_taken, record.late = self._timeliness(decision_date, record.received_date)
        record.content_hash = digest


_UPDATE_FIELDS = [
    "catalog_version",
    "subject",
    "authority_name",
    "decision_date",
    "data",
    "pii_cipher",
    "penalty_category",
    "fine_amount",
    "tier",
    "published",
    "publicity_start",
    "publicity_end",
    "publicity_rule",
    "batch",
    "row_number",
    "submitter",
    "source",
    "received_at",
    "received_date",
    "workdays_taken",
    "late",
    "content_hash",
    "version",
]


_VERSION_FIELDS = [
    "record",
    "version",
    "action",
    "data",
    "pii_cipher",
    "content_hash",
    "row_number",
    "batch",
    "submitter",
    "source",
    "received_at",
    "reason",
]
