"""The evaluation model of 政务诚信监测评价 (R-GOV-3) as versioned data: ``data/model.yaml``.

Pure (no Django): read by the engine and checked at start-up. Operators add versions either
in the bundled file or, without touching code, with ``xinyong integrity model add FILE`` (the
same format, stored in the database; see :mod:`xinyong.integrity.services`).

>>> model = default_versions()[0]
>>> [d.name for d in model.dimensions]
['依法行政', '勤政高效', '守信践诺', '信用建设']
>>> model.item_for_kind["arrears"].code, model.item_for_kind["arrears"].stops_on_repair
('SXJN-3', True)
>>> model.grade_for(Decimal("86")).grade
'B'
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xinyong.core.ruledata import Node, RuleError, in_force, parse_text

__all__ = [
    "LEVELS",
    "Dimension",
    "Grade",
    "Item",
    "Model",
    "ModelError",
    "default_versions",
    "load_text",
    "model_in_force",
]

DATA = Path(__file__).with_name("data") / "model.yaml"
#: Levels of an honour (表彰级别), highest first.
LEVELS = ("国家级", "省级", "市级", "县级")
RULES = ("per_event", "ontime")


class ModelError(RuleError):
    """The evaluation model is malformed."""


@dataclass(frozen=True)
class Item:
    """A monitored item (监测事项) and its rule."""

    code: str
    name: str
    dimension: str
    sign: int  # +1 adds points, -1 deducts
    points: Decimal  # per event
    cap: Decimal  # the item's points never exceed this (in absolute value)
    kinds: tuple[str, ...]
    level_points: dict[str, Decimal] = field(default_factory=dict)
    honour: bool = False
    stops_on_repair: bool = False
    rule: str = "per_event"


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    weight: Decimal  # the dimension's base points
    bonus_cap: Decimal
    deduction_cap: Decimal
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Grade:
    grade: str
    name: str
    min: Decimal


@dataclass(frozen=True)
class Model:
    version: str
    effective_from: datetime.date
    title: str
    window_months: int
    extended_months: int
    extended_levels: tuple[str, ...]
    ontime_kind: str
    due_day: int
    grades: tuple[Grade, ...]  # highest first
    kinds: dict[str, str]
    dimensions: tuple[Dimension, ...]
    #: kind → working days the body has to respond to a warning (预警) raised by such an event
    warnings: dict[str, int] = field(default_factory=dict)
    #: kinds that put a body on the 失信政府机构名单 (R-GOV-4), and its escalation rule
    dishonest_kinds: tuple[str, ...] = ()
    rectify_months: int = 6
    bar_years: int = 3
    source: str = ""  # the YAML text this version was read from (for stored versions)

    @functools.cached_property
    def items(self) -> dict[str, Item]:
        return {item.code: item for d in self.dimensions for item in d.items}

    @functools.cached_property
    def item_for_kind(self) -> dict[str, Item]:
        return {kind: item for item in self.items.values() for kind in item.kinds}

    @property
    def base(self) -> Decimal:
        return sum((d.weight for d in self.dimensions), Decimal(0))

    def grade_for(self, score: Decimal) -> Grade:
        for grade in self.grades:
            if score >= grade.min:
                return grade
        return self.grades[-1]


def _item(node: Node, dimension: str, kinds: dict[str, str], seen: dict[str, str]) -> Item:
    node.keys(
        required={"code", "name", "sign", "points", "cap", "kinds"},
        optional={"level_points", "honour", "stops_on_repair", "rule"},
    )
    code = node.req("code").text()
    if code in seen:
        raise node.req("code").fail(f"条目代码“{code}”重复")
    seen[code] = code
    item_kinds = node.req("kinds").text_list()
    for kind in item_kinds:
        if kind not in kinds:
            raise node.req("kinds").fail(f"事件类别“{kind}”未在 kinds 中定义")
        if kind in seen:
            raise node.req("kinds").fail(f"事件类别“{kind}”已计入条目“{seen[kind]}”")
        seen[kind] = code
    level_points: dict[str, Decimal] = {}
    lp = node.get("level_points")
    if lp is not None:
        for level, value in lp.entries():
            if level not in LEVELS:
                raise value.fail(f"级别“{level}”未知（可选：{'、'.join(LEVELS)}）")
            level_points[level] = value.decimal("0", "100")
    honour = node.get("honour")
    stops = node.get("stops_on_repair")
    rule = node.get("rule")
    return Item(
        code=code,
        name=node.req("name").text(),
        dimension=dimension,
        sign=1 if node.req("sign").choice(["+", "-"]) == "+" else -1,
        points=node.req("points").decimal("0", "100"),
        cap=node.req("cap").decimal("0", "100"),
        kinds=tuple(item_kinds),
        level_points=level_points,
        honour=honour.boolean() if honour is not None else False,
        stops_on_repair=stops.boolean() if stops is not None else False,
        rule=rule.choice(RULES) if rule is not None else "per_event",
    )


def _version(node: Node, text: str) -> Model:
    node.keys(
        required={
            "version",
            "effective_from",
            "title",
            "window_months",
            "grades",
            "kinds",
            "dimensions",
        },
        optional={"extended", "ontime", "warnings", "dishonest"},
    )
    window = node.req("window_months").integer(1, 120)
    extended_months = window
    extended_levels: tuple[str, ...] = ()
    ext = node.get("extended")
    if ext is not None:
        ext.keys(required={"months", "levels"})
        extended_months = ext.req("months").integer(window, 240)
        levels = ext.req("levels").text_list()
        for level in levels:
            if level not in LEVELS:
                raise ext.req("levels").fail(f"级别“{level}”未知（可选：{'、'.join(LEVELS)}）")
        extended_levels = tuple(levels)
    kinds = {key: value.text() for key, value in node.req("kinds").entries()}
    ontime_kind, due_day = "", 0
    ontime = node.get("ontime")
    if ontime is not None:
        ontime.keys(required={"kind", "due_day"})
        ontime_kind = ontime.req("kind").choice(kinds)
        due_day = ontime.req("due_day").integer(1, 28)
    grades: list[Grade] = []
    for g in node.req("grades").items():
        g.keys(required={"grade", "name", "min"})
        grade = Grade(
            g.req("grade").text(), g.req("name").text(), g.req("min").decimal("0", "1000")
        )
        if grades and grade.min >= grades[-1].min:
            raise g.fail("等级须自高到低排列，下限逐级降低")
        if any(x.grade == grade.grade for x in grades):
            raise g.req("grade").fail(f"等级“{grade.grade}”重复")
        grades.append(grade)
    if not grades:
        raise node.req("grades").fail("至少需要一个等级")
    if grades[-1].min != 0:
        raise node.req("grades").fail("最低等级的下限应为0，使每个得分都有等级")
    warnings: dict[str, int] = {}
    warn = node.get("warnings")
    if warn is not None:
        for w in warn.items():
            w.keys(required={"kind", "days"})
            kind = w.req("kind").choice(kinds)
            if kind in warnings:
                raise w.req("kind").fail(f"事件类别“{kind}”的预警规则重复")
            warnings[kind] = w.req("days").integer(1, 60)
    dishonest_kinds: tuple[str, ...] = ()
    rectify_months, bar_years = 6, 3
    dishonest = node.get("dishonest")
    if dishonest is not None:
        dishonest.keys(required={"kinds", "rectify_months", "bar_years"})
        listed = dishonest.req("kinds").text_list()
        for kind in listed:
            if kind not in kinds:
                raise dishonest.req("kinds").fail(f"事件类别“{kind}”未在 kinds 中定义")
        dishonest_kinds = tuple(listed)
        rectify_months = dishonest.req("rectify_months").integer(1, 60)
        bar_years = dishonest.req("bar_years").integer(0, 10)
    seen: dict[str, str] = {}
    dimensions: list[Dimension] = []
    for d in node.req("dimensions").items():
        d.keys(required={"code", "name", "weight", "bonus_cap", "deduction_cap", "items"})
        code = d.req("code").text()
        if any(x.code == code for x in dimensions):
            raise d.req("code").fail(f"维度代码“{code}”重复")
        items = tuple(_item(i, code, kinds, seen) for i in d.req("items").items())
        weight = d.req("weight").decimal("0", "1000")
        dimensions.append(
            Dimension(
                code=code,
                name=d.req("name").text(),
                weight=weight,
                bonus_cap=d.req("bonus_cap").decimal("0", "1000"),
                deduction_cap=d.req("deduction_cap").decimal("0", str(weight)),
                items=items,
            )
        )
    if not dimensions:
        raise node.req("dimensions").fail("至少需要一个维度")
    model = Model(
        version=node.req("version").text(),
        effective_from=node.req("effective_from").date(),
        title=node.req("title").text(),
        window_months=window,
        extended_months=extended_months,
        extended_levels=extended_levels,
        ontime_kind=ontime_kind,
        due_day=due_day,
        grades=tuple(grades),
        kinds=kinds,
        dimensions=tuple(dimensions),
        warnings=warnings,
        dishonest_kinds=dishonest_kinds,
        rectify_months=rectify_months,
        bar_years=bar_years,
        source=text,
    )
    ontime_items = [i for i in model.items.values() if i.rule == "ontime"]
    if ontime_items and not ontime_kind:
        raise node.fail("有按时报送条目（rule: ontime）时须设置 ontime")
    for item in ontime_items:
        if item.kinds != (ontime_kind,):
            raise node.fail(f"按时报送条目“{item.code}”的 kinds 应为 [{ontime_kind}]")
    return model


def load_text(text: str, filename: str) -> list[Model]:
    """All versions in a model file, oldest first; a malformed file raises ModelError."""
    try:
        root = parse_text(text, filename)
        root.keys(required={"versions"})
        versions: list[Model] = []
        for node in root.req("versions").items():
            model = _version(node, text)
            if versions and model.effective_from <= versions[-1].effective_from:
                raise node.fail("版本须按施行日期（effective_from）先后排列")
            if any(v.version == model.version for v in versions):
                raise node.fail(f"版本“{model.version}”重复")
            versions.append(model)
        if not versions:
            raise root.req("versions").fail("至少需要一个版本")
    except ModelError:
        raise
    except RuleError as exc:
        raise ModelError(str(exc)) from None
    return versions


@functools.cache
def default_versions() -> tuple[Model, ...]:
    """The bundled versions (data/model.yaml), read once."""
    try:
        text = DATA.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"{DATA.name}：无法读取（{exc}）") from exc
    return tuple(load_text(text, DATA.name))


def model_in_force(day: datetime.date, extra: tuple[Model, ...] = ()) -> Model:
    """The version in force on ``day`` among the bundled and ``extra`` (stored) versions."""
    versions = sorted([*default_versions(), *extra], key=lambda m: (m.effective_from, m in extra))
    chosen = in_force(versions, day)
    if chosen is None:
        raise ModelError(f"{day.isoformat()}尚无施行的政务诚信评价模型")
    return chosen
