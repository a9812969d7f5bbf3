"""Importing a national list (全国名单) from the file its publisher puts out (R-LST-1).

失信被执行人 (中国执行信息公开网), 重大税收违法失信主体 (税务机关) and 政府采购严重违法失信行为记录
(中国政府采购网) are published as spreadsheets in their own column layouts; ``lists.yaml`` gives
each list's headers per entry field. A file is read with the collection readers (xlsx/xls/csv,
UTF-8 or GBK) and every row gets a verdict in Chinese: accepted, or rejected with row, field and
problem; accepted + rejected = submitted, recorded on a ``ListImport``.

Subjects: a valid 统一社会信用代码 or a full ID number finds (or creates) the subject. Courts
publish ID numbers masked (``3301**********1234``): such a row is linked to a natural person of
this platform only when the name is equal and every visible character agrees with the person's
(decrypted) number — exactly one such person — otherwise the entry keeps the listed name and
masked number and no subject.

Re-importing is idempotent: an entry is keyed on list + 案号/文书号 + code (or name). Unchanged
rows are counted, changed rows are updated (an UPDATE event). National lists publish removals by
omission: with ``replace`` the file is the whole list, and entries absent from it leave the list
(a LEAVE event). An entry whose 截止/屏蔽 date has passed is stored as expired.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinyong import dbbulk
from xinyong.audit.models import AuditAction
from xinyong.audit.services import record as audit
from xinyong.core import ric, uscc
from xinyong.departments.permissions import ensure_operator
from xinyong.ingest.readers import Cell, FileRejected, cell_text, check_whole_file, open_sheet
from xinyong.lists.models import (
    EntrySource,
    EntryStatus,
    EventKind,
    ListEntry,
    ListEvent,
    ListImport,
)
from xinyong.lists.rules import ListDef, definition
from xinyong.lists.services import IN_FORCE, ListError, default_end, name_key
from xinyong.lists.signals import entry_changed
from xinyong.subjects.identity import SubjectRef, kind_for, pii_box, resolve
from xinyong.subjects.models import Subject, SubjectKind

__all__ = [
    "FIELD_LABELS",
    "FileRejected",
    "ImportOutcome",
    "ListedCode",
    "classify_code",
    "import_file",
    "masked_matches",
    "parse_date",
]

#: Entry fields as named in verdicts when the file's own header is not known.
FIELD_LABELS = {
    "name": "名称",
    "code": "证件号码/统一社会信用代码",
    "legal_rep": "法定代表人或负责人",
    "authority": "认定机关",
    "doc_no": "案号/文书号",
    "reason": "列入事由",
    "basis": "依据",
    "start": "发布日期",
    "end": "截止日期",
}
#: Fields compared on re-import (an entry whose values all agree is unchanged).
COMPARED = (
    "listed_name",
    "listed_code",
    "name_key",
    "reason",
    "legal_basis",
    "authority_name",
    "doc_no",
    "start_date",
    "end_date",
    "subject_id",
    "data",
)
CHUNK = 500
_MASK_CHARS = set("0123456789X*")
_DIGITS = re.compile(r"\d{15}")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


@dataclass(frozen=True)
class ListedCode:
    """The code of a row as published, classified.

    ``kind``: ``uscc`` (valid 统一社会信用代码), ``id`` (a full, valid ID number), ``masked`` (a
    masked ID number), ``org`` (a 组织机构代码, kept as listed) or ``none`` (no code)."""

    kind: str
    value: str

    @property
    def shown(self) -> str:
        """The code as stored and published: an ID number only masked."""
        return ric.mask(self.value) if self.kind == "id" else self.value


def classify_code(text: str) -> ListedCode:
    """Classify a published code, raising ``ValueError`` with a Chinese reason when it is none.

    >>> classify_code("91350100M000100Y43").kind, classify_code("3301**********1234").kind
    ('uscc', 'masked')
    >>> classify_code("11010519491231002X").kind, classify_code("").kind
    ('id', 'none')
    """
    value = uscc.compact(text or "")
    if not value:
        return ListedCode("none", "")
    if "*" in value:
        if len(value) not in (15, 18) or not set(value) <= _MASK_CHARS:
            raise ValueError(f"脱敏证件号码“{value}”格式不对：应为15或18位，隐去的位用*表示")
        if len(value) - value.count("*") < 4:
            raise ValueError("脱敏证件号码可见的位数太少（至少4位），无法核对")
        return ListedCode("masked", value)
    if len(value) == 18 and uscc.is_valid(value):
        return ListedCode("uscc", value)
    if len(value) in (15, 18) and value[:-1].isdigit() and ric.is_valid(value):
        return ListedCode("id", ric.to_18(value) if len(value) == 15 else value)
    if len(value) == 9:
        try:
            if uscc.calc_org_check_digit(value) == value[8]:
                return ListedCode("org", value)
        except ValueError:
            pass
        raise ValueError(f"组织机构代码“{value}”校验位错误")
    if len(value) == 18 and not value[:17].isdigit():
        problems = "；".join(uscc.explain(value).messages)
        raise ValueError(f"不是有效的统一社会信用代码：{problems}")
    if len(value) in (15, 18):
        raise ValueError("不是有效的身份证号码（校验位或出生日期有误）")
    raise ValueError(
        f"“{value}”既不是统一社会信用代码、组织机构代码，也不是身份证号码（可为脱敏号码）"
    )


def masked_matches(masked: str, number: str) -> bool:
    """Whether a full ID number agrees with every visible character of a masked one
    (``core.ric.matches_mask``).

    >>> masked_matches("3301**********1234", "330102198001011234")
    True
    """
    return ric.matches_mask(masked, number)


def parse_date(value: Cell) -> dt.date | None:
    """A date cell: a spreadsheet date, 2024-01-31, 2024/1/31, 2024年1月31日 or 20240131."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).strip()
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            y, m, d = (int(g) for g in found.groups())
            try:
                return dt.date(y, m, d)
            except ValueError:
                break
    raise ValueError(f"“{text[:30]}”不是有效日期（应为 2024-01-31 或 2024年1月31日）")


