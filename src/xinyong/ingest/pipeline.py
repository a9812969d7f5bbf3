"""The ingestion template (R-ING-1…5): validate rows, resolve subjects, store records.

Every submission path (file upload, API, form, command line) ends here. Rows are processed in
chunks: each chunk is validated, its subjects and existing decisions are looked up in bulk,
and its records, versions and rejected rows are written in bulk inside one transaction. The
batch carries the counts, and ``accepted + rejected == submitted`` holds after every chunk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from xinyong import dbbulk
from xinyong.catalog.model import RecordType
from xinyong.core import ric
from xinyong.core.workdays import WorkCalendar
from xinyong.departments.models import Department
from xinyong.ingest import signals
from xinyong.ingest.derived import Protector, Timeliness, Windows, as_text, json_value
from xinyong.ingest.models import BATCH_COUNTS, Batch, RowError
from xinyong.records.models import CreditRecord, RecordStatus, RecordVersion, VersionAction
from xinyong.subjects.identity import SubjectRef, kind_for, pii_box, resolve_ids
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
    subject_key: tuple[str, str]  # SubjectRef.key, computed once (a keyed hash for persons)
    decision_key: tuple[str, str]


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
        self.department: Department = batch.department
        self.pii_keys = [f.key for f in record_type.fields if f.pii]
        self.protector = Protector(self.box, settings.PII_KEY, self.pii_keys)
        self.windows = Windows(record_type.publicity, record_type.disclosure == "公开")
        self.warnings: set[str] = set()
        self.timeliness = Timeliness(calendar, record_type.timely_workdays, self.warnings)
        # Rows accepted with a conversion the submitter should know about (a legacy code, an
        # old penalty category mapped to the 2021 list …): counted, the first few quoted.
        self.rows_with_notes = 0
        self.note_samples: list[str] = []
        self._role_key = dict(record_type.roles)
        # Other apps' hooks for this type (ingest.signals); None when nobody listens, so a
        # type without receivers does no extra work.
        self._row_checks = signals.listening(signals.check_rows, record_type.code)
        self._stored_ids: list[int] | None = (
            [] if signals.listening(signals.records_stored, record_type.code) else None
        )

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
        if candidates and self._row_checks:
            candidates = self._checked(candidates, rejected)
        with transaction.atomic():
            lock_records()
            stored = self._store(candidates, rejected) if candidates else 0
            if self._stored_ids:
                signals.send_stored(self.rt.code, self._stored_ids, self.batch)
                self._stored_ids = []
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
            b.accepted += stored
            b.rejected += len(rejected)
            b.save(update_fields=list(BATCH_COUNTS))
        if self.keep_verdicts:
            self.verdicts.extend(
                RowVerdict(row=n, accepted=False, errors=issues) for n, _, issues in rejected
            )
        if self.progress:
            self.progress(self.batch)

    def _checked(
        self,
        candidates: list[_Candidate],
        rejected: list[tuple[int, dict[str, Any], list[RowIssue]]],
    ) -> list[_Candidate]:
        """The candidates the type's receivers of ``signals.check_rows`` do not refuse."""
        problems = signals.problems_by_row(
            self.rt.code, [(c.row, c.clean) for c in candidates], self.batch
        )
        if not problems:
            return candidates
        kept = []
        for c in candidates:
            found = problems.get(c.row)
            if found:
                rejected.append((c.row, c.raw, [RowIssue(p.field, p.message) for p in found]))
            else:
                kept.append(c)
        return kept

    def _raw_for_storage(self, raw: dict[str, Any]) -> dict[str, str]:
        """A rejected row as received, with ID numbers masked: the database never holds
        them in clear (the submitter's own file, archived with the batch, still does).

        Not only the ID fields: a number typed in the wrong column (e.g. the 统一社会信用代码
        column) or sent under a key the catalog does not know is masked too."""
        kept = {str(k): ric.mask_in_text(as_text(json_value(v))) for k, v in raw.items()}
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
        return _Candidate(number, raw, clean, roles, ref, ref.key(self.box), key), []

    def _label(self, role: str) -> str:
        f = self.rt.role_field(role)
        return f.label if f else role

    # -- storing a chunk ----------------------------------------------------------------

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
        elif record.status == RecordStatus.REPAIRED:
            # A repaired record left publication by a decision; a resubmission must not
            # silently bring it back (R-REP-1).
            message = "该决定已完成信用修复，不能重新报送；如确需更正请联系信用办"
        else:
            return False
        rejected.append((c.row, c.raw, [RowIssue(self._label("decision_number"), message)]))
        return True

    def _store(
        self,
        candidates: list[_Candidate],
        rejected: list[tuple[int, dict[str, Any], list[RowIssue]]],
    ) -> int:
        """Write a chunk's accepted rows and return how many; their verdicts are kept when
        ``keep_verdicts`` is set.

        New records are written as plain rows (``_NewRecord``), without model instances:
        building and reading back a model instance per row cost more than validating it.
        Records that exist already are updated through the ORM."""
        existing = self._existing({c.decision_key for c in candidates})
        # Rows refused because of the stored decision are set aside before any subject is
        # created or renamed: a rejected row changes nothing (R-SEC-4).
        candidates = [
            c for c in candidates if not self._refuse(existing.get(c.decision_key), c, rejected)
        ]
        wanted: dict[tuple[str, str], SubjectRef] = {}
        for c in candidates:
            wanted.setdefault(c.subject_key, c.ref)
        subjects = resolve_ids(wanted, source=f"批次{self.batch.pk}")
        b = self.batch
        creates: dict[tuple[str, str], _NewRecord] = {}
        updates: dict[int, CreditRecord] = {}
        versions: list[tuple[CreditRecord | _NewRecord, list[Any]]] = []
        verdicts: list[RowVerdict] = []
        for c in candidates:
            record: CreditRecord | _NewRecord | None = existing.get(c.decision_key) or creates.get(
                c.decision_key
            )
            data, text, cipher, digest = self.protector.protect(c.clean)
            if record is not None and record.content_hash == digest:
                action = VersionAction.UNCHANGED
                b.unchanged += 1
            else:
                subject_id = subjects[c.subject_key]
                if isinstance(record, CreditRecord):
                    action = VersionAction.UPDATE
                    record.version += 1
                    self._update(record, c, subject_id, data, cipher, digest)
                    updates[record.pk] = record
                    b.updated += 1
                else:
                    values = self._values(c, subject_id, text, cipher, digest, self.today)
                    if record is None:
                        action = VersionAction.CREATE
                        record = creates[c.decision_key] = _NewRecord(values)
                        b.created += 1
                    else:  # the same decision twice in one chunk: its second version
                        action = VersionAction.UPDATE
                        record.version += 1
                        record.values = values
                        b.updated += 1
                if record.late:
                    b.late += 1
            versions.append((record, [record.version, action, text, cipher, digest, c.row]))
            if self.keep_verdicts:
                verdicts.append(RowVerdict(c.row, True, action, late=record.late))
        new = list(creates.values())
        active = RecordStatus.ACTIVE.value
        ids = dbbulk.insert(
            CreditRecord,
            _NEW_FIELDS,
            [[self.rt.code, self.department.pk, active, "", n.version, *n.values] for n in new],
            returning=True,
        )
        for n, pk in zip(new, ids, strict=True):
            n.pk = pk
        if updates:
            CreditRecord.objects.bulk_update(list(updates.values()), _UPDATE_FIELDS, batch_size=500)
        if self._stored_ids is not None:
            self._stored_ids.extend(ids)
            self._stored_ids.extend(updates)
        provenance = [b.pk, b.submitter_id, b.source, self.now, ""]
        dbbulk.insert(
            RecordVersion,
            _VERSION_FIELDS,
            [[record.pk, *values, *provenance] for record, values in versions],
        )
        if self.keep_verdicts:
            for verdict, (record, _) in zip(verdicts, versions, strict=True):
                verdict.record_id = record.pk
            self.verdicts.extend(verdicts)
        return len(versions)

    def _values(
        self,
        c: _Candidate,
        subject_id: int,
        data: Any,
        cipher: str,
        digest: str,
        received_date: dt.date,
    ) -> list[Any]:
        """The record's columns derived from the row, in ``_FILLED_FIELDS`` order."""
        roles = c.roles
        decision_date: dt.date = roles["decision_date"]
        b = self.batch
        tier, published, start, end, rule = self.windows.fields(roles, decision_date)
        # Timeliness counts from the first receipt: correcting a record later does not make
        # it late (``received_at`` is the provenance of this version).
        taken, late = self.timeliness.of(decision_date, received_date)
        authority_code, doc_no = c.decision_key
        return [
            self.rt.version,
            subject_id,
            str(roles.get("authority_name") or self.department.name),
            authority_code,
            doc_no,
            decision_date,
            data,
            cipher,
            as_text(roles.get("penalty_category"))[:200],
            roles.get("fine_amount"),
            tier,
            published,
            start,
            end,
            rule,
            b.pk,
            c.row,
            b.submitter_id,
            b.source,
            self.now,
            received_date,
            taken,
            late,
            digest,
        ]

    def _update(
        self,
        record: CreditRecord,
        c: _Candidate,
        subject_id: int,
        data: dict[str, Any],
        cipher: str,
        digest: str,
    ) -> None:
        received = record.received_date or self.today
        values = self._values(c, subject_id, data, cipher, digest, received)
        for name, value in zip(_FILLED_ATTNAMES, values, strict=True):
            # Without a publicity rule the stored tier and rule are left as they are.
            if self.windows.rule or name not in _WINDOW_ONLY:
                setattr(record, name, value)


