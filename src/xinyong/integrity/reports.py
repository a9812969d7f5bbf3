"""Monthly evaluation reports, level rankings and their publication (R-GOV-3).

A report is plain data built on :func:`services.body_score` (the one reading of a body's score),
so the HTML page, the PDF, the CLI and the API show the same figures. Who may read a report is
decided here too: the credit office reads every body's, a department only its own body's.
Rankings reach the portal only through a :class:`RankingPublication` that is not withdrawn.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record
from xinyong.departments.permissions import refuse
from xinyong.integrity.model import Model, default_versions
from xinyong.integrity.models import (
    BodyLevel,
    Evaluation,
    GovBody,
    RankingPublication,
    SourceChannel,
)
from xinyong.integrity.services import (
    IntegrityError,
    body_score,
    model_for,
    stored_versions,
)

__all__ = [
    "HISTORY_MONTHS",
    "body_report",
    "ensure_can_read_report",
    "evaluated_months",
    "latest_month",
    "level_name",
    "level_ranking",
    "live_publication",
    "month_label",
    "publish_ranking",
    "published_rankings",
    "rank_text",
    "withdraw_ranking",
]

#: how many evaluated months the report's score trend shows
HISTORY_MONTHS = 12


def month_label(month: datetime.date) -> str:
    """The month as the report names it.

    >>> month_label(datetime.date(2026, 4, 1))
    '2026年4月'
    """
    return f"{month.year}年{month.month}月"


def rank_text(rank: int, of: int) -> str:
    """The rank within the level, as the report states it.

    >>> rank_text(2, 17)
    '第2名/共17个'
    """
    return f"第{rank}名/共{of}个"


def delta_text(delta: str | None) -> str:
    """The change from last month, in words.

    >>> delta_text("-1.50"), delta_text("2.00"), delta_text("0.00"), delta_text(None)
    ('较上月下降1.50分', '较上月上升2.00分', '与上月持平', '上月未评价')
    """
    if delta is None:
        return "上月未评价"
    value = Decimal(delta)
    if value > 0:
        return f"较上月上升{value}分"
    if value < 0:
        return f"较上月下降{-value}分"
    return "与上月持平"


def level_name(level: str) -> str:
    """The Chinese name of a body level; IntegrityError for an unknown level."""
    if level not in BodyLevel.values:
        choices = "、".join(f"{value}（{label}）" for value, label in BodyLevel.choices)
        raise IntegrityError(f"层级“{level}”不存在，应为{choices}")
    return str(BodyLevel(level).label)


def _model_named(version: str, month: datetime.date) -> Model:
    for model in (*default_versions(), *stored_versions()):
        if model.version == version:
            return model
    return model_for(month)


# -- months -----------------------------------------------------------------------------------


def evaluated_months() -> list[datetime.date]:
    """Months that have evaluations, newest first."""
    return list(Evaluation.objects.order_by("-month").values_list("month", flat=True).distinct())


def latest_month() -> datetime.date | None:
    month: datetime.date | None = Evaluation.objects.aggregate(m=Max("month"))["m"]
    return month


# -- a body's report --------------------------------------------------------------------------


def ensure_can_read_report(user: Any, body: GovBody, *, request: Any = None) -> None:
    """Operators read every report; a department user only the report of the body whose
    department is its own. A refusal is audited and says why in Chinese."""
    what = f"查看{body.name}的政务诚信评价报告"
    if not getattr(user, "is_authenticated", False):
        raise refuse(user, "请先登录", what=what, request=request)
    if not user.is_active:
        raise refuse(user, "您的账号已停用", what=what, request=request)
    if user.is_operator:
        return
    own = user.department
    if own is None:
        message = "您的账号未关联部门，只能由信用办查看政务诚信评价报告"
    elif not own.is_active:
        message = f"您所属的“{own.name}”已停用，不能查看政务诚信评价报告"
    elif body.department_id is None:
        message = f"“{body.name}”未关联平台部门，其政务诚信评价报告只有信用办可以查看"
    elif body.department_id != own.pk:
        message = (
            f"您属于“{own.name}”，只能查看本单位的政务诚信评价报告，无权查看“{body.name}”的报告"
        )
    else:
        return
    raise refuse(user, message, department=own, what=what, request=request)


def _history(body: GovBody, month: datetime.date) -> list[dict[str, Any]]:
    """The body's last evaluated months up to ``month``, oldest first, each with the level size."""
    rows = list(
        Evaluation.objects.filter(body=body, month__lte=month)
        .order_by("-month")
        .values("month", "level", "score", "grade", "rank")[:HISTORY_MONTHS]
    )
    sizes = {
        (m, lv): n
        for m, lv, n in Evaluation.objects.filter(month__in=[r["month"] for r in rows])
        .values("month", "level")
        .annotate(n=Count("id"))
        .values_list("month", "level", "n")
    }
    return [
        {
            "month": f"{r['month']:%Y-%m}",
            "label": month_label(r["month"]),
            "score": str(r["score"]),
            "grade": r["grade"],
            "rank": r["rank"],
            "of": sizes.get((r["month"], r["level"]), 0),
        }
        for r in reversed(rows)
    ]


