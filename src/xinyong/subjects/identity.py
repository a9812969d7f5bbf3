"""Finding or creating the subject a record is about, a chunk of rows at a time (R-ID-1).

A legal person, individual business or government body is identified by its 统一社会信用代码;
a natural person by the keyed hash of the ID number (the number itself is only stored
encrypted). A new name for a known code is a name change: the old name is kept in history.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from xinyong import dbbulk
from xinyong.core import ric
from xinyong.core.pii import PiiBox
from xinyong.subjects.models import Subject, SubjectKind, SubjectName

#: 行政相对人类别 as written in the catalog's code list → subject kind.
KIND_BY_LABEL = {
    "法人及非法人组织": SubjectKind.LEGAL,
    "自然人": SubjectKind.NATURAL,
    "个体工商户": SubjectKind.INDIVIDUAL_BUSINESS,
    "政府机构": SubjectKind.GOVERNMENT,
}


def pii_box() -> PiiBox:
    return _box_for(settings.PII_KEY)


@functools.lru_cache(maxsize=4)
def _box_for(key: str) -> PiiBox:
    # Deriving the keys costs more than a lookup hash; the key only changes in tests.
    return PiiBox(key)


def kind_for(label: str | None, code: str | None) -> str:
    kind = KIND_BY_LABEL.get((label or "").strip(), SubjectKind.LEGAL)
    # Codes with department 1 (机构编制) and category 1 (机关) belong to government bodies.
    if kind == SubjectKind.LEGAL and code and code.startswith("11"):
        return SubjectKind.GOVERNMENT
    return kind


@dataclass(frozen=True)
class SubjectRef:
    kind: str
    name: str
    uscc: str | None = None
    id_number: str | None = None

    def key(self, box: PiiBox) -> tuple[str, str]:
        if self.uscc:
            return ("uscc", self.uscc)
        return ("id", box.lookup_hash(self.id_number or ""))


def _pinyin(name: str) -> str:
    from xinyong.subjects.services import pinyin_key

    return pinyin_key(name)


def resolve(refs: Iterable[SubjectRef], source: str = "") -> dict[tuple[str, str], Subject]:
    """Subjects for the given references, creating the missing ones in bulk."""
    box = pii_box()
    wanted: dict[tuple[str, str], SubjectRef] = {}
    for ref in refs:
        wanted.setdefault(ref.key(box), ref)
    ids = resolve_ids(wanted, source)
    found = Subject.objects.in_bulk(set(ids.values()))
    return {key: found[pk] for key, pk in ids.items()}


def resolve_ids(
    wanted: Mapping[tuple[str, str], SubjectRef], source: str = ""
) -> dict[tuple[str, str], int]:
    """Subject ids for references keyed by ``SubjectRef.key``, creating the missing subjects
    in bulk. The ingestion hot path: no model instance is built per subject."""
    box = pii_box()
    found: dict[tuple[str, str], int] = {}
    names: dict[int, str] = {}
    for tag, column in (("uscc", "uscc"), ("id", "id_hash")):
        values = [k[1] for k in wanted if k[0] == tag]
        for start in range(0, len(values), 500):
            matching = Subject.objects.filter(**{f"{column}__in": values[start : start + 500]})
            for pk, name, value in matching.values_list("id", "name", column):
                found[(tag, value)] = pk
                names[pk] = name

    now = timezone.now()
    new: list[tuple[tuple[str, str], SubjectRef]] = []
    for key, ref in wanted.items():
        pk = found.get(key)
        if pk is None:
            new.append((key, ref))
        elif names[pk] != ref.name:
            rename(Subject.objects.get(pk=pk), ref.name, source=source, when=now)
    if new:
        rows = [_new_subject(box, key, ref, now) for key, ref in new]
        pks = dbbulk.insert(Subject, _SUBJECT_FIELDS, rows, returning=True)
        dbbulk.insert(
            SubjectName,
            ("subject", "name", "valid_from", "source"),
            [[pk, ref.name, now, source] for pk, (_, ref) in zip(pks, new, strict=True)],
        )
        found.update((key, pk) for (key, _), pk in zip(new, pks, strict=True))
    return found


_SUBJECT_FIELDS = (
    "kind",
    "name",
    "name_pinyin",
    "uscc",
    "id_hash",
    "id_cipher",
    "id_masked",
    "created_at",
    "updated_at",
)


def _new_subject(
    box: PiiBox, key: tuple[str, str], ref: SubjectRef, now: dt.datetime
) -> list[object]:
    """A new subject's values in ``_SUBJECT_FIELDS`` order (with the model's defaults)."""
    if key[0] == "uscc":
        uscc, id_hash, cipher, masked = ref.uscc, None, "", ""
    else:
        number = ref.id_number or ""
        uscc, id_hash, cipher, masked = None, key[1], box.encrypt(number), ric.mask(number)
    return [ref.kind, ref.name, _pinyin(ref.name), uscc, id_hash, cipher, masked, now, now]


def rename(
    subject: Subject, name: str, *, source: str = "", when: dt.datetime | None = None
) -> None:
    """Give a subject a new name, closing the old name in its history."""
    moment = when or timezone.now()
    SubjectName.objects.filter(subject=subject, valid_to__isnull=True).update(valid_to=moment)
    SubjectName.objects.create(subject=subject, name=name, valid_from=moment, source=source)
    subject.name = name
    subject.name_pinyin = _pinyin(name)
    subject.save(update_fields=["name", "name_pinyin", "updated_at"])
