"""Complaint rules (投诉受理规则) as data: ``data/complaints.yaml``, checked at start-up.

Each version has the working-day deadline of every step; a complaint keeps the version in force
on the day it was filed.

>>> rule = rule_on(dt.date(2026, 9, 30))
>>> rule.steps["assign"], rule.steps["answer"], rule.steps["close"]
(2, 10, 2)
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.ruledata import Node, RuleError, load_versions, version_on
from xinyong.uploads import MB, UploadRule

__all__ = ["STEP_LABELS", "ComplaintRule", "ComplaintRuleError", "load", "rule_on", "rules"]

DATA = Path(__file__).with_name("data") / "complaints.yaml"

#: The steps with a deadline, and who takes them.
STEP_LABELS = {
    "assign": "转办（信用办）",
    "answer": "调查答复（被投诉单位）",
    "close": "办结（信用办）",
}


class ComplaintRuleError(RuleError):
    """The complaint rules are malformed."""


@dataclass(frozen=True)
class ComplaintRule:
    effective_from: dt.date
    basis: str
    steps: dict[str, int]
    materials: UploadRule
    version: str


def _rule(node: Node, version: str) -> ComplaintRule:
    node.keys(required=("effective_from", "basis", "steps", "materials"))
    steps_node = node.req("steps")
    steps_node.keys(required=tuple(STEP_LABELS))
    steps = {key: child.integer(1, 60) for key, child in steps_node.entries()}
    m = node.req("materials")
    m.keys(required=("max_files", "max_mb", "types"))
    materials = UploadRule(
        max_files=m.req("max_files").integer(0, 50),
        max_bytes=m.req("max_mb").integer(1, 200) * MB,
        types=tuple(t.lower() for t in m.req("types").text_list()),
    )
    return ComplaintRule(
        effective_from=node.req("effective_from").date(),
        basis=node.req("basis").text(),
        steps=steps,
        materials=materials,
        version=version,
    )


def load(path: Path | str = DATA) -> tuple[ComplaintRule, ...]:
    """Load and check a rule file; versions come back sorted by ``effective_from``."""
    return load_versions(path, _rule, "投诉受理规则", ComplaintRuleError)


@functools.cache
def rules() -> tuple[ComplaintRule, ...]:
    return load()


def rule_on(day: dt.date) -> ComplaintRule:
    """The rule in force for a complaint filed on ``day``."""
    return version_on(rules(), day, "投诉受理规则", ComplaintRuleError)
