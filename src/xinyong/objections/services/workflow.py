"""Acceptance, the department's answer, closing, suspension and correction notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q

from xinyong.audit.models import AuditAction
from xinyong.casework import due_after as _due
from xinyong.casework import today_or as _today
from xinyong.core import ric
from xinyong.core.publicity import add_months
from xinyong.departments.permissions import (
    ensure_can_act_for,
    ensure_operator,
)
from xinyong.lists.models import EntryStatus, EventKind, ListEntry
from xinyong.objections.models import (
    CorrectionNotice,
    Objection,
    Outcome,
    Status,
    StepKind,
)
from xinyong.objections.services.common import (
    ObjectionError,
    _step,
    rule_of,
    tied_entries,
)
from xinyong.records.models import CreditRecord, field_labels
from xinyong.subjects.identity import pii_box


def _label(entry: ListEntry) -> str:
    return f"{entry.definition.name}（{entry.listed_name}）"


def _change_entry(
    objection: Objection,
    entry: ListEntry,
    status: EntryStatus,
    kind: EventKind,
    reason: str,
    actor: Any,
    day: dt.date,
) -> str:
    """Change a list entry's status because of ``objection``; returns the entry's label."""
    from xinyong.lists.services import change_status

    change_status(entry, status, kind, reason, actor, day=day, detail={"objection": objection.pk})
    return _label(entry)


def _suspend(objection: Objection, actor: Any, day: dt.date, request: Any) -> None:
    ids: list[int] = []
    names: list[str] = []
    for entry in tied_entries(objection).filter(related_to__isnull=True):
        if not entry.in_force_on(day):
            continue
        if entry.status == EntryStatus.ACTIVE:
            _change_entry(
                objection,
                entry,
                EntryStatus.OBJECTION,
                EventKind.OBJECTION,
                f"{objection}处理期间暂停执行相关惩戒措施",
                actor,
                day,
            )
        ids.append(entry.pk)
        names.append(_label(entry))
    if not ids:
        return
    objection.suspended = ids
    objection.save(update_fields=["suspended"])
    _step(
        objection,
        StepKind.SUSPEND,
        actor,
        day,
        "异议处理期间，以下名单条目的惩戒措施暂停执行：" + "、".join(names),
        request=request,
        detail={"entries": ids},
    )


def _held_elsewhere(objection: Objection, entry: ListEntry) -> bool:
    """Whether another objection still being handled keeps ``entry`` suspended."""
    target = Q(entry_id=entry.pk)
    if entry.record_id is not None:
        target |= Q(record_id=entry.record_id)
    others = Objection.objects.open().exclude(pk=objection.pk).filter(target)
    return any(_suspending(other) for other in others)


def _suspending(objection: Objection) -> bool:
    if objection.status in (Status.VERIFYING, Status.ANSWERED):
        return True
    return objection.status == Status.SUBMITTED and rule_of(objection).suspend_from == "filing"


def _resume(objection: Objection, actor: Any, day: dt.date, request: Any) -> None:
    resumed: list[str] = []
    for entry in ListEntry.objects.filter(pk__in=objection.suspended).order_by("pk"):
        if entry.status != EntryStatus.OBJECTION or _held_elsewhere(objection, entry):
            continue
        reason = f"{objection}已办结（{objection.get_outcome_display() or '不予受理'}），恢复有效"
        resumed.append(
            _change_entry(
                objection, entry, EntryStatus.ACTIVE, EventKind.RESUME, reason, actor, day
            )
        )
    if resumed:
        _step(
            objection,
            StepKind.RESUME,
            actor,
            day,
            "以下名单条目恢复有效：" + "、".join(resumed),
            request=request,
        )


# -- the credit office: acceptance --------------------------------------------------------------


def _lock(objection: Objection, status: Status, refusal: str) -> Objection:
    """The objection, locked for the step; refused unless it is in ``status``."""
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != status:
        raise ObjectionError(f"{locked}当前为“{locked.get_status_display()}”，{refusal}")
    return locked


def _finish(objection: Objection, status: Status, day: dt.date, *fields: str) -> None:
    """End the objection in ``status`` (no deadline any more), saving ``fields`` too."""
    objection.status = status
    objection.closed_on = day
    objection.due_date = None
    objection.save(update_fields=["status", "closed_on", "due_date", *fields])


def accept(
    user: Any,
    objection: Objection,
    note: str = "",
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Objection:
    """受理: route to the providing department, start its verification clock, suspend."""
    ensure_operator(user, what="受理异议", request=request)
    day = _today(today)
    rule = rule_of(objection)
    with transaction.atomic():
        objection = _lock(objection, Status.SUBMITTED, "不能受理")
        due = _due(day, rule.steps["verify"])
        objection.status = Status.VERIFYING
        objection.accepted_on = day
        objection.stage_started = day
        objection.due_date = due
        objection.save(update_fields=["status", "accepted_on", "stage_started", "due_date"])
        text = f"已受理。{objection.routing_note}，应在{rule.steps['verify']}个工作日内核查答复"
        _step(
            objection,
            StepKind.ACCEPT,
            user,
            day,
            f"{text}。{note.strip()}" if note.strip() else text,
            due=due,
            request=request,
        )
        if rule.suspend_from == "accept":
            _suspend(objection, user, day, request)
        if objection.department_id is not None:
            from xinyong.jrp.notify import notify_department

            notify_department(
                objection.department_id,
                "objection",
                f"新的异议待核查：{objection.number}",
                f"{objection.target_label}收到异议，请在{due or '规定期限'}前核查答复。",
                subject=objection.subject,
                link=f"/office/objections/{objection.pk}/",
                data={"objection": objection.pk},
            )
    return objection


def refuse(
    user: Any,
    objection: Objection,
    reason: str,
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Objection:
    """不予受理, with the reason the objector is shown."""
    ensure_operator(user, what="不予受理异议", request=request)
    reason = reason.strip()
    if not reason:
        raise ObjectionError("不予受理须说明理由")
    day = _today(today)
    with transaction.atomic():
        objection = _lock(objection, Status.SUBMITTED, "不能作不予受理")
        objection.outcome_reason = reason
        _finish(objection, Status.REFUSED, day, "outcome_reason")
        _step(objection, StepKind.REFUSE, user, day, f"不予受理：{reason}", request=request)
        _resume(objection, user, day, request)
    return objection


# -- the providing department: the answer -------------------------------------------------------


def _corrected_row(
    record: CreditRecord, corrections: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The record's full row (ID numbers decrypted) with the corrected values, and the
    corrections by field key (as text, for the objection's history)."""
    from xinyong.ingest.services import SubmissionError, record_type

    try:
        rt = record_type(record.type_code)
    except SubmissionError as exc:
        raise ObjectionError(exc.message) from None
    by_label = {f.label: f.key for f in rt.fields}
    keys = set(rt.keys)
    changes: dict[str, str] = {}
    for name, value in corrections.items():
        key = by_label.get(str(name), str(name))
        if key not in keys:
            raise ObjectionError(f"“{name}”不是{rt.name}目录中的字段")
        changes[key] = "" if value is None else str(value).strip()
    if not changes:
        raise ObjectionError("更正须填写至少一个更正后的字段值")
    row: dict[str, Any] = dict(record.data)
    if record.pii_cipher:
        row.update(pii_box().decrypt_fields(record.pii_cipher))
    for role in ("decision_number", "authority_code"):
        role_key = rt.roles.get(role)
        if role_key and role_key in changes and changes[role_key] != str(row.get(role_key) or ""):
            label = rt.field(role_key).label
            raise ObjectionError(
                f"“{label}”标识这项决定，不能通过更正修改；决定有误的请撤销后重新报送"
            )
    row.update(changes)
    shown = {
        key: (ric.mask(value) if rt.field(key).pii and value else value)
        for key, value in changes.items()
    }
    return row, shown


