"""Public-commitment rules (公开承诺规则) as data: ``data/pledges.yaml``, checked at start-up.

A pledge keeps the version in force on the day it was signed. The monthly report's due day
must be the evaluation model's on-time day (``ontime.due_day`` of integrity/data/model.yaml):
otherwise the portal would promise a deadline the monthly evaluation does not reward, so
start-up fails and says which versions disagree.

>>> rule = rule_on(dt.date(2026, 9, 30))
>>> rule.report_due_day, rule.unkept_kind, rule.days_after_due
(10, 'commitment_unkept', 1)
>>> rule.categories[0]
'惠企政策兑现'

Only a report of the month before the report day's month (报送上月履约信息) is an archive event;
the on-time bonus needs that and the due day:

>>> rule.makes_event(dt.date(2026, 3, 1), dt.date(2026, 4, 8))
True
>>> rule.makes_event(dt.date(2026, 4, 1), dt.date(2026, 4, 8))  # the current month
False
>>> rule.makes_event(dt.date(2023, 3, 1), dt.date(2026, 4, 8))  # years old
False
>>> rule.makes_event(dt.date(2025, 12, 1), dt.date(2026, 1, 10))  # across the year
True
>>> rule.on_time(dt.date(2026, 3, 1), dt.date(2026, 4, 10)), rule.on_time(
...     dt.date(2026, 3, 1), dt.date(2026, 4, 11)
... )
(True, False)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.ruledata import Node, RuleError, in_force, load_versions, version_on
from xinyong.integrity.model import Model, default_versions
from xinyong.uploads import MB, UploadRule

__all__ = [
    "DATA",
    "REPORT_STATUS_LABELS",
    "PledgeRule",
    "PledgeRuleError",
    "check_against_model",
    "load",
    "previous_month",
    "rule_on",
    "rules",
]

DATA = Path(__file__).with_name("data") / "pledges.yaml"

#: Report statuses: stored code → the label the rule file and the pages use.
REPORT_STATUS_LABELS = {"done": "已履行", "ongoing": "履行中", "undone": "未履行"}
_CODE_OF_LABEL = {label: code for code, label in REPORT_STATUS_LABELS.items()}


class PledgeRuleError(RuleError):
    """The public-commitment rules are malformed or disagree with the evaluation model."""


@dataclass(frozen=True)
class PledgeRule:
    effective_from: dt.date
    basis: str
    categories: tuple[str, ...]
    report_kind: str
    report_due_day: int
    unkept_kind: str
    days_after_due: int
    #: report status codes (``done``/``ongoing``/``undone``) that leave a due pledge unkept
    unkept_statuses: tuple[str, ...]
    #: report status codes that make a standing pledge (no due date) unkept when reported
    standing_unkept_statuses: tuple[str, ...]
    evidence: UploadRule
    version: str

    @property
    def unkept_labels(self) -> str:
        return "、".join(REPORT_STATUS_LABELS[s] for s in self.unkept_statuses)

    def makes_event(self, period: dt.date, reported_on: dt.date) -> bool:
        """Whether a report is 报送上月履约信息 (``report.kind`` in the rule file): its period is
        the month before the report day's month. Reports of other months are kept and published
        but are no archive event, so an old or current month cannot earn the on-time bonus."""
        return period.replace(day=1) == previous_month(reported_on)

    def on_time(self, period: dt.date, reported_on: dt.date) -> bool:
        """The evaluation's on-time rule: last month's fulfilment reported by the due day."""
        return self.makes_event(period, reported_on) and reported_on.day <= self.report_due_day


def previous_month(day: dt.date) -> dt.date:
    """The first day of the month before ``day``'s month."""
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _unkept_statuses(node: Node) -> tuple[str, ...]:
    """Report status labels that count as not kept, as codes; 已履行 never does."""
    codes: list[str] = []
    for label in node.text_list():
        if label not in _CODE_OF_LABEL:
            raise node.fail(f"履行情况“{label}”未知（可选：{'、'.join(_CODE_OF_LABEL)}）")
        codes.append(_CODE_OF_LABEL[label])
    if "done" in codes:
        raise node.fail("“已履行”不能认定为承诺未兑现")
    return tuple(codes)


