"""政务诚信信息 (catalog type ``zwcx``) from the collection spine into the archive (R-GOV-1).

Departments submit zwcx rows like any record (file, API, form, ``xinyong import``). Four
receivers of :mod:`xinyong.ingest.signals` tie them to the archive:

- :func:`check_rows` refuses, in the batch's per-row verdict, a row the archive could not take:
  a code that is not a body under evaluation, a name that is not the body's, a kind the model
  in force on the date does not know, an honour without its level, a declared channel the
  submitting department cannot claim. So every accepted row becomes an event.
- :func:`archive_records` adds each stored record to the archive through
  :func:`xinyong.integrity.archive.add_event` with origin ``record:<id>``: a resubmission (same
  body and document) updates the same event.
- :func:`remove_revoked` withdraws the event when its record is revoked (it stays in the
  archive and no longer counts).
- :func:`repair_event` marks the event repaired (``repaired_on``) when its record is repaired
  (信用修复 approved in the repair app).

The last three run after commit and a failure there is only logged, so :func:`reconcile`
(daily) brings the archive back in line with the records.

A row may name one of the body's civil servants (公职人员姓名 + 公职人员身份证号码 + 职务): the
event then also enters that person's archive (IntegrityEvent.person, a natural-person subject
found by the keyed hash of the ID number). Name and number go together, the number must be a
valid 18-digit 身份证号码, and a number already registered under another name is refused
rather than renaming the person everywhere on the strength of one row.

The catalog's code list ``zwcx_kind`` and the model's kinds must agree: :func:`check_catalog`
runs at start-up (IntegrityConfig.ready).
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from xinyong.catalog.model import CodeList, RecordType, default_catalog
from xinyong.core import ric
from xinyong.core.exceptions import InvalidCode
from xinyong.departments.models import Department
from xinyong.ingest.signals import (
    RowProblem,
    record_repaired,
    record_revoked,
    records_stored,
    type_sender,
)
from xinyong.ingest.signals import check_rows as check_rows_signal
from xinyong.integrity.model import Model, default_versions
from xinyong.integrity.models import GovBody, SourceChannel
from xinyong.integrity.services import IntegrityError, mask_name, model_for
from xinyong.subjects.identity import SubjectRef, pii_box, resolve
from xinyong.subjects.models import Subject, SubjectKind

__all__ = [
    "KIND_LIST",
    "TYPE_CODE",
    "ReconcileCounts",
    "archive_records",
    "check_catalog",
    "check_rows",
    "connect",
    "kind_mismatches",
    "reconcile",
    "remove_revoked",
    "repair_event",
]

log = logging.getLogger(__name__)

#: The catalog type of 政务诚信信息 and its code list of event kinds.
TYPE_CODE = "zwcx"
KIND_LIST = "zwcx_kind"
#: 信息来源渠道 (code list zwcx_channel) → archive channel.
CHANNELS = {"本单位报送": SourceChannel.SELF, "部门共享": SourceChannel.SHARED}
_KIND_CODE = re.compile(r"[a-z][a-z0-9_]*")
_SPACES = re.compile(r"\s+")


# -- the code list and the model -------------------------------------------------------------


def _code_of(value: Any) -> list[str]:
    return [alias for alias in value.aliases if _KIND_CODE.fullmatch(alias)]


def kind_mismatches(codelist: CodeList, versions: Iterable[Model]) -> list[str]:
    """Where the code list and the model versions' kinds disagree (empty: they agree).

    Each value of the list must carry exactly one kind code as an alias; the codes must be the
    kinds of the versions, and each value the name the latest version gives its kind."""
    expected: dict[str, str] = {}
    for model in versions:
        expected.update(model.kinds)
    problems: list[str] = []
    listed: dict[str, str] = {}
    for value in codelist.values:
        codes = _code_of(value)
        if len(codes) != 1:
            problems.append(f"“{value.value}”应有且只有一个小写英文的类别代码别名")
            continue
        listed[codes[0]] = value.value
    for code in expected.keys() - listed.keys():
        problems.append(f"缺少类别“{code}”（{expected[code]}）")
    for code in listed.keys() - expected.keys():
        problems.append(f"类别“{code}”（{listed[code]}）不在评价模型中")
    for code in sorted(expected.keys() & listed.keys()):
        if listed[code] != expected[code]:
            problems.append(f"类别“{code}”代码表为“{listed[code]}”，评价模型为“{expected[code]}”")
    return sorted(problems)


def check_catalog() -> None:
    """Stop start-up when the zwcx code list and the bundled model's kinds disagree."""
    codelist = default_catalog().codelists.get(KIND_LIST)
    if codelist is None:
        raise ImproperlyConfigured(f"信用信息目录缺少代码表“{KIND_LIST}”（政务诚信事件类别）")
    problems = kind_mismatches(codelist, default_versions())
    if problems:
        raise ImproperlyConfigured(
            f"代码表“{KIND_LIST}”（catalog/data/codelists.yaml）与政务诚信评价模型的事件类别"
            f"（integrity/data/model.yaml 的 kinds）不一致：{'；'.join(problems)}"
        )