@dataclass
class _Row:
    number: int
    name: str
    code: ListedCode
    values: dict[str, str]
    start: dt.date
    end: dt.date | None
    key: str
    data: dict[str, str]
    subject_id: int | None = None


@dataclass
class ImportOutcome:
    """What an import did: the stored ``ListImport`` (counts, rejected rows) and the entries."""

    list_import: ListImport
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        li = self.list_import
        return {
            "import": li.pk,
            "list": li.list_code,
            "file": li.filename,
            "encoding": li.encoding,
            "replace": li.replace,
            "submitted": li.submitted,
            "accepted": li.accepted,
            "rejected": li.rejected,
            "created": li.created,
            "updated": li.updated,
            "unchanged": li.unchanged,
            "removed": li.removed,
            "linked": li.linked,
            "errors": li.errors,
        }


def _columns(list_def: ListDef, headers: Sequence[str]) -> dict[str, tuple[int, str]]:
    """Entry field → (column index, header) by the layout's spellings; missing required
    columns refuse the whole file."""
    assert list_def.layout is not None
    cleaned = [h.strip().replace(" ", "").replace("\u3000", "") for h in headers]
    found: dict[str, tuple[int, str]] = {}
    for fld, spellings in list_def.layout.headers.items():
        for spelling in spellings:
            if spelling in cleaned:
                index = cleaned.index(spelling)
                found[fld] = (index, headers[index].strip())
                break
    missing = [f for f in list_def.layout.required if f not in found]
    if missing:
        wanted = "；".join(
            f"{FIELD_LABELS[f]}（列名可为：{'、'.join(list_def.layout.headers[f])}）"
            for f in missing
        )
        raise FileRejected(
            f"文件不是“{list_def.name}”的公布格式，缺少必需的列：{wanted}。"
            f"文件的表头为：{'、'.join(h for h in headers if h) or '（空）'}"
        )
    return found