def _described(objection: Objection, values: Mapping[str, Any], sep: str) -> str:
    """Corrected values (kept by field key) in words for people: the fields' labels, in the
    catalog's order (PostgreSQL keeps a JSON object's keys in an order of its own)."""
    labels: dict[str, str] = {}
    if objection.record is not None:
        labels = field_labels(objection.record.type_code, objection.record.catalog_version)
    order = [k for k in labels if k in values] + sorted(k for k in values if k not in labels)
    return "；".join(f"{labels.get(k, k)}{sep}{values[k] or '（空）'}" for k in order)


def _apply_correction(
    user: Any, objection: Objection, corrections: Mapping[str, Any], reason: str
) -> dict[str, str]:
    """Submit the corrected record as a new version through the collection pipeline."""
    from xinyong.ingest.services import SubmissionError, submit_rows
    from xinyong.records.models import RecordVersion, Source

    record = objection.record
    assert record is not None
    row, shown = _corrected_row(record, corrections)
    try:
        _batch, verdicts = submit_rows(
            user, record.department, record.type_code, [row], source=Source.FORM, actor=user
        )
    except SubmissionError as exc:
        raise ObjectionError(f"更正未能保存：{exc.message}") from None
    verdict = verdicts[0]
    if not verdict.accepted:
        problems = "；".join(f"{e.field}：{e.message}" for e in verdict.errors)
        raise ObjectionError(f"更正后的内容未通过校验：{problems}")
    if verdict.action == "unchanged":
        raise ObjectionError("更正后的内容与原记录相同；信息无误的请选择“维持”")
    record.refresh_from_db()
    RecordVersion.objects.filter(record=record, version=record.version).update(
        reason=f"{objection}更正：{reason}"
    )
    return shown