def _kinds() -> CodeList:
    return default_catalog().codelists[KIND_LIST]


def _kind(codelist: CodeList, text: Any) -> str:
    """The model's kind code for a stored 事件类别 (the code list's value)."""
    canonical = codelist.canonical(str(text or ""))
    for value in codelist.values:
        if value.value == canonical:
            return _code_of(value)[0]
    return ""


# -- helpers -----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def is_own(body: GovBody, department: Department) -> bool:
    """Whether the department is the body itself (its report is 本单位报送)."""
    return body.department_id == department.pk or department.code == body.subject.uscc


def _channel(body: GovBody, department: Department) -> str:
    return SourceChannel.SELF if is_own(body, department) else SourceChannel.SHARED


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value) if value else None


def _record_type(batch: Any) -> RecordType:
    return default_catalog().type(TYPE_CODE, version=batch.catalog_version)


#: Kinds another register of the platform already feeds into the archive (integrity/sources.py):
#: reported again through zwcx they would count twice.
REGISTERED = {
    "arrears": "拖欠账款台账",
    "sxbzxr": "失信被执行人名单",
    "complaint": "政务失信投诉办理",
}

# -- receivers ---------------------------------------------------------------------------------


def check_rows(
    sender: Any, *, rows: Sequence[tuple[int, Mapping[str, Any]]], batch: Any, **_: Any
) -> list[RowProblem]:
    """Refuse the rows of a chunk the archive could not take, each with a Chinese reason."""
    rt = _record_type(batch)
    label = {f.key: f.label for f in rt.fields}
    codelist = _kinds()
    department: Department = batch.department
    codes = {str(clean["body_code"]) for _, clean in rows}
    bodies = {
        b.subject.uscc: b
        for b in GovBody.objects.filter(subject__uscc__in=codes).select_related("subject")
    }
    models: dict[tuple[int, int], Model] = {}
    problems: list[RowProblem] = []
    for row, clean in rows:
        code = str(clean["body_code"])
        body = bodies.get(code)
        if body is None:
            problems.append(
                RowProblem(
                    row,
                    label["body_code"],
                    f"“{code}”（{clean['body_name']}）不是政务诚信评价对象，"
                    "请先由信用办将该单位纳入评价",
                )
            )
            continue
        name = _fold(str(clean["body_name"]))
        if name not in (_fold(body.name), _fold(body.subject.name)):
            problems.append(
                RowProblem(
                    row,
                    label["body_name"],
                    f"“{clean['body_name']}”与评价对象登记的名称“{body.name}”不符，请按登记名称填写",
                )
            )
        day: datetime.date = clean["event_date"]
        month = (day.year, day.month)
        if month not in models:
            models[month] = model_for(day.replace(day=1))
        model = models[month]
        kind = _kind(codelist, clean["event_kind"])
        item = model.item_for_kind.get(kind)
        if kind not in model.kinds:
            problems.append(
                RowProblem(
                    row,
                    label["event_kind"],
                    f"“{clean['event_kind']}”不在{day:%Y年%m月}施行的{model.version}版评价模型中",
                )
            )
        elif kind in REGISTERED:
            problems.append(
                RowProblem(
                    row,
                    label["event_kind"],
                    f"“{model.kinds[kind]}”由{REGISTERED[kind]}自动计入政务诚信档案，"
                    "不通过报送录入（避免重复计分）",
                )
            )
        elif item is not None and item.honour and not clean.get("honour_level"):
            problems.append(
                RowProblem(row, label["honour_level"], f"“{model.kinds[kind]}”须填写荣誉级别")
            )
        declared = CHANNELS.get(str(clean.get("channel") or ""))
        if declared is not None and declared != _channel(body, department):
            if declared == SourceChannel.SELF:
                message = f"“{department.name}”不是{body.name}本身，其报送的信息应为“部门共享”"
            else:
                message = f"“{department.name}”就是{body.name}本身，其报送的信息应为“本单位报送”"
            problems.append(RowProblem(row, label["channel"], message))
        problems.extend(_person_problems(row, clean, label))
    return problems