def body_report(body: GovBody, month: datetime.date) -> dict[str, Any]:
    """Everything the monthly evaluation report shows, as plain data (JSON-ready).

    Per dimension its score and the items that moved it; per item the points, the published
    rules that produced them, and each event with its source channel and source document."""
    month = month.replace(day=1)
    score = body_score(body.subject.uscc or "", month)
    model = _model_named(score["model_version"], month)
    channels = dict(SourceChannel.choices)
    items_by_dimension: dict[str, list[dict[str, Any]]] = {}
    for item in score["items"]:
        events = [
            {
                **event,
                "channel_name": str(channels.get(event["channel"], event["channel"])),
                "source": "：".join(
                    x for x in (channels.get(event["channel"], ""), event["source_doc"]) if x
                ),
                # The report's 说明 column names a civil servant by masked name and role only.
                "note": "：".join(x for x in (event["person"], event["note"]) if x),
            }
            for event in item["events"]
        ]
        items_by_dimension.setdefault(item["dimension"], []).append(
            {
                **item,
                "events": events,
                "capped": Decimal(item["points"]) != Decimal(item["raw"]),
            }
        )
    dimensions = [
        {**dimension, "items": items_by_dimension.get(dimension["code"], [])}
        for dimension in score["dimensions"]
    ]
    history = _history(body, month)
    computed = timezone.localtime(datetime.datetime.fromisoformat(score["computed_at"]))
    return {
        "body": {
            "id": body.pk,
            "code": score["code"],
            "name": score["name"],
            "level": body.level,
            "level_name": score["level"],
            "department": body.department.name if body.department_id and body.department else "",
        },
        "month": score["month"],
        "month_label": month_label(month),
        "model_version": score["model_version"],
        "window_months": model.window_months,
        "model_title": model.title,
        "score": score["score"],
        "grade": score["grade"],
        "grade_name": score["grade_name"],
        "rank": score["rank"],
        "of": score["of"],
        "rank_text": rank_text(score["rank"], score["of"]),
        "delta": score["delta"],
        "delta_text": delta_text(score["delta"]),
        "dimensions": dimensions,
        "history": history,
        "grades": [{"grade": g.grade, "name": g.name, "min": str(g.min)} for g in model.grades],
        "computed_at": score["computed_at"],
        "computed_label": f"{computed:%Y-%m-%d %H:%M}",
    }


# -- rankings ---------------------------------------------------------------------------------


def level_ranking(month: datetime.date, level: str) -> dict[str, Any]:
    """All evaluated bodies of ``level`` for ``month`` in rank order (no event details)."""
    month = month.replace(day=1)
    name = level_name(level)
    rows = list(
        Evaluation.objects.filter(month=month, level=level)
        .select_related("body__subject")
        .order_by("rank", "body__name")
    )
    grades: dict[str, str] = {}
    for version in {r.model_version for r in rows}:
        grades.update({g.grade: g.name for g in _model_named(version, month).grades})
    return {
        "month": f"{month:%Y-%m}",
        "month_label": month_label(month),
        "level": level,
        "level_name": name,
        "count": len(rows),
        "rows": [
            {
                "rank": r.rank,
                "body_id": r.body_id,
                "code": r.body.subject.uscc,
                "name": r.body.name,
                "score": str(r.score),
                "grade": r.grade,
                "grade_name": grades.get(r.grade, ""),
                "delta": None if r.delta is None else str(r.delta),
            }
            for r in rows
        ],
    }


def live_publication(month: datetime.date, level: str) -> RankingPublication | None:
    """The publication of ``month``'s ranking of ``level`` while it is not withdrawn."""
    return RankingPublication.objects.filter(
        month=month.replace(day=1), level=level, withdrawn_at__isnull=True
    ).first()


