"""Services of 政务诚信监测评价 (R-GOV-3): model versions, the monthly evaluation, a body's score.

The evaluation reads the archive in a few bulk queries, hands plain data to the pure
:mod:`xinyong.integrity.engine`, and writes every body's result in one bulk insert. A run is
keyed by a digest of its inputs: the same inputs give the same result (nothing is rewritten);
a re-run after late data replaces the month's results and records what changed.
"""

from __future__ import annotations

import datetime
import hashlib
import marshal
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from xinyong import dbbulk
from xinyong.audit.models import AuditAction
from xinyong.audit.services import record
from xinyong.departments.models import Department
from xinyong.integrity import engine
from xinyong.integrity.model import (
    Model,
    ModelError,
    default_versions,
    load_text,
    model_in_force,
)
from xinyong.integrity.models import (
    BodyLevel,
    Evaluation,
    EvaluationRun,
    GovBody,
    IntegrityEvent,
    ModelVersion,
)
from xinyong.subjects.models import Subject, SubjectKind

__all__ = [
    "IntegrityError",
    "add_model_version",
    "body_score",
    "evaluate_month",
    "mask_name",
    "model_for",
    "parse_month",
    "register_body",
    "stored_versions",
]


class IntegrityError(ValueError):
    """A request the evaluation cannot serve; the message is Chinese and shown to the user."""


def parse_month(text: str) -> datetime.date:
    """``YYYY-MM`` → the first day of that month."""
    try:
        return datetime.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise IntegrityError(f"“{text}”不是有效月份，应为YYYY-MM格式") from None


# -- model versions -----------------------------------------------------------------------


def stored_versions() -> tuple[Model, ...]:
    """Versions issued by the credit office (ModelVersion rows), checked as they are read."""
    versions: list[Model] = []
    for row in ModelVersion.objects.order_by("effective_from", "id"):
        for model in load_text(row.text, f"评价模型版本{row.version}"):
            if model.version == row.version:
                versions.append(model)
    return tuple(versions)


def model_for(month: datetime.date) -> Model:
    """The model version in force on the last day of ``month``."""
    try:
        return model_in_force(engine.month_end(month), stored_versions())
    except ModelError as exc:
        raise IntegrityError(str(exc)) from None


