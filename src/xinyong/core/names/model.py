"""The scoring model: weighted features, each explained by its one-line Chinese docstring
(after nomenklatura's ``matching/logic_v1/model.py``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from xinyong.core.names.parsing import ParsedName, parse
from xinyong.core.names.terms import ancestors, terms

THRESHOLD = 0.7
"""Default score from which two names are taken to name the same subject."""

Outcome = tuple[float, str]
"""What a feature finds: a score in [0, 1] and a detail for the explanation."""


def name_literal_match(q: ParsedName, c: ParsedName) -> Outcome:
    """规范化后名称完全相同（已统一全角半角、繁简字、空格和标点）"""
    if q.normalised and q.normalised == c.normalised:
        return 1.0, q.normalised
    return 0.0, ""


def core_name_match(q: ParsedName, c: ParsedName) -> Outcome:
    """去除地区前缀、“集团”和组织形式后的核心名称（字号加行业）相同"""
    if q.core and q.core == c.core:
        return 1.0, q.core
    return 0.0, ""


def core_name_similarity(q: ParsedName, c: ParsedName) -> Outcome:
    """核心名称不同时，逐字编辑相似度"""
    if not q.core or not c.core or q.core == c.core:
        return 0.0, ""
    sim = Levenshtein.normalized_similarity(q.core, c.core)
    return sim, f"{q.core}／{c.core}：{sim:.2f}"


def core_containment(q: ParsedName, c: ParsedName) -> Outcome:
    """一方的核心名称完整包含在另一方的核心名称之中"""
    if q.core and c.core and q.core != c.core and (q.core in c.core or c.core in q.core):
        short, long = sorted((q.core, c.core), key=len)
        return 1.0, f"“{short}”包含于“{long}”"
    return 0.0, ""


def _region_relation(q: ParsedName, c: ParsedName) -> str:
    """'same', 'level', 'conflict' or '' (a side without region)."""
    if not q.regions or not c.regions:
        return ""
    return _regions_related(q.regions[-1], c.regions[-1])


@functools.lru_cache(maxsize=4096)
def _regions_related(a: str, b: str) -> str:
    if a == b:
        return "same"
    t = terms()
    codes_a, codes_b = t.regions[a], t.regions[b]
    if codes_a & codes_b:
        return "same"
    for x in codes_a:
        for y in codes_b:
            if x in ancestors(y, t.parents) or y in ancestors(x, t.parents):
                return "level"
    return "conflict"


def region_agreement(q: ParsedName, c: ParsedName) -> Outcome:
    """双方都有地区前缀且为同一地区"""
    if _region_relation(q, c) == "same":
        return 1.0, terms().canonical_region[q.regions[-1]]
    return 0.0, ""


def region_conflict(q: ParsedName, c: ParsedName) -> Outcome:
    """双方地区前缀互不隶属（不同地方的同名主体）"""
    if _region_relation(q, c) == "conflict":
        return 1.0, f"{q.regions[-1]}／{c.regions[-1]}"
    return 0.0, ""


def region_level_mismatch(q: ParsedName, c: ParsedName) -> Outcome:
    """双方地区前缀层级不同（如省级名称与市级名称）"""
    if _region_relation(q, c) == "level":
        return 1.0, f"{q.regions[-1]}／{c.regions[-1]}"
    return 0.0, ""


def trade_name_conflict(q: ParsedName, c: ParsedName) -> Outcome:
    """行业相同而字号不同（如“明辉贸易”与“明华贸易”）"""
    if q.industry and q.industry == c.industry and q.trade != c.trade:
        return 1.0, f"{q.trade}／{c.trade}"
    return 0.0, ""


def industry_conflict(q: ParsedName, c: ParsedName) -> Outcome:
    """字号相同而行业不同（如“明辉贸易”与“明辉科技”）"""
    if q.trade == c.trade and q.industry and c.industry and q.industry != c.industry:
        return 1.0, f"{q.industry}／{c.industry}"
    return 0.0, ""


def form_family_conflict(q: ParsedName, c: ParsedName) -> Outcome:
    """组织形式类别不同（如公司与农民专业合作社、个体工商户）"""
    if q.forms and c.forms and not {f.family for f in q.forms} & {f.family for f in c.forms}:
        return 1.0, f"{q.forms[0].word}／{c.forms[0].word}"
    return 0.0, ""


def form_variant_conflict(q: ParsedName, c: ParsedName) -> Outcome:
    """同类组织形式不同（如股份有限公司与有限公司）"""
    for a in q.forms:
        for b in c.forms:
            if (
                a.family == b.family
                and a.canonical != b.canonical
                and a.family not in {a.canonical, b.canonical}
            ):
                return 1.0, f"{a.word}／{b.word}"
    return 0.0, ""


def group_mismatch(q: ParsedName, c: ParsedName) -> Outcome:
    """只有一方带“集团”字样（集团与其成员企业是不同主体）"""
    if q.group != c.group:
        return 1.0, "集团" if q.group else "非集团"
    return 0.0, ""


def branch_mismatch(q: ParsedName, c: ParsedName) -> Outcome:
    """分支机构与总机构，或不同的分支机构"""
    if q.branch != c.branch:
        return 1.0, f"{q.branch or '总机构'}／{c.branch or '总机构'}"
    return 0.0, ""


Feature = Callable[[ParsedName, ParsedName], Outcome]

FEATURES: tuple[tuple[Feature, float], ...] = (
    (name_literal_match, 1.0),
    (core_name_match, 0.85),
    (core_name_similarity, 0.5),
    (core_containment, 0.2),
    (region_agreement, 0.05),
    (region_conflict, -0.5),
    (region_level_mismatch, -0.2),
    (trade_name_conflict, -0.4),
    (industry_conflict, -0.4),
    (form_family_conflict, -0.6),
    (form_variant_conflict, -0.3),
    (group_mismatch, -0.3),
    (branch_mismatch, -0.6),
)
"""Organisation names: the score is the weighted sum of these, clipped to [0, 1]."""

PERSON_FEATURES: tuple[tuple[Feature, float], ...] = ((name_literal_match, 1.0),)
"""Natural persons: nothing but the whole normalised name counts."""

RULE_ORGANISATION = "单位名称"
RULE_PERSON = "自然人姓名（只认规范化后完全相同，不做近似匹配）"


@functools.cache
def describe(feature: Feature) -> str:
    """The published explanation of a feature: the first line of its docstring."""
    return (feature.__doc__ or feature.__name__).strip().splitlines()[0]


@dataclass(frozen=True)
class FeatureResult:
    """One feature of one comparison: its contribution is ``weight * score``."""

    name: str
    description: str
    weight: float
    score: float
    detail: str

    @property
    def contribution(self) -> float:
        return self.weight * self.score


@dataclass(frozen=True)
class Match:
    """The comparison of a query name with a candidate name."""

    query: str
    candidate: str
    score: float
    features: tuple[FeatureResult, ...]
    rule: str
    threshold: float = THRESHOLD

    @property
    def matched(self) -> bool:
        return self.score >= self.threshold

    def explain(self) -> str:
        """A Chinese explanation of the score, one line per feature that counted.

        >>> print(compare("杭州明辉贸易有限公司", "明辉贸易（杭州）公司").explain())
        “杭州明辉贸易有限公司”与“明辉贸易（杭州）公司”：得分 0.90（阈值 0.70），判为同一主体。
        比对规则：单位名称
          +0.85 去除地区前缀、“集团”和组织形式后的核心名称（字号加行业）相同：明辉贸易
          +0.05 双方都有地区前缀且为同一地区：杭州市
        """
        verdict = "判为同一主体" if self.matched else "判为不同主体"
        lines = [
            f"“{self.query}”与“{self.candidate}”：得分 {self.score:.2f}"
            f"（阈值 {self.threshold:.2f}），{verdict}。",
            f"比对规则：{self.rule}",
        ]
        counted = [f for f in self.features if f.contribution]
        for f in counted:
            detail = f"：{f.detail}" if f.detail else ""
            lines.append(f"  {f.contribution:+.2f} {f.description}{detail}")
        if not counted:
            lines.append("  没有任何一项相符。")
        return "\n".join(lines)


def published_rules() -> str:
    """The rules as published to departments: every feature with its weight.

    >>> print(published_rules().splitlines()[1])
    单位名称：各项得分乘以权重后相加，限定在 0 到 1 之间；得分不低于 0.70 判为同一主体。
    """
    lines = [
        "名称比对规则（名称先统一全角半角、繁简字，去掉空格和标点，英文字母转大写）",
        f"单位名称：各项得分乘以权重后相加，限定在 0 到 1 之间；得分不低于 {THRESHOLD:.2f} "
        "判为同一主体。",
    ]
    lines += [f"  {weight:+.2f} {describe(f)}" for f, weight in FEATURES]
    lines.append(f"{RULE_PERSON}：姓名为 2 至 4 个汉字或含间隔号“·”时适用。")
    return "\n".join(lines)


def compare_parsed(q: ParsedName, c: ParsedName, threshold: float = THRESHOLD) -> Match:
    """:func:`compare` for names already parsed (used by :class:`NameIndex`)."""
    person = q.is_person or c.is_person
    features = PERSON_FEATURES if person else FEATURES
    results = []
    total = 0.0
    for func, weight in features:
        score, detail = func(q, c)
        total += weight * score
        results.append(FeatureResult(func.__name__, describe(func), weight, score, detail))
    return Match(
        query=q.original,
        candidate=c.original,
        score=round(min(1.0, max(0.0, total)), 4),
        features=tuple(results),
        rule=RULE_PERSON if person else RULE_ORGANISATION,
        threshold=threshold,
    )


def compare(query_name: str, candidate_name: str, *, threshold: float = THRESHOLD) -> Match:
    """Score how likely two names name the same subject.

    >>> m = compare("杭州明辉贸易有限公司", "杭州明辉贸易有限公司西湖分公司")
    >>> m.score, m.matched
    (0.3, False)
    """
    return compare_parsed(parse(query_name), parse(candidate_name), threshold)
