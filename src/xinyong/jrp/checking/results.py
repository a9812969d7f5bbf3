"""What a check answers: per subject, how it was matched, the entries hit and the measures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xinyong.jrp.measures import catalog
from xinyong.jrp.models import Check

MAX_BATCH = 200_000
_CHUNK = 500


class CheckError(ValueError):
    """The check request itself is refused (nothing is logged as a check)."""


@dataclass(frozen=True)
class Query:
    code: str = ""
    name: str = ""


@dataclass
class EntryHit:
    entry_id: int
    list_code: str
    list_name: str
    polarity: str
    listed_name: str
    listed_code: str
    reason: str
    legal_basis: str
    authority: str
    doc_no: str
    start_date: dt.date
    end_date: dt.date | None
    status: str
    suspended: bool
    public: bool
    matched_by: str  # code / masked_id / name
    score: float = 1.0
    features: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "list_code": self.list_code,
            "list_name": self.list_name,
            "polarity": self.polarity,
            "listed_name": self.listed_name,
            "listed_code": self.listed_code,
            "reason": self.reason,
            "legal_basis": self.legal_basis,
            "authority": self.authority,
            "doc_no": self.doc_no,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "status": self.status,
            "suspended": self.suspended,
            "matched_by": self.matched_by,
            "score": round(self.score, 4),
            "features": self.features,
        }


@dataclass
class SubjectResult:
    position: int
    query_code: str  # ID numbers masked
    query_name: str
    valid: bool
    error: str
    subject_id: int | None
    subject_name: str
    matched_by: str
    entries: list[EntryHit]
    measures: list[dict[str, Any]]
    suspended_measures: list[dict[str, Any]]
    explanation: str

    @property
    def hit(self) -> bool:
        return bool(self.entries)

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "query_code": self.query_code,
            "query_name": self.query_name,
            "valid": self.valid,
            "error": self.error,
            "subject_id": self.subject_id,
            "subject_name": self.subject_name,
            "matched_by": self.matched_by,
            "hit": self.hit,
            "entries": [e.as_dict() for e in self.entries],
            "measures": self.measures,
            "suspended_measures": self.suspended_measures,
            "explanation": self.explanation,
        }


@dataclass
class CheckOutcome:
    check: Check
    results: list[SubjectResult]

    def as_dict(self) -> dict[str, Any]:
        run = self.check
        return {
            "check_id": run.pk,
            "scenario": run.scenario,
            "scenario_name": catalog().scenarios[run.scenario],
            "checked_on": run.checked_on,
            "queries": run.queries,
            "hits": run.hits,
            "results": [r.as_dict() for r in self.results],
        }
