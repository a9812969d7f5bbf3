"""录用人选信用查询 (R-GOV-7): filing, matching, double review, the answer and objections.

- A requesting unit (a department) files a formal request (文号, 标题, 事由) with the persons;
  the answer is due ``answer_days`` working days after receipt.
- Each person is matched by ID number against the in-force entries of the dishonesty lists the
  rules name: the subject with the same keyed hash, and national-list entries that publish the
  number masked when the name is the same and every visible character agrees.
- A hit is reviewed twice, by two different operators; only then may the answer be released.
- The unit sees, per person, only 无失信记录 / 有失信记录 — never the entries.
- A person on a list may object within ``objection_days`` working days of the answer; each
  step of the objection (受理, 核查, 办结) is due ``objection_steps`` working days after the last.

Every step and every read of a request or an answer is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet

from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip, record
from xinyong.casework import countdown, due_after, today_or
from xinyong.core import ric
from xinyong.core.exceptions import InvalidCode
from xinyong.departments.models import Department
from xinyong.departments.permissions import ensure_can_act_for, ensure_operator
from xinyong.lists.models import ListEntry
from xinyong.lists.rules import definition
from xinyong.recruit.models import (
    Conclusion,
    ObjectionOutcome,
    ObjectionStep,
    PersonObjection,
    PersonReview,
    Purpose,
    RecruitPerson,
    RecruitRequest,
    RequestStatus,
    Result,
)
from xinyong.recruit.rules import STEP_LABELS, RecruitRule, rule_on
from xinyong.subjects.identity import pii_box
from xinyong.subjects.models import Subject

__all__ = [
    "MAX_PERSONS",
    "PersonAnswer",
    "PersonInput",
    "RecruitError",
    "add_objection",
    "advance_objection",
    "answer",
    "countdown",
    "file_request",
    "find_hits",
    "hit_details",
    "open_request",
    "parse_lines",
    "read_upload",
    "release",
    "review",
    "visible_requests",
]

#: The most persons one request may name.
MAX_PERSONS = 500


class RecruitError(ValueError):
    """A step is refused; the message (Chinese) says why."""


@dataclass(frozen=True)
class PersonInput:
    name: str
    id_number: str


@dataclass(frozen=True)
class PersonAnswer:
    """What the requesting unit is told about a person: nothing but the result."""

    position: int
    name: str
    id_masked: str
    result: str
    result_label: str
    objection_until: dt.date | None


# Deadlines and countdowns are those of every kind of case (xinyong.casework).
_today = today_or
_add = due_after


# -- the persons -----------------------------------------------------------------------------


def _validate_persons(persons: Sequence[PersonInput]) -> list[PersonInput]:
    if not persons:
        raise RecruitError("请至少填写一名查询人选（姓名、身份证号码）")
    if len(persons) > MAX_PERSONS:
        raise RecruitError(f"一次最多查询{MAX_PERSONS}人，本次{len(persons)}人")
    errors: list[str] = []
    seen: dict[str, int] = {}
    clean: list[PersonInput] = []
    for n, p in enumerate(persons, start=1):
        name = p.name.strip()
        if not name:
            errors.append(f"第{n}人：姓名为空")
            continue
        try:
            number = ric.to_18(ric.validate(p.id_number.strip()))
        except InvalidCode as exc:
            errors.append(f"第{n}人（{name}）：身份证号码无效（{exc}）")
            continue
        if number in seen:
            errors.append(f"第{n}人（{name}）：身份证号码与第{seen[number]}人重复")
            continue
        seen[number] = n
        clean.append(PersonInput(name, number))
    if errors:
        raise RecruitError("；".join(errors))
    return clean


def parse_lines(text: str) -> list[PersonInput]:
    """Persons typed one a line: ``姓名,身份证号码`` (comma, tab or spaces between)."""
    found: list[PersonInput] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for sep in (",", "，", "\t", " "):
            if sep in line:
                name, _, number = line.partition(sep)
                found.append(PersonInput(name.strip(), number.strip()))
                break
        else:
            found.append(PersonInput(line, ""))
    return found


def read_upload(upload: IO[bytes], filename: str = "") -> list[PersonInput]:
    """Persons from an xlsx/xls/csv file with the columns 姓名 and 身份证号码."""
    from xinyong.ingest.readers import FileRejected, cell_text, open_sheet

    suffix = Path(filename).suffix.lower() if filename else ""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"persons{suffix or '.bin'}"
        with path.open("wb") as fh:
            for chunk in iter(lambda: upload.read(1 << 16), b""):
                fh.write(chunk)
        try:
            sheet = open_sheet(path)
            headers = [h.strip() for h in sheet.headers]
            missing = [h for h in ("姓名", "身份证号码") if h not in headers]
            if missing:
                raise RecruitError(
                    f"文件缺少列“{'、'.join(missing)}”（第一行应为：姓名,身份证号码）"
                )
            i_name, i_id = headers.index("姓名"), headers.index("身份证号码")
            found = []
            for _number, cells in sheet.rows:
                cells = list(cells) + [None] * (max(i_name, i_id) + 1 - len(cells))
                name, code = cell_text(cells[i_name]).strip(), cell_text(cells[i_id]).strip()
                if name or code:
                    found.append(PersonInput(name, code))
                if len(found) > MAX_PERSONS:
                    break
        except FileRejected as exc:
            raise RecruitError(exc.message) from None
    return found


def find_hits(name: str, number: str, day: dt.date, lists: Iterable[str]) -> list[ListEntry]:
    """The in-force dishonesty-list entries a person is on: by the keyed hash of the ID number
    (the subject's own entries), or a masked national-list entry with the same name whose visible
    characters all agree."""
    codes = list(lists)
    in_force = ListEntry.objects.in_force(day).filter(list_code__in=codes)
    found: dict[int, ListEntry] = {}
    subject_ids = list(
        Subject.objects.filter(id_hash=pii_box().lookup_hash(number)).values_list("id", flat=True)
    )
    if subject_ids:
        for entry in in_force.filter(subject_id__in=subject_ids):
            found[entry.id] = entry
    for entry in in_force.filter(listed_name=name.strip(), listed_code__contains="*"):
        if entry.id not in found and ric.matches_mask(entry.listed_code, number):
            found[entry.id] = entry
    return sorted(found.values(), key=lambda e: e.id)


# -- filing ----------------------------------------------------------------------------------


def file_request(
    user: Any,
    *,
    doc_no: str,
    title: str,
    purpose: str,
    persons: Sequence[PersonInput],
    department: Department | None = None,
    received_on: dt.date | None = None,
    request: Any = None,
) -> RecruitRequest:
    """A unit files a request; each person is matched at once, the answer is due in
    ``answer_days`` working days."""
    department = department or getattr(user, "department", None)
    if department is None and getattr(user, "is_operator", False):
        raise RecruitError("请指定查询单位：查询由用人单位以本单位名义提交")
    ensure_can_act_for(user, department, what="提交录用人选信用查询", request=request)
    assert department is not None
    if not doc_no.strip() or not title.strip():
        raise RecruitError("请填写查询函文号和标题")
    if purpose not in Purpose.values:
        raise RecruitError(f"查询事由“{purpose}”未知（可选：{'、'.join(Purpose.labels)}）")
    clean = _validate_persons(persons)
    day = _today(received_on)
    rule = rule_on(day)
    box = pii_box()
    with transaction.atomic():
        req = RecruitRequest.objects.create(
            department=department,
            doc_no=doc_no.strip(),
            title=title.strip(),
            purpose=purpose,
            submitted_by=user if getattr(user, "pk", None) else None,
            received_on=day,
            due_on=_add(day, rule.answer_days),
            rules_version=rule.version,
        )
        hit_count = 0
        for n, p in enumerate(clean, start=1):
            hits = find_hits(p.name, p.id_number, day, rule.dishonesty_lists)
            person = RecruitPerson.objects.create(
                request=req,
                position=n,
                name=p.name,
                id_cipher=box.encrypt(p.id_number),
                id_hash=box.lookup_hash(p.id_number),
                id_masked=ric.mask(p.id_number),
                hit=bool(hits),
                result=Result.PENDING if hits else Result.CLEAR,
            )
            if hits:
                hit_count += 1
                person.hits.set(hits)
        record(
            user,
            AuditAction.CREATE,
            f"{department.name}提交录用人选信用查询{req.doc_no}（{len(clean)}人）",
            obj=req,
            ip=client_ip(request),
            detail={"persons": len(clean), "hits": hit_count, "due_on": str(req.due_on)},
        )
    return req


# -- reading ---------------------------------------------------------------------------------


def visible_requests(user: Any) -> QuerySet[RecruitRequest]:
    """Operators see every request; a unit only its own."""
    qs = RecruitRequest.objects.select_related("department")
    if getattr(user, "is_operator", False):
        return qs
    department_id = getattr(user, "department_id", None)
    return qs.filter(department_id=department_id) if department_id else qs.none()


def open_request(user: Any, req: RecruitRequest, *, request: Any = None) -> None:
    """Check that ``user`` may read ``req`` (its unit or an operator) and log the read."""
    ensure_can_act_for(user, req.department, what="查阅录用人选信用查询", request=request)
    record(
        user,
        AuditAction.READ,
        f"查阅录用人选信用查询{req.doc_no}",
        obj=req,
        ip=client_ip(request),
        detail={"status": req.status},
    )


def answer(user: Any, req: RecruitRequest, *, request: Any = None) -> list[PersonAnswer]:
    """The released answer as the requesting unit sees it (only yes/no per person); empty until
    released. The read is logged."""
    ensure_can_act_for(user, req.department, what="查阅录用人选信用查询答复", request=request)
    if req.status != RequestStatus.ANSWERED:
        return []
    rows = [
        PersonAnswer(
            position=p.position,
            name=p.name,
            id_masked=p.id_masked,
            result=p.result,
            result_label=Result(p.result).label,
            objection_until=p.objection_until if p.result == Result.LISTED else None,
        )
        for p in req.persons.all()
    ]
    record(
        user,
        AuditAction.READ,
        f"查阅录用人选信用查询{req.doc_no}的答复",
        obj=req,
        ip=client_ip(request),
        detail={"persons": len(rows)},
    )
    return rows


def hit_details(user: Any, person: RecruitPerson, *, request: Any = None) -> list[dict[str, Any]]:
    """The entries a person matched, for the credit office's reviewers only (logged)."""
    ensure_operator(user, what="查看查询人选命中的名单条目", request=request)
    rows = [
        {
            "list_name": definition(e.list_code).name,
            "listed_name": e.listed_name,
            "listed_code": ric.mask_in_text(e.listed_code),
            "authority": e.authority_name,
            "doc_no": e.doc_no,
            "start_date": e.start_date,
            "reason": e.reason,
            "status": e.get_status_display(),
        }
        for e in person.hits.all()
    ]
    record(
        user,
        AuditAction.READ,
        f"查看查询人选{person.name}（{person.id_masked}）命中的名单条目",
        obj=person,
        ip=client_ip(request),
        detail={"entries": len(rows)},
    )
    return rows


# -- review and answer ---------------------------------------------------------------------


def review(
    user: Any, person: RecruitPerson, conclusion: str, note: str = "", *, request: Any = None
) -> PersonReview:
    """First (初审) or second (复核) review of a hit; the second must be by another operator and
    decides the result."""
    ensure_operator(user, what="审核录用人选信用查询的命中", request=request)
    req = person.request
    if req.status != RequestStatus.PENDING:
        raise RecruitError("该查询已答复，不能再审核")
    if not person.hit:
        raise RecruitError(f"{person.name}未命中失信名单，无需审核")
    if conclusion not in Conclusion.values:
        raise RecruitError("请选择审核结论")
    done = list(person.reviews.order_by("stage"))
    if len(done) >= 2:
        raise RecruitError(f"{person.name}的命中已完成初审和复核")
    if done and done[0].reviewer_id == user.pk:
        raise RecruitError("复核须由另一名信用办管理员办理，初审人不能复核")
    stage = len(done) + 1
    with transaction.atomic():
        item = PersonReview.objects.create(
            person=person, stage=stage, reviewer=user, conclusion=conclusion, note=note.strip()
        )
        if stage == 2:
            person.result = Result.LISTED if conclusion == Conclusion.CONFIRM else Result.CLEAR
            person.save(update_fields=["result"])
        record(
            user,
            AuditAction.UPDATE,
            f"{'初审' if stage == 1 else '复核'}查询人选{person.name}（{person.id_masked}）："
            f"{Conclusion(conclusion).label}",
            obj=req,
            ip=client_ip(request),
            reason=note.strip(),
            detail={"person": person.pk, "stage": stage, "conclusion": conclusion},
        )
    return item


def release(
    user: Any, req: RecruitRequest, *, day: dt.date | None = None, request: Any = None
) -> RecruitRequest:
    """Release the answer to the unit once every hit has had both reviews."""
    ensure_operator(user, what="答复录用人选信用查询", request=request)
    if req.status != RequestStatus.PENDING:
        raise RecruitError("该查询已答复")
    waiting = [p.name for p in req.persons.all() if p.result == Result.PENDING]
    if waiting:
        raise RecruitError(f"以下人选的命中尚未完成初审和复核：{'、'.join(waiting)}")
    today = _today(day)
    rule = rule_on(req.received_on)
    until = _add(today, rule.objection_days)
    with transaction.atomic():
        req.status = RequestStatus.ANSWERED
        req.answered_on = today
        req.released_by = user
        req.save(update_fields=["status", "answered_on", "released_by"])
        listed = req.persons.filter(result=Result.LISTED)
        listed.update(objection_until=until)
        n_listed = listed.count()
        record(
            user,
            AuditAction.UPDATE,
            f"答复录用人选信用查询{req.doc_no}（有失信记录{n_listed}人）",
            obj=req,
            ip=client_ip(request),
            detail={"answered_on": str(today), "listed": n_listed},
        )
        from xinyong.jrp.notify import notify_department

        notify_department(
            req.department_id,
            "recruit",
            f"录用人选信用查询{req.doc_no}已答复",
            "信用办已答复贵单位的录用人选社会信用记录查询，请在信用工作台查看。"
            + (
                f"有失信记录的人选可在被告知之日起{rule.objection_days}个工作日内向信用办提出异议。"
                if n_listed
                else ""
            ),
            link=f"/office/recruit/{req.pk}/",
        )
    return req


# -- objections --------------------------------------------------------------------------------


def _rule_for(person: RecruitPerson) -> RecruitRule:
    return rule_on(person.request.received_on)


def add_objection(
    user: Any,
    person: RecruitPerson,
    reason: str,
    *,
    filed_on: dt.date | None = None,
    request: Any = None,
) -> PersonObjection:
    """The credit office records a person's objection to the answer (in time); 受理 is due in
    ``objection_steps.accept`` working days."""
    ensure_operator(user, what="登记查询人选的异议", request=request)
    if person.request.status != RequestStatus.ANSWERED or person.result != Result.LISTED:
        raise RecruitError("只有答复为“有失信记录”的人选可以提出异议")
    if PersonObjection.objects.filter(person=person).exists():
        raise RecruitError(f"{person.name}已提出过异议")
    if not reason.strip():
        raise RecruitError("请填写异议理由")
    day = _today(filed_on)
    if person.objection_until is not None and day > person.objection_until:
        raise RecruitError(f"异议期限已过：应在{person.objection_until:%Y-%m-%d}前（含）提出")
    rule = _rule_for(person)
    with transaction.atomic():
        objection = PersonObjection.objects.create(
            person=person, filed_on=day, reason=reason.strip(), recorded_by=user
        )
        first = next(iter(STEP_LABELS))
        ObjectionStep.objects.create(
            objection=objection,
            step=first,
            started_on=day,
            due_on=_add(day, rule.objection_steps[first]),
        )
        record(
            user,
            AuditAction.CREATE,
            f"登记查询人选{person.name}（{person.id_masked}）的异议",
            obj=person.request,
            ip=client_ip(request),
            reason=reason.strip(),
            detail={"person": person.pk, "filed_on": str(day)},
        )
    return objection


def current_step(objection: PersonObjection) -> ObjectionStep | None:
    return objection.steps.filter(done_on__isnull=True).first()


def advance_objection(
    user: Any,
    objection: PersonObjection,
    note: str = "",
    *,
    outcome: str = "",
    day: dt.date | None = None,
    request: Any = None,
) -> ObjectionStep | None:
    """Finish the current step; the next is due ``objection_steps`` working days later. The last
    step (办结) needs the outcome: upheld turns the answer into 无失信记录."""
    ensure_operator(user, what="办理查询人选的异议", request=request)
    step = current_step(objection)
    if step is None:
        raise RecruitError("该异议已办结")
    keys = list(STEP_LABELS)
    last = step.step == keys[-1]
    if last and outcome not in ObjectionOutcome.values:
        raise RecruitError("办结时请选择异议结果")
    today = _today(day)
    if today < step.started_on:
        raise RecruitError(f"办理日期不能早于{step.started_on:%Y-%m-%d}")
    rule = _rule_for(objection.person)
    nxt: ObjectionStep | None = None
    with transaction.atomic():
        step.done_on = today
        step.done_by = user
        step.note = note.strip()
        step.save(update_fields=["done_on", "done_by", "note"])
        if last:
            objection.outcome = outcome
            objection.closed_on = today
            objection.save(update_fields=["outcome", "closed_on"])
            if outcome == ObjectionOutcome.UPHELD:
                person = objection.person
                person.result = Result.CLEAR
                person.save(update_fields=["result"])
        else:
            key = keys[keys.index(step.step) + 1]
            nxt = ObjectionStep.objects.create(
                objection=objection,
                step=key,
                started_on=today,
                due_on=_add(today, rule.objection_steps[key]),
            )
        person = objection.person
        summary = f"查询人选{person.name}（{person.id_masked}）的异议：完成“{step.label}”"
        if last:
            summary += f"，{ObjectionOutcome(outcome).label}"
        record(
            user,
            AuditAction.UPDATE,
            summary,
            obj=person.request,
            ip=client_ip(request),
            reason=note.strip(),
            detail={"person": person.pk, "step": step.step, "outcome": outcome},
        )
    if last and outcome == ObjectionOutcome.UPHELD:
        from xinyong.jrp.notify import notify_department

        req = objection.person.request
        notify_department(
            req.department_id,
            "recruit",
            f"录用人选信用查询{req.doc_no}的答复已更正",
            f"经异议核查，人选{objection.person.name}更正为“无失信记录”。",
            link=f"/office/recruit/{req.pk}/",
        )
    return nxt