def _remove_record_entries(objection: Objection, actor: Any, day: dt.date) -> list[str]:
    """Entries based on a revoked record lose their basis: they leave their list."""
    from xinyong.lists.services import IN_FORCE

    reason = f"所依据的信用记录经{objection}核查已撤销"
    return [
        _change_entry(objection, entry, EntryStatus.REMOVED, EventKind.LEAVE, reason, actor, day)
        for entry in ListEntry.objects.filter(
            record_id=objection.record_id, status__in=IN_FORCE, related_to__isnull=True
        )
    ]


def answer(
    user: Any,
    objection: Objection,
    outcome: str,
    reason: str,
    *,
    corrections: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
    request: Any = None,
) -> Objection:
    """The providing department's answer: 更正 (with the corrected field values), 撤销 or 维持,
    with reasons. The correction or revocation is carried out at once."""
    ensure_can_act_for(user, objection.department, what=f"答复{objection}", request=request)
    if outcome not in Outcome.values:
        raise ObjectionError("处理结果应为更正（corrected）、撤销（revoked）或维持（upheld）")
    reason = reason.strip()
    if not reason:
        raise ObjectionError("请说明核查结果的理由")
    day = _today(today)
    rule = rule_of(objection)
    if outcome == Outcome.CORRECTED and objection.entry_id is not None:
        raise ObjectionError(
            "名单条目不能逐项更正：认定有误的请选择“撤销”（移出名单），必要时由认定部门重新认定"
        )
    with transaction.atomic():
        objection = _lock(objection, Status.VERIFYING, "不能答复")
        applied = ""
        shown: dict[str, str] = {}
        if outcome == Outcome.CORRECTED:
            shown = _apply_correction(user, objection, corrections or {}, reason)
            applied = "已更正：" + _described(objection, shown, "=")
        elif outcome == Outcome.REVOKED and objection.record is not None:
            from xinyong.ingest.services import SubmissionError, revoke_record

            try:
                revoke_record(user, objection.record, f"{objection}核查：{reason}", actor=user)
            except SubmissionError as exc:
                raise ObjectionError(exc.message) from None
            removed = _remove_record_entries(objection, user, day)
            applied = "记录已撤销，已从公示网站撤下" + (
                "；相关名单条目已移出：" + "、".join(removed) if removed else ""
            )
        elif outcome == Outcome.REVOKED:
            from xinyong.lists.services import ListError, remove_entry

            assert objection.entry is not None
            try:
                remove_entry(user, objection.entry, f"{objection}核查：{reason}")
            except ListError as exc:
                raise ObjectionError(str(exc)) from None
            applied = "名单条目已移出"
        due = _due(day, rule.steps["close"])
        objection.status = Status.ANSWERED
        objection.outcome = outcome
        objection.outcome_reason = reason
        objection.corrected_values = shown
        objection.answered_on = day
        objection.answered_by = user if getattr(user, "pk", None) else None
        objection.stage_started = day
        objection.due_date = due
        objection.save()
        _step(
            objection,
            StepKind.ANSWER,
            user,
            day,
            f"{objection.handler_name}核查答复：{Outcome(outcome).label}。理由：{reason}",
            due=due,
            request=request,
            detail={"outcome": outcome, "corrected": shown},
        )
        if applied:
            _step(objection, StepKind.APPLY, user, day, applied, request=request)
    return objection


