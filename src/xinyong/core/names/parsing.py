"""Splitting a name into 行政区划 + 字号 + 行业 + 组织形式 (+ branch)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from xinyong.core.names.normalise import NOT_LETTER_OR_DIGIT, normalise, prepare
from xinyong.core.names.terms import Form, Terms, terms

_BRACKETS = re.compile(
    r"[(\[【〔{〈《「『]([^()\[\]【】〔〕{}〈〉《》「」『』]*)[)\]】〕}〉》」』]"
)
_HAN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_MAX_REGION = 12


@dataclass(frozen=True)
class ParsedName:
    """A name split into its parts. ``core`` is 字号 + 行业 (``trade`` + ``industry``);
    ``regions`` are the region names as written (杭州, 杭州市), outermost first."""

    original: str
    normalised: str
    head: str
    branch: str
    forms: tuple[Form, ...]
    group: bool
    regions: tuple[str, ...]
    prefix: str
    core: str
    trade: str
    industry: str
    is_person: bool


def _strip_form(head: str, t: Terms) -> tuple[str, Form | None]:
    for size in range(min(len(head) - 1, 10), 0, -1):
        form = t.forms.get(head[-size:])
        if form is None:
            continue
        if size == 1 and len(head) < 3:
            continue
        if form.word.isascii() and form.word != "COLTD" and head[-size - 1].isascii():
            continue  # LTD and LIMITED only after a Chinese name ("ABCLTD" stays)
        return head[:-size], form
    return head, None


def _split_branch(text: str, t: Terms) -> tuple[str, str]:
    """(head, branch): 某某有限公司西湖分公司 → (某某有限公司, 西湖分公司).

    Text after a company or co-operative form is a branch. A name ending in a branch marker
    (分店, 支行 …) is split after the first form of any kind before the marker, or else just
    before the marker.
    """
    marker = next((m for m in t.branch_markers if text.endswith(m) and len(text) > len(m)), "")
    if marker:
        found = t.any_form_re.search(text, 1, len(text) - len(marker))
        if found:
            return text[: found.end()], text[found.end() :]
        return text[: -len(marker)], marker
    found = t.head_form_re.search(text, 1)
    if found and found.end() < len(text):
        return text[: found.end()], text[found.end() :]
    return text, ""


def _strip_regions(core: str, t: Terms) -> tuple[str, str, list[str]]:
    """(rest, prefix text, canonical region names) of a leading region prefix."""
    found: list[str] = []
    whole = core
    while True:
        for size in range(min(_MAX_REGION, len(core) - 2), 1, -1):
            key = core[:size]
            if key in t.regions:
                rest = core[size:]
                if (
                    rest in t.regions
                    or rest in t.industries
                    or len(_split_industry(rest, t)[0]) < 2
                ):
                    continue  # what is left must still hold a 字号 of 2 characters or more
                found.append(key)
                core = rest
                break
        else:
            return core, whole[: len(whole) - len(core)], found


def _split_industry(core: str, t: Terms) -> tuple[str, str]:
    for size in range(min(len(core) - 1, 8), 1, -1):
        if core[-size:] in t.industries:
            return core[:-size], core[-size:]
    return core, ""


@functools.lru_cache(maxsize=20_000)
def parse(name: str) -> ParsedName:
    """Split a name into region, 字号, industry, form and branch.

    >>> p = parse("明辉贸易（杭州）有限公司西湖分公司")
    >>> p.regions, p.trade, p.industry, [f.word for f in p.forms], p.branch
    (('杭州',), '明辉', '贸易', ['有限公司'], '西湖分公司')
    """
    t = terms()
    text = prepare(name)
    normalised = NOT_LETTER_OR_DIGIT.sub("", text)
    regions: list[str] = []
    forms: list[Form] = []

    def bracket(m: re.Match[str]) -> str:
        inner = normalise(m.group(1))
        if inner in t.regions:
            regions.append(inner)
            return " "
        if inner in t.forms:
            forms.append(t.forms[inner])
            return " "
        return m.group(1)

    text = _BRACKETS.sub(bracket, text)
    flat = NOT_LETTER_OR_DIGIT.sub("", text)
    head, branch = _split_branch(flat, t)
    core, form = _strip_form(head, t)
    if form is not None:
        forms.insert(0, form)
    group = False
    for word in t.group_words:
        if core.endswith(word) and len(core) > len(word):
            core, group = core[: -len(word)], True
            break
    core, prefix, prefixes = _strip_regions(core, t)
    regions = prefixes + regions
    trade, industry = _split_industry(core, t)
    person = (
        not forms
        and not branch
        and not group
        and not regions
        and bool(_HAN.match(normalised))
        and (
            (2 <= len(normalised) <= 4 and not (industry and len(trade) >= 2))
            or (("·" in name or "•" in name or "・" in name) and len(normalised) <= 15)
        )
    )
    return ParsedName(
        original=name,
        normalised=normalised,
        head=head,
        branch=branch,
        forms=tuple(forms),
        group=group,
        regions=tuple(regions),
        prefix=prefix,
        core=core,
        trade=trade,
        industry=industry,
        is_person=person,
    )


def core_name(name: str, *, strip_region: bool = True) -> str:
    """The distinctive part of a name: 字号 + 行业, without region prefix, 集团 and form.

    >>> core_name("杭州明辉控股集团股份有限公司")
    '明辉控股'
    >>> core_name("杭州明辉贸易有限公司", strip_region=False)
    '杭州明辉贸易'
    """
    p = parse(name)
    return p.core if strip_region else p.prefix + p.core


def is_person_name(name: str) -> bool:
    """Whether a name is taken as a natural person's: matched only when identical.

    >>> is_person_name("欧阳娜娜"), is_person_name("王建设"), is_person_name("明辉五金")
    (True, True, False)
    """
    return parse(name).is_person
