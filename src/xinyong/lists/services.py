"""Putting subjects on lists and taking them off, with an event for every change (R-LST-1…4).

Local lists (红名单, 严重失信主体名单) are decided by departments against their published criteria;
national lists are imported from files (see ``lists/importing.py``). Every change is a
``ListEvent``, an audit event, and an ``entry_changed`` signal for the watchers (R-LST-3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record as audit
from xinyong.core import ric
from xinyong.core.publicity import add_months
from xinyong.departments.models import Department
from xinyong.departments.permissions import ensure_can_act_for
from xinyong.lists.models import (
    EntrySource,
    EntryStatus,
    EventKind,
    ListCriterion,
    ListEntry,
    ListEvent,
)
from xinyong.lists.rules import ListDef, definition
from xinyong.lists.signals import entry_changed
from xinyong.subjects.identity import SubjectRef, resolve
from xinyong.subjects.models import Subject, SubjectKind

__all__ = [
    "ListError",
    "ResponsiblePerson",
    "add_entry",
    "add_rule_entry",
    "change_status",
    "default_end",
    "expire_due",
    "name_key",
    "remove_entry",
]

#: Statuses in which an entry still counts (an objection suspends measures, not the entry).
IN_FORCE = (EntryStatus.ACTIVE, EntryStatus.OBJECTION)


class ListError(ValueError):
    """A list change is refused; the message says why, in Chinese."""


@dataclass(frozen=True)
class ResponsiblePerson:
    """A person responsible for an organisation's serious dishonesty (R-LST-4)."""

    name: str
    id_number: str
    role: str  # 法定代表人 / 主要负责人 / 实际控制人 / 其他直接责任人员


def name_key(name: str) -> str:
    """The normalised name entries are screened by (see core/names.py)."""
    from xinyong.core.names import normalise

    return normalise(name)[:200]


def default_end(list_def: ListDef, start: dt.date) -> dt.date | None:
    """The last day of an entry without an explicit end: ``months`` after the start."""
    if list_def.months is None:
        return None
    return add_months(start, list_def.months) - dt.timedelta(days=1)


def _subject_key(subject: Subject) -> str:
    if subject.uscc:
        return subject.uscc
    if subject.id_hash:
        return f"id:{subject.id_hash}"
    return f"s:{subject.pk}"


def _event(
    entry: ListEntry,
    kind: str,
    day: dt.date,
    reason: str,
    actor: Any,
    *,
    public: bool | None = None,
    detail: dict[str, Any] | None = None,
) -> ListEvent:
    event = ListEvent.objects.create(
        entry=entry,
        kind=kind,
        date=day,
        reason=reason,
        public=entry.public if public is None else public,
        actor=actor if getattr(actor, "pk", None) else None,
        detail=detail or {},
    )
    label = EventKind(kind).label
    audit(
        actor,
        AuditAction.CREATE if kind == EventKind.ENTER else AuditAction.UPDATE,
        f"{entry.definition.name}：{entry.listed_name} {label}",
        obj=entry,
        reason=reason,
        detail={"event": event.pk, "kind": kind, **(detail or {})},
    )
    transaction.on_commit(lambda: entry_changed.send(ListEntry, entry=entry, event=event))
    return event


def _check_criteria(
    list_def: ListDef, department: Department, criteria: Sequence[ListCriterion], day: dt.date
) -> None:
    if not criteria:
        raise ListError(f"列入“{list_def.name}”须注明符合的认定标准（本部门公布的认定标准）")
    for criterion in criteria:
        if criterion.department_id != department.pk or criterion.list_code != list_def.code:
            raise ListError(f"认定标准“{criterion}”不是{department}为“{list_def.name}”公布的标准")
        if not criterion.in_force_on(day):
            raise ListError(f"认定标准“{criterion}”在{day:%Y年%m月%d日}不在有效期内")


def add_entry(
    user: Any,
    *,
    list_code: str,
    subject: Subject,
    department: Department,
    reason: str,
    legal_basis: str,
    criteria: Sequence[ListCriterion],
    doc_no: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    record: Any = None,
    responsible: Sequence[ResponsiblePerson] = (),
    actor: Any = None,
) -> ListEntry:
    """Put a subject on a local list, decided by ``department`` against its criteria."""
    list_def = definition(list_code)
    if list_def.scope != "local":
        raise ListError(f"“{list_def.name}”是全国名单，只能从公布的名单文件导入")
    if user is not None:
        ensure_can_act_for(user, department, what=f"列入{list_def.name}")
    reason, legal_basis, doc_no = reason.strip(), legal_basis.strip(), doc_no.strip()
    if not reason:
        raise ListError("请填写列入事由")
    if not doc_no:
        raise ListError("请填写认定文书号")
    _check_criteria(list_def, department, criteria, start_date)
    end = end_date or default_end(list_def, start_date)
    if end is not None and end < start_date:
        raise ListError(f"截止日期{end}早于列入日期{start_date}")
    if responsible and not list_def.related:
        raise ListError(f"“{list_def.name}”不记录关联责任人")
    if responsible and subject.kind == SubjectKind.NATURAL:
        raise ListError("自然人本身即为责任人，无需另列关联责任人")
    people = _check_people(responsible)
    entry_key = f"{doc_no}|{_subject_key(subject)}"
    if ListEntry.objects.filter(list_code=list_code, entry_key=entry_key).exists():
        raise ListError(f"{subject.name}已依据{doc_no}列入“{list_def.name}”，请勿重复列入")
    actor = actor or user
    with transaction.atomic():
        entry = _new_entry(
            list_def,
            subject,
            entry_key=entry_key,
            reason=reason,
            legal_basis=legal_basis,
            department=department,
            authority_name=department.name,
            doc_no=doc_no,
            start_date=start_date,
            end_date=end,
            source=EntrySource.MANUAL,
            record=record,
            created_by=user if getattr(user, "pk", None) else None,
        )
        entry.criteria.set(criteria)
        _event(entry, EventKind.ENTER, start_date, reason, actor)
        for person, subject_of_person in people:
            related = ListEntry.objects.create(
                list_code=list_code,
                rules_version=list_def.version,
                subject=subject_of_person,
                listed_name=person.name,
                listed_code=subject_of_person.id_masked,
                name_key=name_key(person.name),
                entry_key=f"{doc_no}|{_subject_key(subject_of_person)}|{entry.pk}",
                reason=f"{subject.name}{list_def.name}的{person.role}：{reason}",
                legal_basis=legal_basis,
                department=department,
                authority_name=department.name,
                doc_no=doc_no,
                start_date=start_date,
                end_date=end,
                # Kept in the person's credit record, not published (personal information).
                public=False,
                source=EntrySource.RELATED,
                related_to=entry,
                related_role=person.role,
                created_by=entry.created_by,
            )
            _event(related, EventKind.ENTER, start_date, related.reason, actor)
    return entry


