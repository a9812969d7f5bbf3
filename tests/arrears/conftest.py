"""Arrears fixtures: a government subject for the market regulator and a helper to record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import MARKET_CODE

from xinyong.arrears import services
from xinyong.arrears.models import Arrear, DebtorKind
from xinyong.departments.models import Department
from xinyong.subjects.models import Subject, SubjectKind

CREDITOR = ("示范县甲建筑工程有限公司", "91350100M000100Y43")
STATE_ENTERPRISE = ("示范县城市建设投资集团有限公司", "91330100MA2ABCDF8G")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path: Path, schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def market_body(market_dept: Department) -> Subject:
    """The market regulator as a credit subject (government body)."""
    return Subject.objects.create(
        kind=SubjectKind.GOVERNMENT, name=market_dept.name, uscc=MARKET_CODE
    )


def owed_by(
    user: Any,
    department: Department,
    amount: str = "100",
    due: dt.date = dt.date(2026, 6, 30),
    **kwargs: Any,
) -> Arrear:
    return services.record_arrear(
        user,
        debtor_kind=DebtorKind.DEPARTMENT,
        debtor_department=department,
        creditor_name=CREDITOR[0],
        creditor_uscc=CREDITOR[1],
        amount=amount,
        due_date=due,
        basis="《办公楼改造工程施工合同》（示市监合〔2025〕3号）",
        today=kwargs.pop("today", dt.date(2026, 5, 1)),
        **kwargs,
    )
