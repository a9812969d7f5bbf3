"""Repair fixtures (helpers in tests/repair/factories.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from tests.portal.factories import make_subject
from tests.repair.factories import COMPANY_CODE, PERSON_NUMBER, penalty

from xinyong.departments.models import Department
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject, SubjectKind


@pytest.fixture(autouse=True)
def _repair_env(settings, tmp_path: Path, schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    """Uploaded materials go to a fresh data directory; the calendar covers today."""
    settings.DATA_DIR = tmp_path / "data"
    cache.clear()


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def company(db: Any) -> Subject:
    return make_subject("示范县绿源建材有限公司", uscc=COMPANY_CODE)


@pytest.fixture
def person(db: Any) -> Subject:
    return make_subject("王修复", SubjectKind.NATURAL, id_number=PERSON_NUMBER)


@pytest.fixture
def make_penalty(market_dept: Department) -> Callable[..., CreditRecord]:
    def make(subject: Subject, decided: dt.date, **kwargs: Any) -> CreditRecord:
        return penalty(subject, kwargs.pop("department", market_dept), decided, **kwargs)

    return make