def _label(columns: dict[str, tuple[int, str]], fld: str) -> str:
    return columns[fld][1] if fld in columns else FIELD_LABELS[fld]


def _read_rows(
    list_def: ListDef,
    columns: dict[str, tuple[int, str]],
    headers: Sequence[str],
    rows: Iterable[tuple[int, list[Cell]]],
    errors: list[dict[str, Any]],
    seen_keys: set[str],
    day: dt.date,
) -> tuple[list[_Row], int]:
    """Each row checked: the good ones, and how many rows there were."""
    assert list_def.layout is not None
    box = pii_box()
    good: list[_Row] = []
    first_row: dict[str, int] = {}
    submitted = 0
    for number, cells in rows:
        submitted += 1
        problems: list[tuple[str, str]] = []
        raw = {fld: cells[i] if i < len(cells) else None for fld, (i, _) in columns.items()}
        values = {fld: cell_text(v).strip() for fld, v in raw.items()}
        for fld in list_def.layout.required:
            if not values.get(fld):
                problems.append((_label(columns, fld), "必填，不能为空"))
        name = values.get("name", "")
        if len(name) > 200:
            problems.append((_label(columns, "name"), "名称超过200字"))
        code = ListedCode("none", "")
        try:
            code = classify_code(values.get("code", ""))
        except ValueError as exc:
            problems.append((_label(columns, "code"), str(exc)))
        dates: dict[str, dt.date | None] = {}
        for fld in ("start", "end"):
            try:
                dates[fld] = parse_date(raw.get(fld))
            except ValueError as exc:
                problems.append((_label(columns, fld), str(exc)))
        start, end = dates.get("start"), dates.get("end")
        if start and end and end < start:
            problems.append((_label(columns, "end"), f"截止日期{end}早于发布日期{start}"))
        if start and start > day:
            problems.append((_label(columns, "start"), f"发布日期{start}晚于今天"))
        doc_no = values.get("doc_no", "")
        if code.kind == "id":
            ident = "id:" + box.lookup_hash(code.value)
        else:
            ident = code.value or name_key(name)
        key = f"{doc_no}|{ident}"[:300]
        if not problems and key in first_row:
            problems.append(
                (
                    _label(columns, "doc_no"),
                    f"与第{first_row[key]}行重复（同一案号/文书号与代码）",
                )
            )
        if name and ident:
            seen_keys.add(key)
        if problems:
            errors.extend({"row": number, "field": f, "message": m} for f, m in problems)
            continue
        assert start is not None
        first_row[key] = number
        data = {}
        for i in range(min(len(headers), len(cells))):
            text = cell_text(cells[i]).strip()
            if text and headers[i].strip():
                data[headers[i].strip()] = ric.mask_in_text(text) if _DIGITS.search(text) else text
        if code.kind == "id":  # the code column itself, even when not ID-shaped text
            data[_label(columns, "code")] = code.shown
        good.append(_Row(number, name, code, values, start, end, key, data))
    return good, submitted