def _new_entry(list_def: ListDef, subject: Subject, **fields: Any) -> ListEntry:
    return ListEntry.objects.create(
        list_code=list_def.code,
        rules_version=list_def.version,
        subject=subject,
        listed_name=subject.name,
        listed_code=subject.public_code,
        name_key=name_key(subject.name),
        public=list_def.public,
        **fields,
    )


def add_rule_entry(
    *,
    list_code: str,
    subject: Subject,
    reason: str,
    legal_basis: str,
    doc_no: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    actor: Any = "系统",
) -> ListEntry:
    """Put a subject on a list whose entries follow from a published rule (scope ``rule``),
    decided by the platform's job rather than a department; idempotent on ``doc_no``."""
    list_def = definition(list_code)
    if list_def.scope != "rule":
        raise ListError(f"“{list_def.name}”不是按规则认定的名单")
    entry_key = f"{doc_no}|{_subject_key(subject)}"
    existing = ListEntry.objects.filter(list_code=list_code, entry_key=entry_key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        entry = _new_entry(
            list_def,
            subject,
            entry_key=entry_key,
            reason=reason,
            legal_basis=legal_basis,
            department=None,
            authority_name=list_def.authority or "信用办",
            doc_no=doc_no,
            start_date=start_date,
            end_date=end_date or default_end(list_def, start_date),
            source=EntrySource.RULE,
        )
        _event(entry, EventKind.ENTER, start_date, reason, actor)
    return entry


def _check_people(
    responsible: Sequence[ResponsiblePerson],
) -> list[tuple[ResponsiblePerson, Subject]]:
    refs: list[tuple[ResponsiblePerson, SubjectRef]] = []
    for person in responsible:
        number = ric.compact(person.id_number)
        if not person.name.strip():
            raise ListError("关联责任人须填写姓名")
        if not person.role.strip():
            raise ListError(f"请注明{person.name}的身份（法定代表人、主要负责人、实际控制人等）")
        if not ric.is_valid(number):
            raise ListError(f"{person.name}的身份证号码无效")
        refs.append(
            (person, SubjectRef(SubjectKind.NATURAL, person.name.strip(), id_number=number))
        )
    if not refs:
        return []
    found = resolve([ref for _, ref in refs], source="名单关联责任人")
    from xinyong.subjects.identity import pii_box

    box = pii_box()
    return [(person, found[ref.key(box)]) for person, ref in refs]


def change_status(
    entry: ListEntry,
    status: str,
    kind: str,
    reason: str,
    actor: Any,
    *,
    day: dt.date | None = None,
    detail: dict[str, Any] | None = None,
) -> ListEvent:
    """Move an entry to a new status with its event; related persons' entries follow."""
    day = day or timezone.localdate()
    with transaction.atomic():
        entry.status = status
        entry.save(update_fields=["status", "updated_at"])
        event = _event(entry, kind, day, reason, actor, detail=detail)
        for related in entry.related_entries.filter(status__in=IN_FORCE):
            related.status = status
            related.save(update_fields=["status", "updated_at"])
            _event(related, kind, day, reason, actor, detail=detail)
    return event


def remove_entry(user: Any, entry: ListEntry, reason: str, *, actor: Any = None) -> ListEvent:
    """Take an entry off its list before its end (移出), with a reason."""
    if user is not None:
        ensure_can_act_for(user, entry.department, what="移出名单")
    if not reason.strip():
        raise ListError("移出名单须说明原因")
    if entry.status not in IN_FORCE:
        raise ListError(f"该条目当前状态为“{entry.get_status_display()}”，无需移出")
    return change_status(entry, EntryStatus.REMOVED, EventKind.LEAVE, reason.strip(), actor or user)


def expire_due(today: dt.date | None = None) -> int:
    """Entries whose last day has passed leave their list (到期移出). Safe to run twice."""
    day = today or timezone.localdate()
    due = ListEntry.objects.filter(
        status__in=IN_FORCE, end_date__lt=day, related_to__isnull=True
    ).order_by("pk")
    count = 0
    for entry in due.iterator():
        assert entry.end_date is not None
        change_status(
            entry,
            EntryStatus.EXPIRED,
            EventKind.EXPIRE,
            f"列入期限已于{entry.end_date:%Y年%m月%d日}届满",
            "系统",
            day=entry.end_date + dt.timedelta(days=1),
        )
        count += 1
    return count
