"""Building portal data through the ORM, for the tests and for the browser test's seed script."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from xinyong.core import ric
from xinyong.core.pii import PiiBox
from xinyong.departments.models import Department
from xinyong.records.models import CreditRecord, RecordStatus, Source
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.services import pinyin_key

PERSON_ID = "11010519491231002X"
PERSON_MASKED = "1101**********002X"
COMPANY_USCC = "91350100M000100Y43"


def make_subject(
    name: str,
    kind: str = SubjectKind.LEGAL,
    uscc: str | None = None,
    id_number: str | None = None,
) -> Subject:
    box = PiiBox(settings.PII_KEY)
    fields: dict[str, Any] = {}
    if id_number:
        fields = {
            "id_hash": box.lookup_hash(id_number),
            "id_cipher": box.encrypt(id_number),
            "id_masked": ric.mask(id_number),
        }
    return Subject.objects.create(
        kind=kind, name=name, name_pinyin=pinyin_key(name), uscc=uscc, **fields
    )


def make_record(
    subject: Subject,
    department: Department,
    type_code: str = "xzcf",
    *,
    decision_date: dt.date | None = None,
    published: bool = True,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: str = RecordStatus.ACTIVE,
    penalty_category: str = "",
    fine: Decimal | None = None,
    doc_no: str | None = None,
    data: dict[str, Any] | None = None,
) -> CreditRecord:
    today = timezone.localdate()
    decided = decision_date or today - dt.timedelta(days=10)
    number = doc_no or f"示范县{type_code}〔2025〕{uuid.uuid4().hex[:10]}号"
    if type_code == "xzcf" and not penalty_category:
        penalty_category = "警告"
    content = {
        "subject_name": subject.name,
        "subject_kind": subject.get_kind_display(),
        "subject_code": subject.uscc or "",
        "id_number": subject.id_masked,
        "decision_number": number,
        "decision_date": decided.isoformat(),
        "authority_name": department.name,
        "authority_code": department.code,
    }
    if type_code == "xzcf":
        content |= {"penalty_category": penalty_category, "violation_facts": "未按规定公示"}
        if fine is not None:
            content["fine_amount"] = str(fine)
    else:
        content |= {"licence_cert_name": "食品经营许可证", "licence_content": "预包装食品销售"}
    content |= data or {}
    now = timezone.now()
    return CreditRecord.objects.create(
        type_code=type_code,
        catalog_version="2018.1",
        subject=subject,
        department=department,
        authority_name=department.name,
        authority_code=department.code,
        doc_no=number,
        decision_date=decided,
        data=content,
        penalty_category=penalty_category,
        fine_amount=fine,
        published=published,
        publicity_start=start or decided,
        publicity_end=end,
        status=status,
        source=Source.DEMO,
        received_at=now,
        received_date=now.date(),
        content_hash=hashlib.sha256(number.encode()).hexdigest(),
    )
