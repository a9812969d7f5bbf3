"""信用承诺覆盖率 (R-COM-3): the share of licences decided with a credit commitment.

Definition (also in docs/guide/信用承诺.md):

    For a department and a calendar month, the licences are the 行政许可 (``xzxk``) records the
    department submitted with a decision date in that month (revoked ones excluded). A licence
    is *covered* when the same subject signed, with the same department, a commitment of a
    kind the rule data marks ``coverage: true`` (证明事项告知承诺, 涉企经营许可事项告知承诺,
    容缺受理承诺), confirmed and not withdrawn, that either names the licence's decision number,
    or was signed on the decision day or within ``coverage.lookback_days`` calendar days
    before it.

    coverage = covered licences ÷ licences decided (none decided: no figure).
    The overall figure adds up every department's licences and covered licences.

Every figure comes with the licences behind it and, for each covered one, the commitment that
covers it and why.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from xinyong.audit.services import record as audit
from xinyong.commitments import rules
from xinyong.commitments.models import Commitment
from xinyong.departments.models import Department
from xinyong.departments.permissions import ensure_can_act_for, visible_departments
from xinyong.records.models import CreditRecord, RecordStatus

__all__ = [
    "CoverageFigure",
    "CoverageItem",
    "CoverageReport",
    "coverage",
    "coverage_kinds",
    "month_bounds",
]

LICENCE_TYPE = "xzxk"


def coverage_kinds() -> list[str]:
    """Kind codes that count for coverage, under any rule version."""
    codes: list[str] = []
    for version in rules.rules().versions:
        for k in version.kinds.values():
            if k.coverage and k.code not in codes:
                codes.append(k.code)
    return codes


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month containing ``month``."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


@dataclass
class CoverageItem:
    """One licence decided in the month, and the commitment covering it (or None)."""

    record_id: int
    doc_no: str
    decision_date: dt.date
    subject_id: int
    subject_name: str
    commitment: Commitment | None
    reason: str

    @property
    def covered(self) -> bool:
        return self.commitment is not None


@dataclass
class CoverageFigure:
    department: Department | None  # None: all departments together
    month: dt.date
    licences: int
    covered: int
    items: list[CoverageItem] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """Percentage, one decimal; None when no licence was decided."""
        return round(100 * self.covered / self.licences, 1) if self.licences else None

    @property
    def explanation(self) -> str:
        who = self.department.name if self.department else "全部部门"
        period = f"{self.month:%Y年%m月}"
        if not self.licences:
            return f"{who}{period}没有作出行政许可决定，不计算覆盖率。"
        return (
            f"{who}{period}作出行政许可决定{self.licences}件，其中{self.covered}件的申请人"
            f"在该部门签署了告知承诺或容缺受理承诺（决定当日或之前{rules.rules().lookback_days}天内签署，"
            f"或承诺中载明该许可决定文书号），"
            f"覆盖率 = {self.covered} ÷ {self.licences} = {self.rate}%。"
        )


@dataclass
class CoverageReport:
    month: dt.date
    rows: list[CoverageFigure]
    total: CoverageFigure

    def as_dict(self) -> dict[str, Any]:
        def one(f: CoverageFigure) -> dict[str, Any]:
            return {
                "department": f.department.name if f.department else None,
                "department_code": f.department.code if f.department else None,
                "licences": f.licences,
                "covered": f.covered,
                "rate": f.rate,
                "explanation": f.explanation,
            }

        return {
            "month": f"{self.month:%Y-%m}",
            "rows": [one(r) for r in self.rows],
            "total": one(self.total),
        }


def _licences(
    first: dt.date, last: dt.date, departments: QuerySet[Department]
) -> list[CreditRecord]:
    return list(
        CreditRecord.objects.filter(
            type_code=LICENCE_TYPE,
            department__in=departments,
            decision_date__gte=first,
            decision_date__lte=last,
        )
        .exclude(status=RecordStatus.REVOKED)
        .select_related("subject")
        .only("id", "doc_no", "decision_date", "subject_id", "subject__name", "department_id")
        .order_by("department_id", "decision_date", "id")
    )


def _commitments(
    subject_ids: list[int], department_ids: list[int], first: dt.date, last: dt.date
) -> dict[tuple[int, int], list[Commitment]]:
    """Coverage commitments by (subject, department), oldest first."""
    found: dict[tuple[int, int], list[Commitment]] = defaultdict(list)
    kinds = coverage_kinds()
    for start in range(0, len(subject_ids), 500):
        qs = (
            Commitment.objects.coverage_kinds(kinds)
            .filter(
                subject_id__in=subject_ids[start : start + 500],
                department_id__in=department_ids,
                signed_date__lte=last,
            )
            .only(
                "id",
                "number",
                "kind_name",
                "signed_date",
                "subject_id",
                "department_id",
                "licence_doc_no",
            )
            .order_by("signed_date", "id")
        )
        for c in qs:
            found[(c.subject_id, c.department_id)].append(c)
    return found


def _covering(
    record: CreditRecord, candidates: list[Commitment], lookback: int
) -> tuple[Commitment | None, str]:
    for c in candidates:
        if c.licence_doc_no and c.licence_doc_no == record.doc_no:
            return c, f"承诺{c.number}（{c.kind_name}）载明许可决定文书号{record.doc_no}"
    earliest = record.decision_date - dt.timedelta(days=lookback)
    best = None
    for c in candidates:
        if earliest <= c.signed_date <= record.decision_date:
            best = c  # the latest one signed before the decision
    if best is not None:
        days = (record.decision_date - best.signed_date).days
        when = "决定当日" if days == 0 else f"决定前{days}天"
        return best, f"承诺{best.number}（{best.kind_name}）于{best.signed_date}签署，{when}"
    if candidates:
        return None, f"该申请人在本部门的承诺均不在决定日前{lookback}天内签署"
    return None, "申请人未在本部门签署告知承诺或容缺受理承诺"


def coverage(
    user: Any, month: dt.date, *, department: Department | None = None, items: bool = False
) -> CoverageReport:
    """Coverage for a month: one figure per department ``user`` may see (or only
    ``department``), and the total. With ``items`` every figure lists its licences."""
    first, last = month_bounds(month)
    if department is not None:
        ensure_can_act_for(user, department, what="查看信用承诺覆盖率")
        departments = Department.objects.filter(pk=department.pk)
    else:
        departments = visible_departments(user)
    lookback = rules.rules().lookback_days
    licences = _licences(first, last, departments)
    by_key = _commitments(
        sorted({r.subject_id for r in licences}),
        sorted({r.department_id for r in licences}),
        first,
        last,
    )
    per_dept: dict[int, CoverageFigure] = {}
    names = {d.pk: d for d in departments}
    for d in sorted(names.values(), key=lambda d: d.name):
        per_dept[d.pk] = CoverageFigure(d, first, 0, 0)
    total = CoverageFigure(None, first, 0, 0)
    for r in licences:
        figure = per_dept[r.department_id]
        c, reason = _covering(r, by_key.get((r.subject_id, r.department_id), []), lookback)
        figure.licences += 1
        total.licences += 1
        if c is not None:
            figure.covered += 1
            total.covered += 1
        if items:
            item = CoverageItem(
                r.pk, r.doc_no, r.decision_date, r.subject_id, r.subject.name, c, reason
            )
            figure.items.append(item)
    rows = list(per_dept.values())
    audit(
        user,
        "read",
        f"查看信用承诺覆盖率（{first:%Y-%m}，{department.name if department else '全部可见部门'}）",
        object_type="commitments.coverage",
        detail={"month": f"{first:%Y-%m}", "licences": total.licences, "covered": total.covered},
    )
    return CoverageReport(first, rows, total)
