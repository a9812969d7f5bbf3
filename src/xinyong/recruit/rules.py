"""Recruit-check rules (录用人选信用查询规则, R-GOV-7) as data: ``data/recruit.yaml``.

Checked at start-up (``RecruitConfig.ready``). A request keeps the version in force on the day it
was received.

>>> rule = rule_on(dt.date(2026, 9, 30))
>>> rule.answer_days, rule.objection_days, rule.objection_steps
(3, 3, {'accept': 3, 'verify': 3, 'close': 3})
>>> sorted(rule.dishonesty_lists)
['serious', 'sxbzxr', 'zdsswf', 'zfcg', 'zfsx']
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.ruledata import Node, RuleError, load_versions, version_on
from xinyong.lists.rules import definitions

__all__ = [
    "STEP_LABELS",
    "RecruitRule",
    "RecruitRuleError",
    "load",
    "rule_on",
    "rules",
]

DATA = Path(__file__).with_name("data") / "recruit.yaml"

#: The steps of a person's objection, in order, and who takes them.
STEP_LABELS = {
    "accept": "受理（信用办）",
    "verify": "核查（名单认定单位）",
    "close": "办结并告知本人",
}


class RecruitRuleError(RuleError):
    """The recruit-check rules are malformed."""


@dataclass(frozen=True)
class RecruitRule:
    effective_from: dt.date
    basis: str
    answer_days: int
    objection_days: int
    objection_steps: dict[str, int]
    dishonesty_lists: tuple[str, ...]
    version: str


def _lists(node: Node) -> tuple[str, ...]:
    known = definitions()
    black = tuple(code for code, d in known.items() if d.is_black)
    values = node.text_list()
    if values == ["black"]:
        return black
    for code in values:
        if code not in known:
            raise node.fail(f"名单“{code}”未定义（可选：{'、'.join(known)}）")
        if not known[code].is_black:
            raise node.fail(f"名单“{code}”（{known[code].name}）不是失信（黑）名单")
    return tuple(values)


def _rule(node: Node, version: str) -> RecruitRule:
    node.keys(
        required=(
            "effective_from",
            "basis",
            "answer_days",
            "objection_days",
            "objection_steps",
            "dishonesty_lists",
        )
    )
    steps_node = node.req("objection_steps")
    steps_node.keys(required=tuple(STEP_LABELS))
    by_key = dict(steps_node.entries())
    steps = {key: by_key[key].integer(1, 60) for key in STEP_LABELS}
    return RecruitRule(
        effective_from=node.req("effective_from").date(),
        basis=node.req("basis").text(),
        answer_days=node.req("answer_days").integer(1, 60),
        objection_days=node.req("objection_days").integer(1, 60),
        objection_steps=steps,
        dishonesty_lists=_lists(node.req("dishonesty_lists")),
        version=version,
    )


def load(path: Path | str = DATA) -> tuple[RecruitRule, ...]:
    """Load and check a rule file; versions come back sorted by ``effective_from``."""
    return load_versions(path, _rule, "录用人选信用查询规则", RecruitRuleError)


@functools.cache
def rules() -> tuple[RecruitRule, ...]:
    return load()


def rule_on(day: dt.date) -> RecruitRule:
    """The rule in force for a request received on ``day``."""
    return version_on(rules(), day, "录用人选信用查询规则", RecruitRuleError)