def _rule(node: Node, version: str) -> PledgeRule:
    node.keys(required=("effective_from", "basis", "categories", "report", "unkept", "evidence"))
    categories = node.req("categories").text_list()
    if not categories:
        raise node.req("categories").fail("至少需要一个承诺类别")
    if len(set(categories)) != len(categories):
        raise node.req("categories").fail("承诺类别重复")
    for name in categories:
        if len(name) > 20:
            raise node.req("categories").fail(f"承诺类别“{name}”过长（最多20个字）")
    report = node.req("report")
    report.keys(required=("kind", "due_day"))
    unkept = node.req("unkept")
    unkept.keys(required=("kind", "days_after_due", "statuses", "standing_statuses"))
    statuses = _unkept_statuses(unkept.req("statuses"))
    standing = _unkept_statuses(unkept.req("standing_statuses"))
    e = node.req("evidence")
    e.keys(required=("max_files", "max_mb", "types"))
    return PledgeRule(
        effective_from=node.req("effective_from").date(),
        basis=node.req("basis").text(),
        categories=tuple(categories),
        report_kind=report.req("kind").text(),
        report_due_day=report.req("due_day").integer(1, 28),
        unkept_kind=unkept.req("kind").text(),
        days_after_due=unkept.req("days_after_due").integer(0, 60),
        unkept_statuses=statuses,
        standing_unkept_statuses=standing,
        evidence=UploadRule(
            max_files=e.req("max_files").integer(0, 20),
            max_bytes=e.req("max_mb").integer(1, 100) * MB,
            types=tuple(t.lower() for t in e.req("types").text_list()),
        ),
        version=version,
    )


def check_against_model(versions: Sequence[PledgeRule], models: Sequence[Model]) -> None:
    """Each pledge rule must agree with every evaluation-model version in force while it is:
    same report due day as ``ontime.due_day``, report kind = ``ontime.kind``, known unkept kind."""
    ordered = sorted(models, key=lambda m: m.effective_from)
    for index, rule in enumerate(versions):
        until = versions[index + 1].effective_from if index + 1 < len(versions) else dt.date.max
        first = in_force(ordered, rule.effective_from)
        overlapping = [first] if first is not None else []
        overlapping += [m for m in ordered if rule.effective_from < m.effective_from < until]
        for model in overlapping:
            where = (
                f"公开承诺规则（{DATA.name}）{rule.effective_from}起的版本"
                f"与政务诚信评价模型{model.version}版不一致"
            )
            if model.due_day != rule.report_due_day:
                raise PledgeRuleError(
                    f"{where}：履约情况每月报送截止日（report.due_day）为{rule.report_due_day}日，"
                    f"评价模型的按时报送截止日（ontime.due_day）为{model.due_day}日；"
                    "请改成相同的日期"
                )
            if model.ontime_kind != rule.report_kind:
                raise PledgeRuleError(
                    f"{where}：履约报送事件类别（report.kind）为“{rule.report_kind}”，"
                    f"评价模型按时报送加分的事件类别（ontime.kind）为“{model.ontime_kind}”"
                )
            if rule.unkept_kind not in model.kinds:
                raise PledgeRuleError(
                    f"{where}：承诺未兑现事件类别（unkept.kind）“{rule.unkept_kind}”不在评价模型中"
                )


def load(path: Path | str = DATA) -> tuple[PledgeRule, ...]:
    """Load and check a rule file; versions come back sorted by ``effective_from``."""
    return load_versions(path, _rule, "公开承诺规则", PledgeRuleError)


@functools.cache
def rules() -> tuple[PledgeRule, ...]:
    """The bundled rules, read once and checked against the bundled evaluation model."""
    versions = load()
    check_against_model(versions, default_versions())
    return versions


def rule_on(day: dt.date) -> PledgeRule:
    """The rule in force for a pledge signed on ``day``."""
    return version_on(rules(), day, "公开承诺规则", PledgeRuleError)
