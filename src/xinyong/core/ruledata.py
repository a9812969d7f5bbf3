"""Reading rule files (YAML) with precise errors: file, line and reason, in Chinese.

Rules are data (lists, measures, deadlines, commitment kinds …): each rule file is read into a
tree of :class:`Node` objects that remember their line, so a loader can say exactly where a
definition is wrong. Loaders check every key; an unknown key is an error, never ignored.

>>> root = parse_text("a: 1\\nb: [x, y]\\n", "demo.yaml")
>>> root.keys(required={"a"}, optional={"b"})
>>> root.req("a").integer(), root.req("b").text_list()
(1, ['x', 'y'])
>>> try:
...     root.req("a").text()
... except RuleError as exc:
...     print(exc)
demo.yaml第1行：“a”应为文字，实为“1”
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

import yaml

__all__ = ["Node", "RuleError", "in_force", "parse_file", "parse_text"]


class RuleError(ValueError):
    """A rule file is malformed; the message names the file, the line and the reason."""


class Node:
    """One YAML node with its place in the file."""

    def __init__(self, node: yaml.Node, filename: str, label: str) -> None:
        self._node = node
        self.filename = filename
        self.label = label

    @property
    def line(self) -> int:
        return self._node.start_mark.line + 1

    def fail(self, reason: str) -> RuleError:
        return RuleError(f"{self.filename}第{self.line}行：{reason}")

    # -- mappings ---------------------------------------------------------------------

    def _pairs(self) -> list[tuple[str, Node]]:
        if not isinstance(self._node, yaml.MappingNode):
            raise self.fail(f"“{self.label}”应为键值映射")
        pairs: list[tuple[str, Node]] = []
        seen: set[str] = set()
        for key_node, value_node in self._node.value:
            key = str(key_node.value)
            if key in seen:
                raise Node(key_node, self.filename, key).fail(f"键“{key}”重复")
            seen.add(key)
            pairs.append((key, Node(value_node, self.filename, key)))
        return pairs

    def keys(self, required: Iterable[str] = (), optional: Iterable[str] = ()) -> None:
        """Check the keys of a mapping: all required present, nothing unknown."""
        required = set(required)
        allowed = required | set(optional)
        present = {key for key, _ in self._pairs()}
        for key, node in self._pairs():
            if key not in allowed:
                raise node.fail(
                    f"“{self.label}”中有未知的键“{key}”（可选：{'、'.join(sorted(allowed))}）"
                )
        missing = sorted(required - present)
        if missing:
            raise self.fail(f"“{self.label}”缺少“{'、'.join(missing)}”")

    def get(self, key: str) -> Node | None:
        for name, node in self._pairs():
            if name == key:
                return None if node.is_null else node
        return None

    def req(self, key: str) -> Node:
        node = self.get(key)
        if node is None:
            raise self.fail(f"“{self.label}”缺少“{key}”")
        return node

    def entries(self) -> list[tuple[str, Node]]:
        """The (key, value) pairs of a mapping, in file order."""
        return self._pairs()

    # -- sequences --------------------------------------------------------------------

    def items(self) -> list[Node]:
        if not isinstance(self._node, yaml.SequenceNode):
            raise self.fail(f"“{self.label}”应为列表")
        return [
            Node(child, self.filename, f"{self.label}第{index + 1}项")
            for index, child in enumerate(self._node.value)
        ]

    # -- scalars ----------------------------------------------------------------------

    @property
    def is_null(self) -> bool:
        return (
            isinstance(self._node, yaml.ScalarNode) and self._node.tag == "tag:yaml.org,2002:null"
        )

    def _scalar(self) -> yaml.ScalarNode:
        if not isinstance(self._node, yaml.ScalarNode):
            raise self.fail(f"“{self.label}”应为单个值")
        return self._node

    def text(self) -> str:
        node = self._scalar()
        if node.tag != "tag:yaml.org,2002:str":
            raise self.fail(f"“{self.label}”应为文字，实为“{node.value}”")
        value = str(node.value).strip()
        if not value:
            raise self.fail(f"“{self.label}”不能为空")
        return value

    def text_list(self) -> list[str]:
        """A list of texts; a single text is accepted as a list of one."""
        if isinstance(self._node, yaml.ScalarNode):
            return [self.text()]
        values = [item.text() for item in self.items()]
        for index, value in enumerate(values):
            if value in values[:index]:
                raise self.fail(f"“{self.label}”中“{value}”重复")
        return values

    def integer(self, low: int = 0, high: int = 10**9) -> int:
        node = self._scalar()
        try:
            if node.tag != "tag:yaml.org,2002:int":
                raise ValueError
            value = int(node.value)
        except ValueError:
            raise self.fail(f"“{self.label}”应为整数，实为“{node.value}”") from None
        if not low <= value <= high:
            raise self.fail(f"“{self.label}”应在{low}到{high}之间，实为{value}")
        return value

    def decimal(self, low: str = "-1000000", high: str = "1000000") -> decimal.Decimal:
        """A number (integer or decimal, e.g. 2 or 0.5) as an exact Decimal."""
        node = self._scalar()
        try:
            if node.tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
                raise ValueError
            value = decimal.Decimal(str(node.value))
            if not value.is_finite():
                raise ValueError
        except (ValueError, decimal.InvalidOperation):
            raise self.fail(f"“{self.label}”应为数值，实为“{node.value}”") from None
        if not decimal.Decimal(low) <= value <= decimal.Decimal(high):
            raise self.fail(f"“{self.label}”应在{low}到{high}之间，实为{value}")
        return value

    def boolean(self) -> bool:
        node = self._scalar()
        if node.tag != "tag:yaml.org,2002:bool":
            raise self.fail(f"“{self.label}”应为true或false，实为“{node.value}”")
        return str(node.value).lower() in ("true", "yes", "on")

    def date(self) -> datetime.date:
        node = self._scalar()
        try:
            return datetime.date.fromisoformat(str(node.value))
        except ValueError:
            raise self.fail(
                f"“{self.label}”应为有效日期（如2026-04-01），实为“{node.value}”"
            ) from None

    def choice(self, options: Iterable[str]) -> str:
        options = list(options)
        value = self.text()
        if value not in options:
            raise self.fail(f"“{self.label}”的值“{value}”未知（可选：{'、'.join(options)}）")
        return value


def parse_text(text: str, filename: str) -> Node:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise RuleError(f"{filename}{where}：不是有效的YAML（{exc}）") from exc
    if node is None:
        raise RuleError(f"{filename}：文件为空")
    return Node(node, filename, "文件")


def parse_file(path: Path | str) -> Node:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path.name}：无法读取（{exc}）") from exc
    return parse_text(text, path.name)


class _Dated(Protocol):
    @property
    def effective_from(self) -> datetime.date: ...


DatedT = TypeVar("DatedT", bound=_Dated)


def in_force(versions: Sequence[DatedT], day: datetime.date) -> DatedT | None:
    """The last of ``versions`` (sorted oldest first) in force on ``day``; None before all.

    >>> import dataclasses
    >>> V = dataclasses.make_dataclass("V", ["effective_from"])
    >>> versions = [V(datetime.date(2022, 1, 1)), V(datetime.date(2026, 4, 1))]
    >>> in_force(versions, datetime.date(2026, 3, 31)).effective_from
    datetime.date(2022, 1, 1)
    >>> in_force(versions, datetime.date(2021, 12, 31)) is None
    True
    """
    chosen = None
    for version in versions:
        if version.effective_from <= day:
            chosen = version
    return chosen


def load_versions(
    path: Path | str,
    build: Callable[[Node, str], DatedT],
    what: str,
    error: type[RuleError] = RuleError,
) -> tuple[DatedT, ...]:
    """Read a file of dated rule versions — ``version:`` and a ``rules:`` list, each item turned
    into a rule by ``build(node, version)`` — sorted oldest first; ``what`` names the rules in
    errors. Problems are raised as ``error``."""
    try:
        root = parse_file(path)
        root.keys(required=("version", "rules"))
        version = root.req("version").text()
        found: list[DatedT] = []
        for item in root.req("rules").items():
            rule = build(item, version)
            if any(r.effective_from == rule.effective_from for r in found):
                raise item.fail(f"施行日期{rule.effective_from}重复")
            found.append(rule)
        if not found:
            raise root.req("rules").fail(f"至少需要一个版本的{what}")
    except error:
        raise
    except RuleError as exc:
        raise error(str(exc)) from None
    return tuple(sorted(found, key=lambda r: r.effective_from))


def version_on(
    versions: Sequence[DatedT], day: datetime.date, what: str, error: type[RuleError] = RuleError
) -> DatedT:
    """The version in force on ``day``; a day before the first version is an ``error``."""
    chosen = in_force(versions, day)
    if chosen is None:
        raise error(f"{day}早于{what}的最早施行日期{versions[0].effective_from}")
    return chosen