# -- the credit office: closing -----------------------------------------------------------------


def _publish_notice(objection: Objection, actor: Any, day: dt.date, request: Any) -> None:
    """更正公告 (R-OBJ-2) where the wrong information was shown, for at least as long."""
    rule = rule_of(objection)
    record, entry = objection.record, objection.entry
    until = add_months(day, rule.notice_months)
    subject: Any
    if record is not None:
        what = f"{record.authority_name}“{record.doc_no}”决定的公示信息"
        shown_until = record.publicity_end
        subject = record.subject
    else:
        assert entry is not None
        what = f"“{entry.definition.name}”中的名单信息"
        shown_until = entry.end_date
        subject = entry.subject
    if shown_until is not None and shown_until > until:
        until = shown_until
    name = subject.name if subject is not None else (entry.listed_name if entry else "")
    code = subject.public_code if subject is not None else (entry.listed_code if entry else "")
    if objection.outcome == Outcome.CORRECTED:
        changes = _described(objection, objection.corrected_values, "：")
        body = (
            f"经异议核查，本平台公示的{name}{what}有误，已予更正。更正内容：{changes}。"
            f"核查单位：{objection.handler_name}。说明：{objection.outcome_reason}"
        )
        title = f"关于更正{name}公示信息的公告"
    else:
        body = (
            f"经异议核查，本平台公示的{name}{what}有误，已予撤销，不再公示，相关失信惩戒措施"
            f"不再执行。核查单位：{objection.handler_name}。说明：{objection.outcome_reason}"
        )
        title = f"关于撤销{name}公示信息的公告"
    notice = CorrectionNotice.objects.create(
        objection=objection,
        subject=subject,
        record=record,
        entry=entry,
        subject_name=name,
        subject_code=code or "",
        title=title[:300],
        body=body,
        published_on=day,
        shown_until=until,
    )
    _step(
        objection,
        StepKind.NOTICE,
        actor,
        day,
        f"已在门户网站发布更正公告“{notice.title}”，公告至{until:%Y年%m月%d日}",
        request=request,
        action=AuditAction.CREATE,
        detail={"notice": notice.pk},
    )


def close(
    user: Any,
    objection: Objection,
    note: str = "",
    *,
    today: dt.date | None = None,
    request: Any = None,
) -> Objection:
    """办结: tell the objector, resume the suspended entries, publish a correction notice when
    a public record or entry was corrected or revoked."""
    ensure_operator(user, what="办结异议", request=request)
    day = _today(today)
    with transaction.atomic():
        objection = _lock(objection, Status.ANSWERED, "须在部门答复后办结")
        _finish(objection, Status.CLOSED, day)
        text = (
            f"办结：{objection.get_outcome_display()}。{objection.outcome_reason}"
            f"（结果已通过本页面告知异议人）"
        )
        _step(
            objection,
            StepKind.CLOSE,
            user,
            day,
            f"{text} {note.strip()}".strip(),
            request=request,
        )
        _resume(objection, user, day, request)
        if objection.outcome in (Outcome.CORRECTED, Outcome.REVOKED) and objection.target_public:
            _publish_notice(objection, user, day, request)
    return objection


# -- the portal -------------------------------------------------------------------------------