def _link_subjects(rows: list[_Row], source: str) -> None:
    """Subjects for rows with a full code; masked ID numbers by the rule in the module doc."""
    box = pii_box()
    by_uscc = {r.code.value for r in rows if r.code.kind == "uscc"}
    by_hash = {box.lookup_hash(r.code.value): r.code.value for r in rows if r.code.kind == "id"}
    known: dict[tuple[str, str], int] = {}
    for tag, column, values in (("uscc", "uscc", list(by_uscc)), ("id", "id_hash", list(by_hash))):
        for i in range(0, len(values), CHUNK):
            chunk = values[i : i + CHUNK]
            for pk, value in Subject.objects.filter(**{f"{column}__in": chunk}).values_list(
                "id", column
            ):
                known[(tag, value)] = pk
    missing: list[SubjectRef] = []
    for r in rows:
        if r.code.kind == "uscc" and ("uscc", r.code.value) not in known:
            missing.append(SubjectRef(kind_for(None, r.code.value), r.name, uscc=r.code.value))
        elif r.code.kind == "id" and ("id", box.lookup_hash(r.code.value)) not in known:
            missing.append(SubjectRef(SubjectKind.NATURAL, r.name, id_number=r.code.value))
    if missing:
        # Only subjects not yet known are created: a list's spelling never renames a subject.
        for key, subject in resolve(missing, source=source).items():
            known[key] = subject.pk
    masked_names = {r.name for r in rows if r.code.kind == "masked"}
    people: dict[str, list[tuple[int, str]]] = defaultdict(list)
    names = sorted(masked_names)
    for i in range(0, len(names), CHUNK):
        for pk, nm, cipher in Subject.objects.filter(
            kind=SubjectKind.NATURAL, name__in=names[i : i + CHUNK]
        ).values_list("id", "name", "id_cipher"):
            if cipher:
                people[nm].append((pk, box.decrypt(cipher)))
    for r in rows:
        if r.code.kind == "uscc":
            r.subject_id = known.get(("uscc", r.code.value))
        elif r.code.kind == "id":
            r.subject_id = known.get(("id", box.lookup_hash(r.code.value)))
        elif r.code.kind == "masked":
            hits = [
                pk for pk, number in people.get(r.name, ()) if masked_matches(r.code.value, number)
            ]
            r.subject_id = hits[0] if len(hits) == 1 else None


def _entry_values(list_def: ListDef, r: _Row) -> dict[str, Any]:
    end = r.end or default_end(list_def, r.start)
    reason = ric.mask_in_text(r.values.get("reason") or f"依法列入{list_def.name}")
    return {
        "listed_name": r.name,
        "listed_code": r.code.shown,
        "name_key": name_key(r.name),
        "reason": reason,
        "legal_basis": ric.mask_in_text(r.values.get("basis", "")),
        "authority_name": (r.values.get("authority") or list_def.authority)[:200],
        "doc_no": r.values.get("doc_no", "")[:200],
        "start_date": r.start,
        "end_date": end,
        "subject_id": r.subject_id,
        "data": r.data,
    }


