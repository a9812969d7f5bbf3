"""Suggestion rules of internet items as data: ``data/feeds.yaml``, checked at start-up.

Keywords suggest an event kind of the evaluation model; body names found in a title or summary
suggest the body. Suggestions only pre-fill the review form: an operator decides.

>>> rule = rule_on(dt.date(2026, 5, 1))
>>> suggest_kind(rule, "关于示范县某局拖欠企业账款的通报", "").kind
'arrears'
>>> bodies = [(1, "示范县教育局"), (2, "示范县西湖镇人民政府")]
>>> suggest_body(rule, bodies, "西湖镇群众聚集", "").body_id
2
>>> suggest_body(rule, bodies, "邻县教育局约谈", "") is None
True
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from xinyong.core.ruledata import Node, RuleError, load_versions, version_on

__all__ = [
    "DATA",
    "BodySuggestion",
    "FeedRule",
    "FeedRuleError",
    "KindSuggestion",
    "load",
    "rule_on",
    "rules",
    "suggest_body",
    "suggest_kind",
]

DATA = Path(__file__).with_name("data") / "feeds.yaml"


class FeedRuleError(RuleError):
    """The suggestion rules are malformed."""


@dataclass(frozen=True)
class FeedRule:
    effective_from: dt.date
    version: str
    kinds: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, keywords) in priority order
    strip_prefixes: tuple[str, ...]
    strip_suffixes: tuple[str, ...]
    min_length: int
    foreign_before: frozenset[str]
    local_before: tuple[str, ...]


@dataclass(frozen=True)
class KindSuggestion:
    kind: str
    keyword: str
    where: str  # 标题 / 摘要

    @property
    def reason(self) -> str:
        return f"{self.where}含“{self.keyword}”"


@dataclass(frozen=True)
class BodySuggestion:
    body_id: int
    matched: str
    where: str

    @property
    def reason(self) -> str:
        return f"{self.where}出现“{self.matched}”"


def _model_kinds() -> dict[str, str]:
    from xinyong.integrity.model import default_versions

    return default_versions()[-1].kinds


def _rule(node: Node, version: str) -> FeedRule:
    node.keys(required=("effective_from", "kinds", "bodies"))
    known = _model_kinds()
    kinds: list[tuple[str, tuple[str, ...]]] = []
    for entry in node.req("kinds").items():
        entry.keys(required=("kind", "keywords"))
        kind_node = entry.req("kind")
        kind = kind_node.text()
        if kind not in known:
            raise kind_node.fail(f"事件类别“{kind}”不在评价模型的 kinds 中")
        if any(k == kind for k, _ in kinds):
            raise kind_node.fail(f"事件类别“{kind}”重复")
        kinds.append((kind, tuple(entry.req("keywords").text_list())))
    b = node.req("bodies")
    b.keys(
        required=("strip_prefixes", "min_length"),
        optional=("strip_suffixes", "foreign_before", "local_before"),
    )

    def texts(key: str) -> tuple[str, ...]:
        child = b.get(key)
        return tuple(child.text_list()) if child is not None else ()

    foreign = texts("foreign_before")
    for char in foreign:
        if len(char) != 1:
            raise b.req("foreign_before").fail(f"foreign_before 的每项应为一个字，实为“{char}”")
    return FeedRule(
        effective_from=node.req("effective_from").date(),
        version=version,
        kinds=tuple(kinds),
        strip_prefixes=texts("strip_prefixes"),
        strip_suffixes=texts("strip_suffixes"),
        min_length=b.req("min_length").integer(2, 20),
        foreign_before=frozenset(foreign),
        local_before=texts("local_before"),
    )


def load(path: Path | str = DATA) -> tuple[FeedRule, ...]:
    return load_versions(path, _rule, "互联网采集建议规则", FeedRuleError)


@functools.cache
def rules() -> tuple[FeedRule, ...]:
    return load()


def rule_on(day: dt.date) -> FeedRule:
    return version_on(rules(), day, "互联网采集建议规则", FeedRuleError)


# -- suggestions --------------------------------------------------------------------------------


def _parts(title: str, summary: str) -> list[tuple[str, str]]:
    return [("标题", title), ("摘要", summary)]


def suggest_kind(rule: FeedRule, title: str, summary: str) -> KindSuggestion | None:
    """The first kind (in file order) whose keyword is in the title, else in the summary."""
    for where, text in _parts(title, summary):
        for kind, keywords in rule.kinds:
            for keyword in keywords:
                if keyword in text:
                    return KindSuggestion(kind, keyword, where)
    return None


def _region() -> str:
    return str(getattr(settings, "REGION_NAME", "") or "")


def short_names(rule: FeedRule, name: str) -> list[str]:
    """Shorter forms of a body's name: the county prefix removed, then a suffix removed."""
    prefixes = sorted({*rule.strip_prefixes, _region()} - {""}, key=len, reverse=True)
    base = next((name[len(p) :] for p in prefixes if name.startswith(p)), "")
    if not base:
        return []
    out = [base]
    for suffix in rule.strip_suffixes:
        if base.endswith(suffix) and base != suffix:
            out.append(base[: -len(suffix)])
    return [s for s in out if len(s) >= rule.min_length]


def _local_at(rule: FeedRule, text: str, start: int) -> bool:
    """Whether a short name found at ``start`` is ours: not right after another place's name."""
    if start == 0 or text[start - 1] not in rule.foreign_before:
        return True
    local = {*rule.local_before, _region()} - {""}
    return any(text[:start].endswith(word) for word in local)


def _short_found(rule: FeedRule, text: str, short: str) -> bool:
    start = text.find(short)
    while start != -1:
        if _local_at(rule, text, start):
            return True
        start = text.find(short, start + 1)
    return False


def suggest_body(
    rule: FeedRule, bodies: Iterable[tuple[int, str]], title: str, summary: str
) -> BodySuggestion | None:
    """The body whose name appears: a full name beats a short one, the title beats the summary,
    a longer name beats a shorter one; a short name shared by two bodies is never used."""
    bodies = list(bodies)
    owners: dict[str, set[int]] = {}
    for pk, name in bodies:
        for short in short_names(rule, name):
            owners.setdefault(short, set()).add(pk)
    best: tuple[tuple[int, int, int], BodySuggestion] | None = None
    for rank, (where, text) in enumerate(_parts(title, summary)):
        if not text:
            continue
        for pk, name in bodies:
            candidates = [(1, name)] if name in text else []
            candidates += [
                (0, short)
                for short in short_names(rule, name)
                if owners.get(short) == {pk} and _short_found(rule, text, short)
            ]
            for full, matched in candidates:
                score = (-rank, full, len(matched))
                if best is None or score > best[0]:
                    best = (score, BodySuggestion(pk, matched, where))
    return best[1] if best else None
