"""Complaint fixtures: materials stored in a temporary data directory, and a helper to file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from xinyong.complaints import services
from xinyong.complaints.models import Category, Complaint
from xinyong.departments.models import Department

#: Two private enterprises with valid 统一社会信用代码.
ENTERPRISE_A = ("示范县甲建筑工程有限公司", "91350100M000100Y43")
ENTERPRISE_B = ("示范县乙商贸有限公司", "91330100MA2ABCDEXG")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path: Path, schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


def complainant(which: tuple[str, str] = ENTERPRISE_A) -> services.Complainant:
    return services.Complainant(
        name=which[0], uscc=which[1], contact="张经理", phone="0571-88880000"
    )


def file(
    department: Department | None,
    day: dt.date = dt.date(2026, 6, 1),
    which: tuple[str, str] = ENTERPRISE_A,
    **kwargs: Any,
) -> tuple[Complaint, str]:
    return services.file_complaint(
        complainant=complainant(which),
        category=kwargs.pop("category", Category.PROMISE),
        facts=kwargs.pop("facts", "招商引资协议约定的厂房租金减免至今未兑现，多次催告无果"),
        target_department=department,
        today=day,
        **kwargs,
    )