def import_file(
    path: Path | str,
    list_code: str,
    *,
    user: Any = None,
    actor: Any = None,
    replace: bool = False,
    filename: str | None = None,
    today: dt.date | None = None,
) -> ImportOutcome:
    """Import one published national-list file into list ``list_code``.

    ``user`` (when given) must be an operator; ``actor`` names who acts in events and the audit
    log (default: ``user``, else "系统"). Raises ``ListError`` for a list that is not imported
    from files, ``FileRejected`` when the whole file is refused (unreadable, not the list's
    layout) — nothing is stored then. Rows are judged one by one; the rejected ones are listed
    on the returned import with row, field and problem.
    """
    list_def = definition(list_code)
    if list_def.scope != "national" or list_def.layout is None:
        raise ListError(f"“{list_def.name}”由部门认定，不从名单文件导入")
    if user is not None:
        ensure_operator(user, what=f"导入{list_def.name}")
    actor = actor or user or "系统"
    day = today or timezone.localdate()
    path = Path(path)
    check_whole_file(path)
    sheet = open_sheet(path)
    columns = _columns(list_def, sheet.headers)
    errors: list[dict[str, Any]] = []
    seen_keys: set[str] = set()
    rows, submitted = _read_rows(
        list_def, columns, sheet.headers, sheet.rows, errors, seen_keys, day
    )
    rejected_rows = len({e["row"] for e in errors})
    actor_user = actor if getattr(actor, "pk", None) else None
    actor_name = actor_user.get_username() if actor_user else str(actor)
    source = f"名单导入：{list_def.name}"
    outcome: ImportOutcome
    with transaction.atomic():
        li = ListImport.objects.create(
            list_code=list_code,
            filename=(filename or path.name)[:255],
            user=actor_user,
            submitted=submitted,
            accepted=len(rows),
            rejected=rejected_rows,
            errors=errors,
            replace=replace,
            encoding=sheet.encoding or sheet.format,
            actor_name=actor_name[:150],
        )
        outcome = ImportOutcome(li)
        _link_subjects(rows, source)
        events: list[ListEvent] = []
        _store(list_def, li, rows, day, actor_user, outcome, events)
        if replace:
            _remove_absent(list_def, li, seen_keys, day, actor_user, outcome, events)
        li.created, li.updated = len(outcome.created), len(outcome.updated)
        li.unchanged = len(rows) - li.created - li.updated
        li.removed = len(outcome.removed)
        li.linked = sum(1 for r in rows if r.subject_id)
        li.save(update_fields=["created", "updated", "unchanged", "removed", "linked"])
        audit(
            actor,
            AuditAction.IMPORT,
            f"导入{list_def.name}文件“{li.filename}”：提交{li.submitted}行，接收{li.accepted}行"
            f"（新增{li.created}，更新{li.updated}，未变{li.unchanged}），拒绝{li.rejected}行"
            + (f"，移出{li.removed}条" if replace else ""),
            obj=li,
            detail={k: v for k, v in outcome.as_dict().items() if k != "errors"},
        )
        _notify(events)
    return outcome


def _new_entry(list_def: ListDef, li: ListImport, r: _Row, day: dt.date, user: Any) -> ListEntry:
    values = _entry_values(list_def, r)
    end = values["end_date"]
    return ListEntry(
        list_code=list_def.code,
        rules_version=list_def.version,
        entry_key=r.key,
        public=list_def.public,
        source=EntrySource.IMPORT,
        list_import=li,
        status=EntryStatus.EXPIRED if end is not None and end < day else EntryStatus.ACTIVE,
        created_by=user,
        **values,
    )


def _store(
    list_def: ListDef,
    li: ListImport,
    rows: list[_Row],
    day: dt.date,
    user: Any,
    outcome: ImportOutcome,
    events: list[ListEvent],
) -> None:
    existing: dict[str, ListEntry] = {}
    keys = [r.key for r in rows]
    for i in range(0, len(keys), CHUNK):
        for found in ListEntry.objects.filter(
            list_code=list_def.code, entry_key__in=keys[i : i + CHUNK]
        ):
            existing[found.entry_key] = found
    new: list[ListEntry] = []
    for r in rows:
        entry = existing.get(r.key)
        if entry is None:
            new.append(_new_entry(list_def, li, r, day, user))
            continue
        values = _entry_values(list_def, r)
        changed = [f for f in COMPARED if getattr(entry, f) != values[f]]
        end = values["end_date"]
        running = end is None or end >= day
        kind = EventKind.UPDATE
        reason = f"{li.filename}第{r.number}行内容变更：" + "、".join(
            str(getattr(ListEntry._meta.get_field(f.removesuffix("_id")), "verbose_name", f))
            for f in changed
        )
        if entry.status == EntryStatus.REMOVED and running:
            # removed by omission from an earlier full file, published again
            entry.status = EntryStatus.ACTIVE
            kind, reason = EventKind.ENTER, f"重新出现在名单文件{li.filename}中（第{r.number}行）"
        elif not changed:
            continue
        elif entry.status == EntryStatus.EXPIRED and running:
            entry.status = EntryStatus.ACTIVE
        elif entry.status in IN_FORCE and not running:
            entry.status = EntryStatus.EXPIRED
            kind = EventKind.EXPIRE
            reason = f"截止日期改为{end:%Y年%m月%d日}，已到期（{li.filename}第{r.number}行）"
        before = {f: str(getattr(entry, f)) for f in changed if f != "data"}
        for f, v in values.items():
            setattr(entry, f, v)
        entry.list_import = li
        entry.save()
        events.append(
            ListEvent(
                entry=entry,
                kind=kind,
                date=day,
                reason=reason,
                public=entry.public,
                actor=user,
                detail={"import": li.pk, "row": r.number, "changed": changed, "before": before},
            )
        )
        outcome.updated.append(entry.pk)
    for i in range(0, len(new), CHUNK):
        dbbulk.save_new(new[i : i + CHUNK])
    for entry in new:
        outcome.created.append(entry.pk)
        events.append(
            ListEvent(
                entry=entry,
                kind=EventKind.ENTER,
                date=entry.start_date,
                reason=entry.reason[:500],
                public=entry.public,
                actor=user,
                detail={"import": li.pk},
            )
        )
        if entry.status == EntryStatus.EXPIRED:
            assert entry.end_date is not None
            events.append(
                ListEvent(
                    entry=entry,
                    kind=EventKind.EXPIRE,
                    date=entry.end_date + dt.timedelta(days=1),
                    reason=f"截止日期{entry.end_date:%Y年%m月%d日}已过（导入时即已到期）",
                    public=entry.public,
                    actor=user,
                    detail={"import": li.pk},
                )
            )


