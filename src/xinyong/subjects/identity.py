"""Finding or creating the subject a record is about, a chunk of rows at a time (R-ID-1).

A legal person, individual business or government body is identified by its 统一社会信用代码;
a natural person by the keyed hash of the ID number (the number itself is only stored
encrypted). A new name for a known code is a name change: the old name is kept in history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
    return PiiBox(settings.PII_KEY)


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
    found: dict[tuple[str, str], Subject] = {}
    usccs = [k[1] for k in wanted if k[0] == "uscc"]
    hashes = [k[1] for k in wanted if k[0] == "id"]
    fields = ("id", "kind", "name", "uscc", "id_hash")
    for start in range(0, len(usccs), 500):
        for s in Subject.objects.filter(uscc__in=usccs[start : start + 500]).only(*fields):
            found[("uscc", s.uscc or "")] = s
    for start in range(0, len(hashes), 500):
        for s in Subject.objects.filter(id_hash__in=hashes[start : start + 500]).only(*fields):
            found[("id", s.id_hash or "")] = s

    now = timezone.now()
    new: list[tuple[tuple[str, str], Subject]] = []
    for key, ref in wanted.items():
        subject = found.get(key)
        if subject is None:
            subject = Subject(kind=ref.kind, name=ref.name, name_pinyin=_pinyin(ref.name))
            if key[0] == "uscc":
                subject.uscc = ref.uscc
            else:
                subject.id_hash = key[1]
                subject.id_cipher = box.encrypt(ref.id_number or "")
                subject.id_masked = ric.mask(ref.id_number or "")
            new.append((key, subject))
        elif subject.name != ref.name:
            rename(subject, ref.name, source=source, when=now)
    if new:
        dbbulk.save_new([s for _, s in new])
        dbbulk.save_new(
            [SubjectName(subject=s, name=s.name, valid_from=now, source=source) for _, s in new]
        )
        found.update(new)
    return found


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
