"""The word lists (``data/name_terms.yaml``) and the national table of region names."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import yaml

from xinyong.core.names.normalise import normalise

_DATA = resources.files("xinyong.core") / "data"


@dataclass(frozen=True)
class Form:
    """An organisational-form word: 有限责任公司 is family 公司, canonical form 有限公司."""

    word: str
    family: str
    canonical: str


_GENERIC_REGIONS = {"市辖区", "县", "市区", "郊区", "矿区", "自治区直辖县级行政区划"}
_REGION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "县")
_REGION_SUFFIXES_SHORT = ("区", "盟", "旗")


@dataclass(frozen=True)
class Terms:
    forms: dict[str, Form]
    head_form_re: re.Pattern[str]  # forms of the families that can have branches
    any_form_re: re.Pattern[str]  # all forms of two characters or more
    branch_markers: tuple[str, ...]
    group_words: tuple[str, ...]
    industries: frozenset[str]
    regions: dict[str, frozenset[str]]  # region name or short form → codes
    canonical_region: dict[str, str]  # region name or short form → full name
    parents: dict[str, str]  # code → parent code


def _short_region(name: str, peoples: Iterable[str]) -> str | None:
    """浙江省 → 浙江, 延边朝鲜族自治州 → 延边, 西湖区 → 西湖; None when under 2 characters."""
    for suffix in (*_REGION_SUFFIXES, *_REGION_SUFFIXES_SHORT):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            changed = True
            while changed:
                changed = False
                for people in peoples:
                    if stem.endswith(people) and len(stem) > len(people):
                        stem = stem[: -len(people)]
                        changed = True
            return stem if len(stem) >= 2 else None
    return None


def _national_regions() -> Iterable[tuple[str, str, bool]]:
    """(code, name, current) from python-stdnum's table, current and former names alike."""
    text = (resources.files("stdnum.cn") / "loc.dat").read_text(encoding="utf-8")
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        sub, _, value = line.strip().partition(" ")
        match = re.search(r'county="([^"]*)"', value)
        if not match:
            continue
        for part in match.group(1).split(","):
            years, _, name = part.rpartition("]")
            if name and name not in _GENERIC_REGIONS:
                yield province + sub, name, not re.search(r"-\d{4}$", years)


@functools.cache
def terms() -> Terms:
    """The word lists of ``data/name_terms.yaml`` and the national region table."""
    raw = yaml.safe_load((_DATA / "name_terms.yaml").read_text(encoding="utf-8"))
    forms = {
        word: Form(word, family, canonical)
        for family, words in raw["forms"].items()
        for word, canonical in words.items()
    }
    head_families = set(raw["head_families"])
    peoples = sorted(raw["ethnic_groups"], key=len, reverse=True)

    def alternation(words: Iterable[str]) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    chinese = [w for w in forms if not w.isascii()]
    codes: dict[str, set[str]] = {}
    canonical: dict[str, str] = {}
    known: set[str] = set()
    for code, name, _current in sorted(_national_regions(), key=lambda r: (not r[2], r[0])):
        # current names first: they are the ones shown for a short form
        full = normalise(name)
        known.add(code)
        for key in (full, _short_region(full, peoples)):
            if key:
                codes.setdefault(key, set()).add(code)
                canonical.setdefault(key, full)
    parents: dict[str, str] = {}
    for code in known:
        if code.endswith("0000"):
            continue
        city = code[:4] + "00"
        parent = city if not code.endswith("00") and city in known else code[:2] + "0000"
        parents[code] = parent
    for n, (name, _parent) in enumerate(raw.get("extra_regions", {}).items()):
        code = f"X{n:05d}"
        for key in (name, _short_region(name, peoples)):
            if key and key not in codes:
                codes[key] = {code}
                canonical[key] = name
    return Terms(
        forms=forms,
        head_form_re=alternation(w for w in chinese if forms[w].family in head_families),
        any_form_re=alternation(w for w in chinese if len(w) >= 2),
        branch_markers=tuple(sorted(raw["branch_markers"], key=len, reverse=True)),
        group_words=tuple(sorted(raw["group_words"], key=len, reverse=True)),
        industries=frozenset(raw["industries"]),
        regions={k: frozenset(v) for k, v in codes.items()},
        canonical_region=canonical,
        parents=parents,
    )


def ancestors(code: str, parents: dict[str, str]) -> set[str]:
    seen: set[str] = set()
    while code in parents and code not in seen:
        code = parents[code]
        seen.add(code)
    return seen
