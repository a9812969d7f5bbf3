"""Finding subjects (信用主体) the way the public portal may: search and identity helpers.

A query is read as one of: a 统一社会信用代码 (exact, full-width tolerated), a 居民身份证号码
(found by its keyed hash, never stored or echoed in clear, R-ID-3), latin letters (拼音 or its
initials) or a part of a name (current or former). The public may find every organisation, but
a natural person (自然人) only while at least one of their records is public (R-PUB-2).

>>> pinyin_key("绿色 建材厂")
'lvsejiancaichang lsjcc'
>>> pinyin_key("ABC科技（示范县）有限公司")
'abckejishifanxianyouxiangongsi abckjsfxyxgs'
>>> parse_query("  ").kind
'empty'
>>> parse_query("９１３５０１００ｍ０００１００Ｙ４３").value
'91350100M000100Y43'
>>> q = parse_query("110105 19491231 002x")
>>> (q.kind, q.display)
('id', '1101**********002X')
>>> parse_query("Jian Cai").value
'jiancai'
>>> parse_query(chr(0)).kind, parse_query(chr(0) + "abc").value
('empty', 'abc')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length

from xinyong.core import pinyin, ric, uscc
from xinyong.records.models import CreditRecord
from xinyong.subjects.identity import pii_box
from xinyong.subjects.models import Subject, SubjectKind, SubjectName

__all__ = [
    "SubjectQuery",
    "find_subjects",
    "findable_subjects",
    "id_lookup_hashes",
    "matching_ids",
    "parse_query",
    "pinyin_key",
    "subject_match",
]

QueryKind = Literal["empty", "uscc", "id", "pinyin", "name"]

#: 14 digits or more (an X last allowed): an ID number, maybe mistyped, never shown in full
_ID_SHAPE = re.compile(r"^\d{14,}X?$")
_USCC_SHAPE = re.compile(rf"^[{uscc.ALPHABET}]{{18}}$")
_LATIN = re.compile(r"^[A-Za-z][A-Za-z\s'’]*$")
_HASH_SHAPE = re.compile(r"^[0-9a-f]{64}$")
_MASKED_SHAPE = re.compile(r"^\d{4}\*{8,10}[\dX]{3,4}$")
#: Shorter latin queries match names only (one letter is in nearly every pinyin key).
PINYIN_MIN = 2
#: Up to this many name matches are looked up by id (see find_subjects).
FEW_MATCHES = 2000
_PINYIN_MAX = Subject._meta.get_field("name_pinyin").max_length or 600


def pinyin_key(name: str) -> str:
    """Search key for ``Subject.name_pinyin``: the full pinyin, a space, then the initials.

    Latin letters and digits in the name are kept (lower case); punctuation is dropped. Both
    parts are written without spaces, so a query matches inside one part only.
    """
    return pinyin.key(name)[:_PINYIN_MAX]


def _one_by_one(text: str) -> list[str]:
    return list(text)


def id_lookup_hashes(number: str) -> list[str]:
    """Keyed hashes under which an ID number may be stored (a 15-digit one also as 18)."""
    box = pii_box()
    compacted = ric.compact(number)
    hashes = [box.lookup_hash(compacted)]
    if len(compacted) == 15 and compacted.isascii() and compacted.isdigit():
        hashes.append(box.lookup_hash(ric.to_18(compacted)))
    return hashes


@dataclass(frozen=True)
class SubjectQuery:
    """A parsed search: what to look for, and what may be shown back to the searcher.

    ``display`` never holds a full ID number; for ``kind == "id"`` the number itself is kept
    only as keyed hashes (``id_hashes``).
    """

    kind: QueryKind
    value: str = ""
    display: str = ""
    id_hashes: tuple[str, ...] = field(default=())

    @classmethod
    def for_id_hashes(cls, hashes: list[str], masked: str = "") -> SubjectQuery:
        """A query by ID number that arrives already hashed (e.g. from a redirect)."""
        good = tuple(h for h in hashes if _HASH_SHAPE.match(h))[:2]
        if not good:
            return cls("empty")
        shown = masked if _MASKED_SHAPE.match(masked) else "身份证号码"
        return cls("id", display=shown, id_hashes=good)


def parse_query(text: str) -> SubjectQuery:
    """Read a search box entry (see the module doctest)."""
    # Control characters (a NUL from a crafted URL) are no part of any name or code.
    raw = "".join(ch for ch in (text or "") if ch.isprintable()).strip()[:100]
    if not raw:
        return SubjectQuery("empty")
    code = uscc.clean(raw)
    if _ID_SHAPE.match(code) and (ric.is_valid(code) or not uscc.is_valid(code)):
        # Anything shaped like an ID number is treated as one, even if mistyped, so that it
        # is never shown back in full.
        return SubjectQuery("id", display=ric.mask(code), id_hashes=tuple(id_lookup_hashes(code)))
    if _USCC_SHAPE.match(code):
        return SubjectQuery("uscc", value=code, display=code)
    if _LATIN.match(raw):
        letters = re.sub(r"[^a-z]", "", raw.lower())
        if not letters:
            return SubjectQuery("empty")
        return SubjectQuery("pinyin", value=letters, display=raw)
    return SubjectQuery("name", value=raw, display=raw)


def findable_subjects(on: dt.date | None = None) -> QuerySet[Subject]:
    """Subjects the public may find: every organisation; natural persons with a public record."""
    public = CreditRecord.objects.public(on).filter(subject=OuterRef("pk"))
    return Subject.objects.filter(~Q(kind=SubjectKind.NATURAL) | Q(Exists(public)))


def subject_match(query: SubjectQuery, prefix: str = "") -> Q:
    """The condition on ``Subject`` a query stands for (visibility not included).

    ``prefix`` puts it on a relation instead, e.g. ``subject__`` for credit records.
    """
    if query.kind == "id":
        return Q(**{f"{prefix}id_hash__in": query.id_hashes})
    if query.kind == "uscc":
        return Q(**{f"{prefix}uscc": query.value})
    if query.kind == "empty":
        return Q(**{f"{prefix}pk__in": []})
    former = SubjectName.objects.filter(name__icontains=query.display).values("subject_id")
    by_name = Q(**{f"{prefix}name__icontains": query.display}) | Q(**{f"{prefix}pk__in": former})
    if query.kind == "pinyin" and len(query.value) >= PINYIN_MIN:
        by_name |= Q(**{f"{prefix}name_pinyin__contains": query.value})
    return by_name


def _first_matches(query: SubjectQuery, limit: int) -> list[tuple[int, str]] | None:
    """(id, kind) of the subjects a query matches, or None if more than ``limit`` do."""
    rows = list(
        Subject.objects.filter(subject_match(query))
        .order_by()
        .values_list("pk", "kind")[: limit + 1]
    )
    return rows if len(rows) <= limit else None


def matching_ids(query: SubjectQuery, limit: int) -> list[int] | None:
    """Ids of the subjects a query matches (visibility not included), or None if over ``limit``.

    A short list of ids lets the database use its primary-key and foreign-key indexes
    instead of guessing how many names a ``LIKE '%…%'`` matches (PostgreSQL guesses
    thousands and then scans every public record).
    """
    rows = _first_matches(query, limit)
    return None if rows is None else [pk for pk, _ in rows]


def find_subjects(query: str | SubjectQuery, on: dt.date | None = None) -> QuerySet[Subject]:
    """Subjects matching a search box entry, visible to the public, best matches first.

    Up to ``FEW_MATCHES`` name matches are found first, then which natural persons among
    them have a public record, by index; a broader query is left to the database in one
    statement.
    """
    q = parse_query(query) if isinstance(query, str) else query
    if q.kind in ("id", "uscc", "empty"):
        return findable_subjects(on).filter(subject_match(q)).order_by("pk")
    rows = _first_matches(q, FEW_MATCHES)
    if rows is None:
        found = findable_subjects(on).filter(subject_match(q))
    else:
        persons = [pk for pk, kind in rows if kind == SubjectKind.NATURAL]
        shown = set(
            CreditRecord.objects.public(on)
            .filter(subject_id__in=persons)
            .values_list("subject_id", flat=True)
            .distinct()
            if persons
            else ()
        )
        found = Subject.objects.filter(
            pk__in=[pk for pk, kind in rows if kind != SubjectKind.NATURAL or pk in shown]
        )
    return found.order_by(Length("name"), "name", "pk")
