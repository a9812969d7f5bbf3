"""List definitions (名单定义) as data: ``data/lists.yaml``, checked at start-up.

>>> serious = definition("serious")
>>> serious.name, serious.polarity, serious.tier, serious.repairable
('严重失信主体名单', 'black', '严重', True)
>>> definition("sxbzxr").layout.headers["doc_no"][0]
'案号'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.publicity import TIERS
from xinyong.core.ruledata import Node, RuleError, parse_file

__all__ = ["Layout", "ListDef", "ListRuleError", "definition", "definitions", "load"]

DATA = Path(__file__).with_name("data") / "lists.yaml"
POLARITIES = {"red": "守信激励", "black": "失信惩戒"}
SCOPES = {"local": "本地认定", "national": "全国名单导入", "rule": "按公布规则自动认定"}
#: Entry fields a national file's columns can fill.
LAYOUT_FIELDS = (
    "name",
    "code",
    "legal_rep",
    "authority",
    "doc_no",
    "reason",
    "basis",
    "start",
    "end",
)


class ListRuleError(RuleError):
    """The list definitions are malformed."""


@dataclass(frozen=True)
class Layout:
    """Column headers of a published national list file, by entry field."""

    headers: dict[str, tuple[str, ...]]
    required: tuple[str, ...]


@dataclass(frozen=True)
class ListDef:
    code: str
    name: str
    polarity: str
    scope: str
    public: bool
    months: int | None
    tier: str
    repairable: bool
    related: bool
    authority: str
    description: str
    layout: Layout | None
    version: str

    @property
    def is_black(self) -> bool:
        return self.polarity == "black"

    @property
    def polarity_label(self) -> str:
        return POLARITIES[self.polarity]


def _layout(node: Node) -> Layout:
    node.keys(optional=(*LAYOUT_FIELDS, "required"))
    headers = {
        field: tuple(child.text_list()) for field, child in node.entries() if field != "required"
    }
    required_node = node.get("required")
    required = tuple(required_node.text_list()) if required_node else ("name",)
    for field in required:
        if field not in headers:
            raise (required_node or node).fail(f"必填字段“{field}”没有列名（layout中缺少{field}）")
    if "name" not in headers:
        raise node.fail("layout缺少名称列“name”")
    return Layout(headers=headers, required=required)


def _definition(node: Node, version: str) -> ListDef:
    node.keys(
        required=("code", "name", "polarity", "scope"),
        optional=(
            "public",
            "months",
            "tier",
            "repairable",
            "related",
            "authority",
            "description",
            "layout",
        ),
    )
    polarity = node.req("polarity").choice(POLARITIES)
    scope = node.req("scope").choice(SCOPES)
    tier_node = node.get("tier")
    tier = tier_node.choice(TIERS) if tier_node else ""
    if tier and polarity != "black":
        raise node.fail("只有失信（black）名单才有失信等级“tier”")
    layout_node = node.get("layout")
    if scope == "national" and layout_node is None:
        raise node.fail("全国名单（national）须有文件列“layout”")
    if scope != "national" and layout_node is not None:
        raise layout_node.fail("只有全国名单（national）从文件导入，才能有“layout”")
    months_node = node.get("months")

    def flag(key: str, default: bool) -> bool:
        child = node.get(key)
        return child.boolean() if child else default

    return ListDef(
        code=node.req("code").text(),
        name=node.req("name").text(),
        polarity=polarity,
        scope=scope,
        public=flag("public", True),
        months=months_node.integer(1, 1200) if months_node else None,
        tier=tier,
        repairable=flag("repairable", False),
        related=flag("related", False),
        authority=node.get("authority").text() if node.get("authority") else "",  # type: ignore[union-attr]
        description=node.get("description").text() if node.get("description") else "",  # type: ignore[union-attr]
        layout=_layout(layout_node) if layout_node else None,
        version=version,
    )


def load(path: Path | str = DATA) -> dict[str, ListDef]:
    """Load and check a list-definition file."""
    try:
        root = parse_file(path)
        root.keys(required=("version", "lists"))
        version = root.req("version").text()
        result: dict[str, ListDef] = {}
        for item in root.req("lists").items():
            definition = _definition(item, version)
            if definition.code in result:
                raise item.fail(f"名单代码“{definition.code}”重复")
            result[definition.code] = definition
    except ListRuleError:
        raise
    except RuleError as exc:
        raise ListRuleError(str(exc)) from None
    return result


@functools.cache
def definitions() -> dict[str, ListDef]:
    return load()


def definition(code: str) -> ListDef:
    try:
        return definitions()[code]
    except KeyError:
        raise KeyError(f"名单“{code}”未定义（可选：{'、'.join(definitions())}）") from None
