"""Screening many query names against the names of a list."""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz.distance import Levenshtein

from xinyong.core.names.model import (
    FEATURES,
    THRESHOLD,
    Match,
    compare_parsed,
    core_containment,
    core_name_match,
    core_name_similarity,
    name_literal_match,
)
from xinyong.core.names.parsing import ParsedName, parse

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Hit(Generic[K]):
    """A list entry found for a query name."""

    id: K
    name: str
    match: Match

    @property
    def score(self) -> float:
        return self.match.score


def _grams(core: str) -> set[str]:
    if len(core) < 2:
        return {core} if core else set()
    return {core[i : i + 2] for i in range(len(core) - 1)}


class NameIndex(Generic[K]):
    """The names of a list, indexed once for screening many query names.

    Candidates are blocked on the normalised name, on the core name and on the character
    bigrams of the core name (the rarest ones), then scored with :func:`compare`.

    >>> index = NameIndex([(1, "杭州明辉贸易有限公司"), (2, "杭州明华贸易有限公司"), (3, "张三")])
    >>> [(h.id, h.score) for h in index.search("明辉贸易（杭州）有限责任公司")]
    [(1, 0.9)]
    >>> [h.id for h in index.search("張三")], index.search("张山")
    ([3], [])
    """

    max_grams = 6
    """Bigrams of a query used for blocking, rarest first."""
    max_candidates = 64
    """Candidates scored per query, those sharing most bigrams first."""

    def __init__(self, entries: Iterable[tuple[K, str]]) -> None:
        self._ids: list[K] = []
        self._parsed: list[ParsedName] = []
        self._by_name: dict[str, list[int]] = {}
        self._by_core: dict[str, list[int]] = {}
        self._by_gram: dict[str, list[int]] = {}
        for key, name in entries:
            n = len(self._ids)
            p = parse(name)
            self._ids.append(key)
            self._parsed.append(p)
            self._by_name.setdefault(p.normalised, []).append(n)
            if p.is_person:
                continue
            self._by_core.setdefault(p.core, []).append(n)
            for gram in _grams(p.core):
                self._by_gram.setdefault(gram, []).append(n)

    def __len__(self) -> int:
        return len(self._ids)

    def _candidates(self, p: ParsedName) -> set[int]:
        found = set(self._by_name.get(p.normalised, ()))
        if p.is_person or not p.core:
            return found
        found.update(self._by_core.get(p.core, ()))
        postings = sorted((self._by_gram[g] for g in _grams(p.core) if g in self._by_gram), key=len)
        if not postings:
            return found
        cap = max(1000, len(self._ids) // 50)
        postings = [x for x in postings if len(x) <= cap][: self.max_grams] or postings[:1]
        counts: dict[int, int] = {}
        for posting in postings:
            for n in posting:
                counts[n] = counts.get(n, 0) + 1
        found.update(heapq.nlargest(self.max_candidates, counts, key=counts.__getitem__))
        return found

    def search(self, name: str, limit: int = 10, threshold: float = THRESHOLD) -> list[Hit[K]]:
        """The list entries scoring at least ``threshold`` against ``name``, best first."""
        p = parse(name)
        hits = []
        for n in self._candidates(p):
            c = self._parsed[n]
            if _upper_bound(p, c) + 0.001 < threshold:  # scores are rounded to 4 places
                continue
            match = compare_parsed(p, c, threshold)
            if match.score >= threshold and match.score > 0:
                hits.append(Hit(self._ids[n], c.original, match))
        hits.sort(key=lambda h: (-h.score, h.name))
        return hits[:limit]


_WEIGHTS = {f.__name__: w for f, w in FEATURES}
_OTHER_POSITIVE = sum(
    w
    for f, w in FEATURES
    if w > 0
    and f not in (name_literal_match, core_name_match, core_name_similarity, core_containment)
)


def _upper_bound(q: ParsedName, c: ParsedName) -> float:
    """The most ``compare_parsed(q, c)`` can score, computed cheaply; 1 when in doubt."""
    if q.normalised == c.normalised or (q.core and q.core == c.core):
        return 1.0
    if q.is_person or c.is_person or not q.core or not c.core:
        return 0.0
    bound = _OTHER_POSITIVE + _WEIGHTS["core_name_similarity"] * Levenshtein.normalized_similarity(
        q.core, c.core
    )
    if q.core in c.core or c.core in q.core:
        bound += _WEIGHTS["core_containment"]
    return bound