def _person_problems(
    row: int, clean: Mapping[str, Any], label: Mapping[str, str]
) -> list[RowProblem]:
    """Why a row's civil servant (公职人员) cannot be named: name, number and role go together."""
    name = str(clean.get("person_name") or "").strip()
    number = str(clean.get("person_id_number") or "").strip()
    role = str(clean.get("person_role") or "").strip()
    if not (name or number or role):
        return []
    if not name and not number:
        return [
            RowProblem(row, label["person_role"], "填写职务时须同时填写公职人员姓名和身份证号码")
        ]
    if not number:
        return [
            RowProblem(row, label["person_id_number"], "填写公职人员姓名时须同时填写其身份证号码")
        ]
    if not name:
        return [RowProblem(row, label["person_name"], "填写公职人员身份证号码时须同时填写其姓名")]
    try:
        code = ric.validate(number)
    except InvalidCode as exc:
        return [
            RowProblem(
                row,
                label["person_id_number"],
                f"公职人员身份证号码“{ric.mask(number)}”无效：{exc}",
            )
        ]
    if len(code) != 18:
        return [
            RowProblem(
                row,
                label["person_id_number"],
                f"公职人员身份证号码“{ric.mask(code)}”应为18位居民身份证号码",
            )
        ]
    known = (
        Subject.objects.filter(id_hash=pii_box().lookup_hash(code))
        .values_list("name", flat=True)
        .first()
    )
    if known is not None and known != name:
        return [
            RowProblem(
                row,
                label["person_name"],
                f"身份证号码“{ric.mask(code)}”已登记为“{mask_name(known)}”，与填写的姓名不符，"
                "请核对；确系更名的请联系信用办",
            )
        ]
    return []


def _person(record: Any) -> tuple[Subject | None, str]:
    """The civil servant a stored zwcx record names (resolved or created), and the role.

    The record's data holds only the masked number: the full one is read back from its
    encrypted PII."""
    name = str(record.data.get("person_name") or "").strip()
    if not name or not record.pii_cipher:
        return None, ""
    # PiiBox.encrypt upper-cases what it encrypts, the JSON keys of the record's PII included.
    pii = {str(k).lower(): v for k, v in json.loads(pii_box().decrypt(record.pii_cipher)).items()}
    number = str(pii.get("person_id_number") or "")
    if not number:
        return None, ""
    ref = SubjectRef(SubjectKind.NATURAL, name, id_number=ric.compact(number))
    subject = next(iter(resolve([ref], source="政务诚信信息（公职人员）").values()))
    return subject, str(record.data.get("person_role") or "")


def _origin(pk: int) -> str:
    return f"record:{pk}"


def _repaired_on(record: Any, fallback: datetime.date) -> datetime.date | None:
    """When the record's event stopped counting as repaired: the 信用修复日期 the department
    reported, else (a record repaired through the platform) the day the repair was approved."""
    from xinyong.records.models import RecordStatus

    given = _date(record.data.get("repaired_on"))
    if given is not None or record.status != RecordStatus.REPAIRED:
        return given
    return timezone.localdate(record.repaired_at) if record.repaired_at else fallback


