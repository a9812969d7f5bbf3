"""Pledge fixtures: two bodies tied to the two test departments, evidence files in a temporary
data directory, and a helper to publish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from xinyong.core import uscc
from xinyong.departments.models import Department
from xinyong.integrity.models import BodyLevel, GovBody
from xinyong.integrity.services import register_body
from xinyong.pledges import services
from xinyong.pledges.models import Pledge
from xinyong.subjects.identity import SubjectRef, resolve
from xinyong.subjects.models import SubjectKind

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def make_body(n: int, name: str, department: Department | None = None) -> GovBody:
    ref = SubjectRef(SubjectKind.GOVERNMENT, name, uscc=uscc.build("11330100", f"MB{n:06d}"))
    subject = next(iter(resolve([ref]).values()))
    return register_body(subject, BodyLevel.COUNTY_DEPT, department=department)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path: Path, schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def market_body(market_dept: Department) -> GovBody:
    return make_body(11, "示范县市场监督管理局", market_dept)


@pytest.fixture
def tax_body(tax_dept: Department) -> GovBody:
    return make_body(12, "国家税务总局示范县税务局", tax_dept)


def pledge_input(**changes: Any) -> services.PledgeInput:
    values: dict[str, Any] = {
        "title": "兑现年度中小企业技术改造补助",
        "content": "对已通过验收的技术改造项目按核定投资额的10%足额拨付补助资金。",
        "category": "惠企政策兑现",
        "signer_name": "张建国",
        "signer_title": "局长",
        "signed_on": dt.date(2026, 3, 2),
        "due_date": dt.date(2026, 6, 30),
        "public": True,
    }
    values.update(changes)
    return services.PledgeInput(**values)


def publish(user: Any, body: GovBody, **changes: Any) -> Pledge:
    return services.publish(user, body, pledge_input(**changes), today=dt.date(2026, 3, 2))