def _remove_absent(
    list_def: ListDef,
    li: ListImport,
    seen_keys: set[str],
    day: dt.date,
    user: Any,
    outcome: ImportOutcome,
    events: list[ListEvent],
) -> None:
    """With a full file: entries of the list that it no longer holds leave the list."""
    current = ListEntry.objects.filter(
        list_code=list_def.code, source=EntrySource.IMPORT, status__in=IN_FORCE
    ).values_list("pk", "entry_key")
    gone = [pk for pk, key in current if key not in seen_keys]
    reason = f"{day:%Y年%m月%d日}导入的全量名单文件“{li.filename}”中已无此条目（公布机关已移出）"
    for i in range(0, len(gone), CHUNK):
        chunk = gone[i : i + CHUNK]
        ListEntry.objects.filter(pk__in=chunk).update(
            status=EntryStatus.REMOVED, updated_at=timezone.now()
        )
        for entry in ListEntry.objects.filter(pk__in=chunk):
            events.append(
                ListEvent(
                    entry=entry,
                    kind=EventKind.LEAVE,
                    date=day,
                    reason=reason,
                    public=entry.public,
                    actor=user,
                    detail={"import": li.pk},
                )
            )
    outcome.removed.extend(gone)


def _notify(events: list[ListEvent]) -> None:
    """Store the events, then tell the watchers of linked subjects once the import commits."""
    for i in range(0, len(events), CHUNK):
        dbbulk.save_new(events[i : i + CHUNK])
    watched = _watched({e.entry.subject_id for e in events})
    linked = [e for e in events if e.entry.subject_id in watched]

    def send() -> None:
        for event in linked:
            entry_changed.send(ListEntry, entry=event.entry, event=event)

    if linked:
        transaction.on_commit(send)


def _watched(subject_ids: set[int | None]) -> set[int]:
    """The subjects some department checked recently: only their watchers are told (a file
    of thousands of rows must not cost a query per row for subjects nobody watches)."""
    from xinyong.jrp.models import CheckItem
    from xinyong.jrp.notify import WATCH_DAYS

    ids = sorted(i for i in subject_ids if i is not None)
    since = timezone.now() - dt.timedelta(days=WATCH_DAYS)
    found: set[int] = set()
    for i in range(0, len(ids), CHUNK):
        found.update(
            CheckItem.objects.filter(
                subject_id__in=ids[i : i + CHUNK], check_run__created_at__gte=since
            ).values_list("subject_id", flat=True)
        )
    return found