def _archive(record: Any, codelist: CodeList, actor: Any) -> None:
    """Add (or update) the archive event of one zwcx record; IntegrityError (Chinese) if the
    archive cannot take it."""
    from xinyong.integrity import archive

    data = record.data
    code = str(data.get("body_code") or record.authority_code)
    body = archive.body_for(code=code)
    if body is None:  # taken out of the evaluation between check and commit
        raise IntegrityError(f"“{code}”（{data.get('body_name') or ''}）已不是政务诚信评价对象")
    kind = _kind(codelist, data.get("event_kind"))
    day = record.decision_date
    model = model_for(day)
    item = model.item_for_kind.get(kind)
    # A level means something only for honours (level points, the extended window).
    level = str(data.get("honour_level") or "") if item is not None and item.honour else ""
    if kind == model.ontime_kind:
        # 报送履约信息 earns the on-time bonus by its date (engine.ontime_months): that is
        # the day the platform first received the report, not a date the body writes.
        day = record.received_date
    name, summary = str(data.get("event_name") or ""), str(data.get("summary") or "")
    issuer = str(data.get("doc_issuer") or "")
    repaired = _repaired_on(record, timezone.localdate())
    person, role = _person(record)
    archive.add_event(
        body,
        kind,
        day,
        channel=_channel(body, record.department),
        source_doc=f"{issuer} {record.doc_no}" if issuer else record.doc_no,
        level=level,
        note=f"{name}：{summary}" if summary else name,
        origin=_origin(record.pk),
        rectified_on=_date(data.get("rectified_on")),
        # A repair cannot precede the event (archive.clear_event refuses it).
        repaired_on=max(repaired, day) if repaired else None,
        person=person,
        person_role=role,
        actor=actor,
    )


def archive_records(sender: Any, *, record_ids: Sequence[int], batch: Any, **_: Any) -> None:
    """Add (or update) the archive event of each stored zwcx record.

    One record failing does not stop the others; :func:`reconcile` (daily) retries it."""
    from xinyong.records.models import CreditRecord, RecordStatus

    codelist = _kinds()
    actor = batch.submitter or f"{batch.department.name}报送（批次{batch.pk}）"
    records = CreditRecord.objects.filter(
        pk__in=list(record_ids), type_code=TYPE_CODE, status=RecordStatus.ACTIVE
    ).select_related("department")
    for record in records.order_by("pk"):
        try:
            _archive(record, codelist, actor)
        except IntegrityError as exc:
            log.warning("zwcx record %s could not enter the archive: %s", record.pk, exc)
        except Exception:
            log.exception("zwcx record %s could not enter the archive", record.pk)


def remove_revoked(sender: Any, *, record: Any, reason: str, actor: Any = None, **_: Any) -> None:
    """A revoked zwcx record takes its archive event out (kept in the audit log)."""
    from xinyong.integrity.archive import remove_event

    remove_event(_origin(record.pk), reason, actor=actor)


def repair_event(sender: Any, *, record: Any, reason: str, actor: Any = None, **_: Any) -> None:
    """A repaired zwcx record (信用修复) marks its event repaired: the negatives of items that
    stop on repair stop counting from the next month, the body's dishonest item closes."""
    from xinyong.integrity import archive
    from xinyong.integrity.models import IntegrityEvent

    event = IntegrityEvent.objects.filter(origin=_origin(record.pk)).first()
    if event is None:  # it never entered the archive: enter it now, repaired
        _archive(record, _kinds(), actor)
    elif event.repaired_on is None:
        day = _repaired_on(record, timezone.localdate()) or timezone.localdate()
        archive.clear_event(event, repaired_on=max(day, event.event_date), actor=actor)


# -- the daily reconciliation ------------------------------------------------------------------

#: Who the reconciliation acts as in the audit log.
RECONCILE_ACTOR = "系统（政务诚信信息核对）"
_SHOWN_PROBLEMS = 10