class _NewRecord:
    """A record a chunk creates: its ``_FILLED_FIELDS`` values, then its id once inserted."""

    __slots__ = ("pk", "values", "version")

    def __init__(self, values: list[Any]) -> None:
        self.values = values
        self.version = 1
        self.pk: int | None = None

    @property
    def late(self) -> bool:
        return bool(self.values[_LATE])

    @property
    def content_hash(self) -> str:
        return str(self.values[_CONTENT_HASH])


#: The columns ``Ingestion._values`` fills, in its order.
_FILLED_FIELDS = (
    "catalog_version",
    "subject",
    "authority_name",
    "authority_code",
    "doc_no",
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
)
_FILLED_ATTNAMES = tuple(
    f"{name}_id" if name in ("subject", "batch", "submitter") else name for name in _FILLED_FIELDS
)
_LATE = _FILLED_FIELDS.index("late")
_CONTENT_HASH = _FILLED_FIELDS.index("content_hash")
_WINDOW_ONLY = frozenset({"tier", "publicity_rule"})
#: A new record's columns: Django sets no database defaults, so the model's are written here.
_NEW_FIELDS = ("type_code", "department", "status", "revoked_reason", "version", *_FILLED_FIELDS)

_UPDATE_FIELDS = [name for name in _FILLED_FIELDS if name not in ("authority_code", "doc_no")] + [
    "version"
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