def published_rankings() -> list[RankingPublication]:
    return list(RankingPublication.objects.filter(withdrawn_at__isnull=True))


def publish_ranking(
    month: datetime.date, level: str, actor: Any, *, note: str = ""
) -> RankingPublication:
    """Publish a month's ranking of one level on the portal (again, after a withdrawal)."""
    month = month.replace(day=1)
    name = level_name(level)
    label = f"{month_label(month)}{name}政务诚信评价排名"
    if not Evaluation.objects.filter(month=month, level=level).exists():
        raise IntegrityError(f"{month_label(month)}{name}尚无评价结果，不能发布排名")
    note = note.strip()[:300]
    user = actor if getattr(actor, "pk", None) else None
    existing = RankingPublication.objects.filter(month=month, level=level).first()
    if existing is not None and existing.withdrawn_at is None:
        raise IntegrityError(f"{label}已于{timezone.localtime(existing.published_at):%Y-%m-%d}发布")
    if existing is None:
        publication = RankingPublication.objects.create(
            month=month, level=level, published_by=user, note=note
        )
        record(actor, AuditAction.CREATE, f"发布{label}", obj=publication, reason=note)
        return publication
    existing.published_at = timezone.now()
    existing.published_by = user
    existing.withdrawn_at = None
    existing.note = note
    existing.save(update_fields=["published_at", "published_by", "withdrawn_at", "note"])
    record(actor, AuditAction.UPDATE, f"撤回后重新发布{label}", obj=existing, reason=note)
    return existing


def withdraw_ranking(
    month: datetime.date, level: str, actor: Any, *, reason: str
) -> RankingPublication:
    """Take a published ranking off the portal; the reason is required and kept."""
    month = month.replace(day=1)
    name = level_name(level)
    label = f"{month_label(month)}{name}政务诚信评价排名"
    reason = reason.strip()
    if not reason:
        raise IntegrityError("撤回排名须说明原因")
    publication = live_publication(month, level)
    if publication is None:
        raise IntegrityError(f"{label}未发布或已撤回")
    publication.withdrawn_at = timezone.now()
    publication.note = "；".join(x for x in (publication.note, f"撤回原因：{reason}") if x)[:300]
    publication.save(update_fields=["withdrawn_at", "note"])
    record(actor, AuditAction.REVOKE, f"撤回{label}", obj=publication, reason=reason)
    return publication


# -- dashboard ----------------------------------------------------------------------------------


def trend(body: GovBody, month: datetime.date) -> list[tuple[str, Decimal]]:
    """A body's scores over its last evaluated months up to ``month``, oldest first."""
    rows = (
        Evaluation.objects.filter(body=body, month__lte=month)
        .order_by("-month")
        .values_list("month", "score")[:HISTORY_MONTHS]
    )
    return [(f"{m:%Y-%m}", score) for m, score in reversed(rows)]


def dashboard_figures(month: datetime.date) -> dict[str, Any]:
    """The credit office's figures for ``month``: scores, grades, open warnings, complaints."""
    from xinyong.complaints.models import Complaint
    from xinyong.complaints.models import Status as ComplaintStatus
    from xinyong.integrity.models import Warning, WarningStatus

    scores = list(Evaluation.objects.filter(month=month).values_list("score", flat=True))
    grades = dict(
        Evaluation.objects.filter(month=month)
        .values("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
    )
    model = model_for(month)
    open_warnings = Warning.objects.filter(status=WarningStatus.OPEN)
    by_level = dict(
        open_warnings.values("body__level").annotate(n=Count("id")).values_list("body__level", "n")
    )
    by_kind = dict(open_warnings.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    by_status = dict(
        Complaint.objects.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {
        "scores": scores,
        "count": len(scores),
        "average": (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"))
        if scores
        else None,
        "grades": [(f"{g.grade}（{g.name}）", grades.get(g.grade, 0)) for g in model.grades],
        "warnings_by_level": [
            (str(label), by_level.get(value, 0)) for value, label in BodyLevel.choices
        ],
        "warnings_by_kind": sorted(
            ((model.kinds.get(kind, kind), n) for kind, n in by_kind.items()),
            key=lambda row: (-row[1], row[0]),
        ),
        "warnings_open": sum(by_level.values()),
        "complaints_by_status": [
            (str(label), by_status.get(value, 0)) for value, label in ComplaintStatus.choices
        ],
    }
