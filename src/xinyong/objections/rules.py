"""Objection rules (异议处理规则) as data: ``data/objections.yaml``, checked at start-up.

Each version has the working-day deadline of every step; an objection keeps the version in
force on the day it was filed.

>>> rule = rule_on(dt.date(2026, 9, 30))
>>> rule.steps["accept"], rule.steps["verify"], rule.steps["close"], rule.suspend_from
(2, 5, 2, 'accept')
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.ruledata import Node, RuleError, load_versions, version_on
from xinyong.uploads import MB, UploadRule

__all__ = [
    "STEP_LABELS",
    "ObjectionRule",
    "ObjectionRuleError",
    "load",
    "rule_on",
    "rules",
]

DATA = Path(__file__).with_name("data") / "objections.yaml"

#: The steps with a deadline, and who takes them.
STEP_LABELS = {
    "accept": "受理（信用办）",
    "verify": "核查（信息提供单位）",
    "close": "办结（信用办）",
    "inform": "告知异议人",
}
SUSPEND_FROM = ("accept", "filing")


class ObjectionRuleError(RuleError):
    """The objection rules are malformed."""


@dataclass(frozen=True)
class ObjectionRule:
    effective_from: dt.date
    basis: str
    steps: dict[str, int]
    suspend_from: str
    remind_within: int
    notice_months: int
    materials: UploadRule
    version: str


def _rule(node: Node, version: str) -> ObjectionRule:
    node.keys(
        required=("effective_from", "basis", "steps", "suspend_from"),
        optional=("remind_within", "notice_months", "materials"),
    )
    steps_node = node.req("steps")
    steps_node.keys(required=tuple(STEP_LABELS))
    steps = {key: child.integer(1, 60) for key, child in steps_node.entries()}
    materials_node = node.req("materials") if node.get("materials") else None
    if materials_node is not None:
        materials_node.keys(required=("max_files", "max_mb", "types"))
        types = tuple(t.lower() for t in materials_node.req("types").text_list())
        materials = UploadRule(
            max_files=materials_node.req("max_files").integer(0, 50),
            max_bytes=materials_node.req("max_mb").integer(1, 200) * MB,
            types=types,
        )
    else:
        materials = UploadRule(max_files=0, max_bytes=MB, types=())
    remind = node.get("remind_within")
    months = node.get("notice_months")
    return ObjectionRule(
        effective_from=node.req("effective_from").date(),
        basis=node.req("basis").text(),
        steps=steps,
        suspend_from=node.req("suspend_from").choice(SUSPEND_FROM),
        remind_within=remind.integer(0, 30) if remind else 1,
        notice_months=months.integer(0, 120) if months else 3,
        materials=materials,
        version=version,
    )


def load(path: Path | str = DATA) -> tuple[ObjectionRule, ...]:
    """Load and check a rule file; versions come back sorted by ``effective_from``."""
    return load_versions(path, _rule, "异议处理规则", ObjectionRuleError)


@functools.cache
def rules() -> tuple[ObjectionRule, ...]:
    return load()


def rule_on(day: dt.date) -> ObjectionRule:
    """The rule in force for an objection filed on ``day``."""
    return version_on(rules(), day, "异议处理规则", ObjectionRuleError)