def add_model_version(text: str, filename: str, actor: Any = None) -> list[ModelVersion]:
    """Issue new model version(s) from a YAML file in the format of data/model.yaml.

    The file is checked fully first (file/line errors); versions already known are refused so
    a month once evaluated stays reproducible."""
    try:
        versions = load_text(text, filename)
    except ModelError as exc:
        raise IntegrityError(str(exc)) from None
    known = {m.version for m in default_versions()} | set(
        ModelVersion.objects.values_list("version", flat=True)
    )
    _check_agreement(versions)
    created: list[ModelVersion] = []
    with transaction.atomic():
        for model in versions:
            if model.version in known:
                raise IntegrityError(f"评价模型版本“{model.version}”已存在，请使用新的版本号")
            row = ModelVersion.objects.create(
                version=model.version,
                effective_from=model.effective_from,
                text=text,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            record(
                actor,
                AuditAction.CREATE,
                f"登记政务诚信评价模型版本{model.version}（{model.effective_from}起施行）",
                obj=row,
            )
            created.append(row)
    return created


def _check_agreement(new: list[Model]) -> None:
    """A new version must agree with the rules that name its kinds and days: the code list of
    the 政务诚信信息 catalog type (departments report these kinds) and the public-commitment
    rules (their reporting due day is the on-time bonus's). Start-up checks the bundled
    versions; this checks an operator's version before it is stored."""
    from xinyong.catalog.model import default_catalog
    from xinyong.integrity.collection import KIND_LIST, kind_mismatches
    from xinyong.pledges.rules import PledgeRuleError, check_against_model
    from xinyong.pledges.rules import rules as pledge_rules

    every = [*default_versions(), *stored_versions(), *new]
    problems = kind_mismatches(default_catalog().codelists[KIND_LIST], every)
    if problems:
        raise IntegrityError(
            "新版本的事件类别与政务诚信信息报送目录（zwcx）的代码表不一致："
            + "；".join(problems)
            + "。请先在目录代码表中增加或更名相应类别"
        )
    try:
        check_against_model(pledge_rules(), every)
    except PledgeRuleError as exc:
        raise IntegrityError(str(exc)) from None


# -- bodies ---------------------------------------------------------------------------------


def register_body(
    subject: Subject,
    level: str,
    *,
    department: Department | None = None,
    name: str = "",
    actor: Any = None,
) -> GovBody:
    """Put a government subject under evaluation (idempotent)."""
    if subject.kind != SubjectKind.GOVERNMENT:
        raise IntegrityError(f"“{subject.name}”不是政府机构主体，不能参加政务诚信评价")
    if level not in BodyLevel.values:
        raise IntegrityError(f"层级“{level}”未知")
    body, created = GovBody.objects.get_or_create(
        subject=subject,
        defaults={"level": level, "department": department, "name": name or subject.name},
    )
    if created:
        record(actor, AuditAction.CREATE, f"将{body.name}纳入政务诚信评价", obj=body)
    return body


# -- the monthly evaluation -----------------------------------------------------------------


def _day(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def _inputs(
    model: Model, month: datetime.date
) -> tuple[list[engine.Body], list[engine.Event], dict[int, Decimal], str]:
    """Bodies, events in the widest window, last month's scores, and a digest of them all.

    Events are read with one plain cursor, dates and points as text (no per-row conversion by
    the ORM or the driver: 300,000 rows must take about a second); the digest hashes the rows
    as read, in id order, with ``marshal`` format 2 (plain values, no references: the same
    rows give the same bytes)."""
    from xinyong.integrity.dishonest import honour_bars

    bars = honour_bars()
    bodies = [
        engine.Body(pk, level, name, tuple(bars.get(pk, ())))
        for pk, level, name in GovBody.objects.filter(active=True)
        .order_by("id")
        .values_list("id", "level", "name")
    ]
    earliest = engine.months_back(month, max(model.window_months, model.extended_months) - 1)
    text = CharField()
    query = (
        IntegrityEvent.objects.filter(
            event_date__gte=earliest,
            event_date__lte=engine.month_end(month),
            withdrawn_on__isnull=True,
        )
        .order_by("id")
        .annotate(
            d=Cast("event_date", text),
            p=Cast("points", text),
            r1=Cast("rectified_on", text),
            r2=Cast("repaired_on", text),
        )
        .values_list("id", "body_id", "item", "kind", "d", "level", "p", "r1", "r2")
        .query
    )
    sql, params = query.sql_with_params()
    h = hashlib.sha256()
    h.update(f"{model.version}\n{hashlib.sha256(model.source.encode()).hexdigest()}\n".encode())
    h.update(repr([(b.id, b.level, b.barred) for b in bodies]).encode())
    Event = engine.Event
    day = datetime.date.fromisoformat
    events: list[engine.Event] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(50_000):
            h.update(marshal.dumps(rows, 2))
            for pk, body, item, kind, d, level, points, rect, rep in rows:
                cleared = None
                if rect is not None or rep is not None:
                    cleared = min(x for x in (_day(rect), _day(rep)) if x is not None)
                events.append(
                    Event(
                        pk,
                        body,
                        item,
                        kind,
                        day(d),
                        level,
                        None if points is None else Decimal(points).quantize(engine.CENT),
                        cleared,
                    )
                )
    previous = dict(
        Evaluation.objects.filter(month=engine.months_back(month, 1)).values_list(
            "body_id", "score"
        )
    )
    h.update(repr(sorted((k, str(v)) for k, v in previous.items())).encode())
    return bodies, events, previous, h.hexdigest()


def evaluate_month(month: datetime.date, actor: Any = None) -> EvaluationRun:
    """Evaluate every active body for ``month``; same inputs → same result, recorded once.

    A re-run whose inputs are unchanged writes nothing but the run (marked unchanged); a re-run
    after late data replaces the month's evaluations and lists each body whose score, grade or
    rank changed."""
    month = month.replace(day=1)
    model = model_for(month)
    bodies, events, previous, digest = _inputs(model, month)
    last = EvaluationRun.objects.filter(month=month).order_by("-id").first()
    user = actor if getattr(actor, "pk", None) else None
    label = f"{month:%Y-%m}"
    if last is not None and last.digest == digest:
        run = EvaluationRun.objects.create(
            month=month,
            model_version=model.version,
            created_by=user,
            bodies=len(bodies),
            events=len(events),
            digest=digest,
            unchanged=True,
        )
        record(
            actor, AuditAction.UPDATE, f"重新运行{label}政务诚信评价：输入未变，结果不变", obj=run
        )
        return run
    results = engine.evaluate(model, month, bodies, events, previous)
    before = {
        body_id: (str(score), grade, rank)
        for body_id, score, grade, rank in Evaluation.objects.filter(month=month).values_list(
            "body_id", "score", "grade", "rank"
        )
    }
    names = {b.id: b for b in bodies}
    changes: list[dict[str, Any]] = []
    if last is not None:
        for r in results:
            now = (str(r.score), r.grade, r.rank)
            old = before.pop(r.body_id, None)
            if old != now:
                changes.append(
                    {
                        "body": r.body_id,
                        "name": names[r.body_id].name,
                        "before": None
                        if old is None
                        else {"score": old[0], "grade": old[1], "rank": old[2]},
                        "after": {"score": now[0], "grade": now[1], "rank": now[2]},
                    }
                )
        for body_id, old in sorted(before.items()):
            changes.append(
                {
                    "body": body_id,
                    "name": "",
                    "before": {"score": old[0], "grade": old[1], "rank": old[2]},
                    "after": None,
                }
            )
    levels = {b.id: b.level for b in bodies}
    now_at = timezone.now()
    with transaction.atomic():
        run = EvaluationRun.objects.create(
            month=month,
            model_version=model.version,
            created_by=user,
            bodies=len(bodies),
            events=len(events),
            digest=digest,
            changes=changes,
        )
        Evaluation.objects.filter(month=month).delete()
        dbbulk.insert(
            Evaluation,
            [
                "month",
                "body",
                "run",
                "model_version",
                "level",
                "score",
                "grade",
                "rank",
                "delta",
                "contributions",
                "computed_at",
            ],
            [
                (
                    month,
                    r.body_id,
                    run.pk,
                    model.version,
                    levels[r.body_id],
                    r.score,
                    r.grade,
                    r.rank,
                    r.delta,
                    r.explanation(),
                    now_at,
                )
                for r in results
            ],
        )
        refreshed = _refresh_next_month(month, {r.body_id: r.score for r in results})
        summary = f"运行{label}政务诚信评价：{len(bodies)}个评价对象，{len(events)}条事件" + (
            f"，补录数据后重算，{len(changes)}个对象结果变化" if last is not None else ""
        )
        if refreshed:
            summary += f"；次月已有评价的“较上月变化”随之更新{refreshed}个"
        record(actor, AuditAction.CREATE, summary, obj=run, detail={"digest": digest})
    return run


def _refresh_next_month(month: datetime.date, scores: dict[int, Decimal]) -> int:
    """A month re-run after late data moves the next month's "change from last month" too
    (the next month's scores stand until that month is re-run itself)."""
    following = Evaluation.objects.filter(month=engine.months_back(month, -1))
    changed = []
    for evaluation in following:
        previous = scores.get(evaluation.body_id)
        delta = None if previous is None else evaluation.score - previous
        if delta != evaluation.delta:
            evaluation.delta = delta
            changed.append(evaluation)
    Evaluation.objects.bulk_update(changed, ["delta"])
    return len(changed)


# -- reading a body's score -------------------------------------------------------------------


def body_score(code: str, month: datetime.date) -> dict[str, Any]:
    """A body's evaluation for ``month`` with per-item contributions and the events behind them."""
    month = month.replace(day=1)
    body = (
        GovBody.objects.select_related("subject").filter(subject__uscc=code.strip().upper()).first()
    )
    if body is None:
        raise IntegrityError(f"统一社会信用代码“{code}”不是政务诚信评价对象")
    evaluation = Evaluation.objects.filter(month=month, body=body).first()
    if evaluation is None:
        raise IntegrityError(f"{body.name}尚无{month:%Y-%m}的评价结果，请先运行该月评价")
    model = next(
        (
            m
            for m in (*default_versions(), *stored_versions())
            if m.version == evaluation.model_version
        ),
        None,
    ) or model_for(month)
    explained = engine.explanations(model)
    items: list[dict[str, Any]] = evaluation.contributions.get("items", [])
    ids = [pk for item in items for pk in item["events"]]
    events = {
        e["id"]: e
        for e in IntegrityEvent.objects.filter(id__in=ids).values(
            "id",
            "kind",
            "event_date",
            "level",
            "channel",
            "source_doc",
            "points",
            "rectified_on",
            "repaired_on",
            "note",
            "person__name",
            "person_role",
        )
    }
    out_items = []
    for item in items:
        out_items.append(
            {
                **item,
                "explanation": [explained[name] for name in item["rules"] if name in explained],
                "events": [
                    {
                        "id": pk,
                        "kind": events[pk]["kind"],
                        "kind_name": model.kinds.get(events[pk]["kind"], events[pk]["kind"]),
                        "date": events[pk]["event_date"].isoformat(),
                        "level": events[pk]["level"],
                        "channel": events[pk]["channel"],
                        "source_doc": events[pk]["source_doc"],
                        "points": None
                        if events[pk]["points"] is None
                        else str(events[pk]["points"]),
                        "rectified_on": _iso(events[pk]["rectified_on"]),
                        "repaired_on": _iso(events[pk]["repaired_on"]),
                        "note": events[pk]["note"],
                        # Reports reach the body's department and the API: a civil servant
                        # appears only by masked name and role, never by ID number.
                        "person": _person_text(
                            events[pk]["person__name"], events[pk]["person_role"]
                        ),
                    }
                    for pk in item["events"]
                    if pk in events
                ],
            }
        )
    grade = next((g for g in model.grades if g.grade == evaluation.grade), None)
    return {
        "code": body.subject.uscc,
        "name": body.name,
        "level": body.get_level_display(),
        "month": f"{month:%Y-%m}",
        "model_version": evaluation.model_version,
        "score": str(evaluation.score),
        "grade": evaluation.grade,
        "grade_name": grade.name if grade else "",
        "rank": evaluation.rank,
        "of": Evaluation.objects.filter(month=month, level=evaluation.level).count(),
        "delta": None if evaluation.delta is None else str(evaluation.delta),
        "dimensions": evaluation.contributions.get("dimensions", []),
        "items": out_items,
        "computed_at": evaluation.computed_at.isoformat(),
    }


def mask_name(name: str) -> str:
    """A civil servant's name as the body's pages show it: the surname, the rest starred.

    >>> mask_name("张三"), mask_name("欧阳小明"), mask_name("李")
    ('张*', '欧***', '李')
    """
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1)


def _person_text(name: str | None, role: str) -> str:
    """How a report names a civil servant: ``公职人员（张*，副局长）``; empty for none."""
    if not name:
        return ""
    return f"公职人员（{'，'.join(x for x in (mask_name(name), role) if x)}）"


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None
