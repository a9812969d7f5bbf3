"""The measures catalog (联合奖惩措施清单) as data: ``data/measures.yaml``, checked at start-up.

>>> cat = catalog()
>>> [m.code for m in cat.triggered({"serious"}, "zfcg")]
['C01']
>>> [m.code for m in cat.triggered({"red"}, "xzxk")]
['J01', 'J02']
>>> cat.scenarios["zfcg"]
'政府采购'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.ruledata import Node, RuleError, parse_file

__all__ = ["Catalog", "Measure", "MeasureRuleError", "catalog", "load"]

DATA = Path(__file__).with_name("data") / "measures.yaml"
KINDS = ("惩戒", "激励")
GROUPS = {
    0: "守信激励措施",
    1: "依法减损权益或增加义务的措施",
    2: "公共管理机构的管理措施",
    3: "其他组织自主采取的措施",
}


class MeasureRuleError(RuleError):
    """The measures catalog is malformed."""


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    kind: str
    group: int
    basis: tuple[str, ...]
    lists: tuple[str, ...]
    scenarios: tuple[str, ...]
    implementers: tuple[str, ...]
    departments: tuple[str, ...]

    @property
    def group_label(self) -> str:
        return GROUPS[self.group]

    @property
    def is_punishment(self) -> bool:
        return self.kind == "惩戒"

    def applies_to(self, department_code: str | None) -> bool:
        return not self.departments or department_code in self.departments


@dataclass(frozen=True)
class Catalog:
    version: str
    scenarios: dict[str, str]
    measures: tuple[Measure, ...]

    def triggered(
        self, list_codes: Iterable[str], scenario: str, department_code: str | None = None
    ) -> list[Measure]:
        """Measures a hit on ``list_codes`` triggers in ``scenario`` for a department."""
        hit = set(list_codes)
        return [
            m
            for m in self.measures
            if scenario in m.scenarios
            and hit.intersection(m.lists)
            and m.applies_to(department_code)
        ]

    def measure(self, code: str) -> Measure:
        for m in self.measures:
            if m.code == code:
                return m
        raise KeyError(code)


def _measure(node: Node, scenarios: dict[str, str], list_codes: set[str]) -> Measure:
    node.keys(
        required=("code", "name", "kind", "group", "basis", "lists", "scenarios"),
        optional=("implementers", "departments"),
    )
    kind = node.req("kind").choice(KINDS)
    group = node.req("group").integer(0, 3)
    if (kind == "激励") != (group == 0):
        raise node.req("group").fail("激励措施的group为0，惩戒措施的group为1、2或3")
    for code in node.req("lists").text_list():
        if code not in list_codes:
            raise node.req("lists").fail(
                f"名单“{code}”未在名单定义中（可选：{'、'.join(sorted(list_codes))}）"
            )
    for code in node.req("scenarios").text_list():
        if code not in scenarios:
            raise node.req("scenarios").fail(
                f"业务场景“{code}”未定义（可选：{'、'.join(scenarios)}）"
            )
    departments: tuple[str, ...] = ()
    if node.get("departments"):
        from xinyong.core import uscc

        departments = tuple(node.req("departments").text_list())
        for code in departments:
            if not uscc.is_valid(code):
                raise node.req("departments").fail(f"部门代码“{code}”不是有效的统一社会信用代码")
    implementers = node.get("implementers")
    return Measure(
        code=node.req("code").text(),
        name=node.req("name").text(),
        kind=kind,
        group=group,
        basis=tuple(node.req("basis").text_list()),
        lists=tuple(node.req("lists").text_list()),
        scenarios=tuple(node.req("scenarios").text_list()),
        implementers=tuple(implementers.text_list()) if implementers else (),
        departments=departments,
    )


def load(path: Path | str = DATA, list_codes: Iterable[str] | None = None) -> Catalog:
    """Load and check a measures file against the list definitions."""
    from xinyong.lists.rules import definitions

    codes = set(list_codes if list_codes is not None else definitions())
    try:
        root = parse_file(path)
        root.keys(required=("version", "scenarios", "measures"))
        scenarios = {key: value.text() for key, value in root.req("scenarios").entries()}
        measures: list[Measure] = []
        for item in root.req("measures").items():
            measure = _measure(item, scenarios, codes)
            if any(m.code == measure.code for m in measures):
                raise item.fail(f"措施代码“{measure.code}”重复")
            measures.append(measure)
    except MeasureRuleError:
        raise
    except RuleError as exc:
        raise MeasureRuleError(str(exc)) from None
    return Catalog(root.req("version").text(), scenarios, tuple(measures))


@functools.cache
def catalog() -> Catalog:
    return load()