@dataclass
class ReconcileCounts:
    """What :func:`reconcile` did; ``problems`` names each record it could not bring in line."""

    records: int = 0
    added: int = 0
    repaired: int = 0
    removed: int = 0
    problems: list[str] = field(default_factory=list)

    def explain(self) -> str:
        line = (
            f"政务诚信信息核对：{self.records}条记录，补记事件{self.added}条、"
            f"补记信用修复{self.repaired}条、补记撤销{self.removed}条"
        )
        if self.problems:
            shown = "；".join(self.problems[:_SHOWN_PROBLEMS])
            more = f"等{len(self.problems)}条" if len(self.problems) > _SHOWN_PROBLEMS else ""
            line += f"；{len(self.problems)}条未能处理：{shown}{more}"
        return line


def _problem(record: Any, exc: Exception) -> str:
    if isinstance(exc, IntegrityError):
        why = str(exc)
    else:
        log.exception("zwcx record %s could not be reconciled", record.pk)
        why = f"系统错误（{type(exc).__name__}），详见服务器日志"
    return f"记录{record.pk}（{record.doc_no}）：{why}"


def reconcile(day: datetime.date | None = None, actor: Any = RECONCILE_ACTOR) -> ReconcileCounts:
    """Bring the archive in line with the zwcx records (daily; safe to run twice).

    The receivers above run after commit and only log a failure; this catches up: an active or
    repaired record without its ``record:<id>`` event gets one, a repaired record's event
    without a repair date gets it, a revoked record's event that still counts is withdrawn
    (:func:`archive.remove_event`). Two queries when everything agrees; a record that cannot be
    brought in line is named in ``problems`` and the others go on."""
    from xinyong.integrity import archive
    from xinyong.integrity.models import IntegrityEvent
    from xinyong.records.models import CreditRecord, RecordStatus

    today = day or timezone.localdate()
    counts = ReconcileCounts()
    events = {
        e["origin"]: e
        for e in IntegrityEvent.objects.filter(origin__startswith="record:").values(
            "origin", "repaired_on", "withdrawn_on"
        )
    }
    todo: dict[int, str] = {}
    for pk, status in CreditRecord.objects.filter(type_code=TYPE_CODE).values_list("pk", "status"):
        counts.records += 1
        event = events.get(_origin(pk))
        if status == RecordStatus.REVOKED:
            if event is not None and event["withdrawn_on"] is None:
                todo[pk] = "remove"
        elif event is None:
            todo[pk] = "add"
        elif status == RecordStatus.REPAIRED and event["repaired_on"] is None:
            todo[pk] = "repair"
    if not todo:
        return counts
    codelist = _kinds()
    records = CreditRecord.objects.filter(pk__in=list(todo)).select_related("department")
    for record in records.order_by("pk"):
        action = todo[record.pk]
        try:
            with transaction.atomic():
                if action == "remove":
                    reason = record.revoked_reason or "信用记录已撤销"
                    counts.removed += archive.remove_event(_origin(record.pk), reason, actor=actor)
                elif action == "add":
                    _archive(record, codelist, actor)
                    counts.added += 1
                else:
                    unrepaired = IntegrityEvent.objects.select_related("body").get(
                        origin=_origin(record.pk)
                    )
                    repaired = _repaired_on(record, today) or today
                    archive.clear_event(
                        unrepaired,
                        repaired_on=max(repaired, unrepaired.event_date),
                        actor=actor,
                    )
                    counts.repaired += 1
        except Exception as exc:  # one bad record must not stop the daily job
            counts.problems.append(_problem(record, exc))
    return counts


def connect() -> None:
    """Connect the receivers for the zwcx type (IntegrityConfig.ready)."""
    sender = type_sender(TYPE_CODE)
    check_rows_signal.connect(check_rows, sender=sender, dispatch_uid="integrity.zwcx.check")
    records_stored.connect(archive_records, sender=sender, dispatch_uid="integrity.zwcx.store")
    record_revoked.connect(remove_revoked, sender=sender, dispatch_uid="integrity.zwcx.revoke")
    record_repaired.connect(repair_event, sender=sender, dispatch_uid="integrity.zwcx.repair")
