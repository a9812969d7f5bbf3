"""Portal fixtures: a small county built through the ORM (subjects, departments, records)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from tests.portal.factories import COMPANY_USCC, PERSON_ID, make_record, make_subject

from xinyong.departments.models import Department
from xinyong.records.models import CreditRecord, RecordStatus
from xinyong.subjects.models import SubjectKind, SubjectName


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Home page figures are cached; every test starts from the database."""
    cache.clear()


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def county(db: Any, market_dept: Department, tax_dept: Department) -> dict[str, Any]:
    """A company, a renamed company, a natural person with a penalty, one without, records."""
    company = make_subject("示范县绿源建材有限公司", uscc=COMPANY_USCC)
    renamed = make_subject("示范县新盛科技有限公司", uscc="911522010783762860")
    SubjectName.objects.create(
        subject=renamed,
        name="示范县老盛电子厂",
        valid_from=timezone.now() - dt.timedelta(days=900),
        valid_to=timezone.now() - dt.timedelta(days=100),
    )
    SubjectName.objects.create(
        subject=renamed, name=renamed.name, valid_from=timezone.now() - dt.timedelta(days=100)
    )
    person = make_subject("张三丰", SubjectKind.NATURAL, id_number=PERSON_ID)
    hidden = make_subject("李四", SubjectKind.NATURAL, id_number="110105199003070017")
    licence = make_record(company, market_dept, "xzxk")
    fine = make_record(
        company, market_dept, "xzcf", penalty_category="罚款", fine=Decimal("0.500000")
    )
    person_fine = make_record(
        person, tax_dept, "xzcf", penalty_category="罚款", fine=Decimal("0.02")
    )
    # 李四 has only records the public may not see
    unpublished = make_record(hidden, tax_dept, "xzcf", published=False)
    revoked = make_record(hidden, tax_dept, "xzcf", status=RecordStatus.REVOKED)
    expired = make_record(
        hidden,
        tax_dept,
        "xzcf",
        decision_date=timezone.localdate() - dt.timedelta(days=800),
        end=timezone.localdate() - dt.timedelta(days=1),
    )
    future = make_record(
        hidden, tax_dept, "xzcf", start=timezone.localdate() + dt.timedelta(days=3)
    )
    return {
        "company": company,
        "renamed": renamed,
        "person": person,
        "hidden": hidden,
        "licence": licence,
        "fine": fine,
        "person_fine": person_fine,
        "unpublished": unpublished,
        "revoked": revoked,
        "expired": expired,
        "future": future,
    }


@pytest.fixture
def record_factory(market_dept: Department) -> Callable[..., CreditRecord]:
    return lambda subject, **kw: make_record(subject, kw.pop("department", market_dept), **kw)
