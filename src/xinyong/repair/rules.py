"""Credit repair rules (信用修复规则) as data: ``data/repair.yaml``, checked at start-up.

Conditions are keyed on the decision date of the record (the rules changed with
发改办财金〔2019〕527号, 令第58号 from 2023-05-01 and 令第36号 from 2026-04-01); their versions are
the versions of the ``xzcf`` publicity rule, whose shortest and longest periods they use. The
procedure (deadlines in working days) is keyed on the application date.

>>> rules = load()
>>> version = rules.conditions_for(datetime.date(2026, 4, 1))
>>> version.name, version.tiers["严重"].training, version.tiers["轻微"].min_period
('国家发展改革委令第36号', True, False)
>>> rules.conditions_for(datetime.date(2026, 3, 31)).id
'ndrc-order-58'
>>> rules.procedure_for(datetime.date(2026, 11, 2)).review_workdays
10
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

from xinyong.core import publicity
from xinyong.core.ruledata import Node, RuleError, in_force, parse_file
from xinyong.uploads import MB, UploadRule

__all__ = [
    "DATA",
    "ConditionVersion",
    "Procedure",
    "RepairRuleError",
    "RepairRules",
    "TierConditions",
    "load",
    "repair_rules",
]

DATA = Path(__file__).with_name("data") / "repair.yaml"
#: The publicity rule whose versions the condition versions follow.
PUBLICITY_RULE = "xzcf"


class RepairRuleError(RuleError):
    """The repair rule file is malformed."""


@dataclass(frozen=True)
class TierConditions:
    repairable: bool
    min_period: bool
    commitment: bool
    training: bool
    conditions: tuple[str, ...]
    #: shortest publicity period in months under the same version (None: none)
    min_months: int | None


@dataclass(frozen=True)
class ConditionVersion:
    id: str
    name: str
    effective_from: datetime.date
    tiers: dict[str, TierConditions]


@dataclass(frozen=True)
class Procedure:
    id: str
    name: str
    effective_from: datetime.date
    accept_workdays: int
    review_workdays: int
    share_workdays: int


@dataclass(frozen=True)
class RepairRules:
    version: str
    record_types: tuple[str, ...]
    commitment: str
    materials: UploadRule
    conditions: tuple[ConditionVersion, ...]  # oldest first
    procedures: tuple[Procedure, ...]  # oldest first

    def conditions_for(self, decision_date: datetime.date) -> ConditionVersion:
        """The version in force on the decision date (the oldest for earlier decisions)."""
        return in_force(self.conditions, decision_date) or self.conditions[0]

    def procedure_for(self, day: datetime.date) -> Procedure:
        return in_force(self.procedures, day) or self.procedures[0]


def _tier(node: Node, min_months: int | None) -> TierConditions:
    node.keys(
        required=("repairable", "min_period", "commitment", "training", "conditions"),
    )
    min_period = node.req("min_period").boolean()
    if min_period and not min_months:
        raise node.fail(
            f"“{node.label}”要求最短公示期（min_period），但公示期限规则中该等级没有最短期限"
        )
    return TierConditions(
        repairable=node.req("repairable").boolean(),
        min_period=min_period,
        commitment=node.req("commitment").boolean(),
        training=node.req("training").boolean(),
        conditions=tuple(node.req("conditions").text_list()),
        min_months=min_months,
    )


def _conditions(node: Node) -> ConditionVersion:
    node.keys(required=("id", "name", "effective_from", "tiers"))
    version_id = node.req("id").text()
    effective = node.req("effective_from").date()
    rule = publicity.rules()[PUBLICITY_RULE]
    published = {v.id: v for v in rule.versions}
    if version_id not in published:
        raise node.req("id").fail(
            f"版本“{version_id}”不是公示期限规则“{PUBLICITY_RULE}”的版本"
            f"（可选：{'、'.join(published)}）"
        )
    if published[version_id].effective_from != effective:
        raise node.req("effective_from").fail(
            f"版本“{version_id}”的生效日期应与公示期限规则一致"
            f"（{published[version_id].effective_from}），实为{effective}"
        )
    tiers_node = node.req("tiers")
    tiers_node.keys(required=publicity.TIERS)
    tiers = {
        tier: _tier(tiers_node.req(tier), published[version_id].tiers[tier].min_months)
        for tier in publicity.TIERS
    }
    return ConditionVersion(version_id, node.req("name").text(), effective, tiers)


def _procedure(node: Node) -> Procedure:
    node.keys(
        required=(
            "id",
            "name",
            "effective_from",
            "accept_workdays",
            "review_workdays",
            "share_workdays",
        )
    )
    return Procedure(
        id=node.req("id").text(),
        name=node.req("name").text(),
        effective_from=node.req("effective_from").date(),
        accept_workdays=node.req("accept_workdays").integer(1, 60),
        review_workdays=node.req("review_workdays").integer(1, 120),
        share_workdays=node.req("share_workdays").integer(1, 60),
    )


def load(path: Path | str = DATA) -> RepairRules:
    """Load and check a repair rule file; raise RepairRuleError naming the line."""
    try:
        root = parse_file(path)
        root.keys(
            required=(
                "version",
                "record_types",
                "commitment",
                "materials",
                "conditions",
                "procedure",
            )
        )
        materials = root.req("materials")
        materials.keys(required=("max_mb", "max_files", "types"))
        conditions = [_conditions(item) for item in root.req("conditions").items()]
        procedures = [_procedure(item) for item in root.req("procedure").items()]
        for label, versions in (("conditions", conditions), ("procedure", procedures)):
            if not versions:
                raise root.req(label).fail(f"“{label}”不能为空")
            seen: set[object] = set()
            for version in versions:
                for key in (version.id, version.effective_from):
                    if key in seen:
                        raise root.req(label).fail(f"“{label}”中“{key}”重复")
                    seen.add(key)
        conditions.sort(key=lambda v: v.effective_from)
        procedures.sort(key=lambda v: v.effective_from)
        types = tuple(t.lower() for t in materials.req("types").text_list())
        return RepairRules(
            version=root.req("version").text(),
            record_types=tuple(root.req("record_types").text_list()),
            commitment="".join(root.req("commitment").text().split()),
            materials=UploadRule(
                max_files=materials.req("max_files").integer(1, 100),
                max_bytes=materials.req("max_mb").integer(1, 500) * MB,
                types=types,
            ),
            conditions=tuple(conditions),
            procedures=tuple(procedures),
        )
    except RepairRuleError:
        raise
    except RuleError as exc:
        raise RepairRuleError(str(exc)) from None


@functools.cache
def repair_rules() -> RepairRules:
    """The rules of ``data/repair.yaml`` (loaded once; AppConfig.ready loads them at start)."""
    return load()
