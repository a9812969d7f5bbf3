"""Building commitments for the tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xinyong.commitments import services
from xinyong.commitments.models import Commitment
from xinyong.commitments.services import SubjectInput
from xinyong.core import uscc
from xinyong.departments.models import Department, User

COMPANY = SubjectInput(name="示范县绿源建材有限公司", code="91350100M000100Y43")
PERSON = SubjectInput(name="张三丰", kind="自然人", id_number="11010519491231002X")


def company(n: int) -> SubjectInput:
    return SubjectInput(name=f"示范县第{n}商贸有限公司", code=uscc.build("91330100", f"MA{n:06d}"))


def at(day: dt.date) -> dt.datetime:
    """Ten in the morning of ``day``, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def sign(
    user: User,
    department: Department,
    kind: str = "zmsx",
    who: SubjectInput = COMPANY,
    **extra: Any,
) -> Commitment:
    extra.setdefault("matter", "食品经营许可")
    extra.setdefault("signer", "王五")
    return services.sign(user, department, kind=kind, subject=who, **extra)
