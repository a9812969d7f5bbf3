"""Integrity fixtures: government bodies under evaluation and a helper to add archive events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from xinyong.core import uscc
from xinyong.integrity.models import BodyLevel, GovBody, IntegrityEvent, SourceChannel
from xinyong.integrity.services import register_body
from xinyong.subjects.identity import SubjectRef, resolve
from xinyong.subjects.models import SubjectKind


@pytest.fixture(autouse=True)
def _calendar(schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    """The platform's date-dependent code needs today's year in the calendar."""


def body_code(n: int) -> str:
    # Offset so they never share a code with the departments of tests/conftest.py.
    return uscc.build("11330100", f"MB{n + 100:06d}")


def make_body(n: int, name: str, level: str = BodyLevel.COUNTY_DEPT) -> GovBody:
    ref = SubjectRef(SubjectKind.GOVERNMENT, name, uscc=body_code(n))
    subject = next(iter(resolve([ref]).values()))
    return register_body(subject, level)


@pytest.fixture
def new_body(db) -> Callable[..., GovBody]:  # type: ignore[no-untyped-def]
    return make_body


@pytest.fixture
def bodies(db) -> dict[str, GovBody]:  # type: ignore[no-untyped-def]
    """Three county departments and two townships."""
    return {
        "edu": make_body(1, "示范县教育局"),
        "fin": make_body(2, "示范县财政局"),
        "water": make_body(3, "示范县水利局"),
        "east": make_body(4, "示范县东城街道办事处", BodyLevel.TOWNSHIP),
        "west": make_body(5, "示范县西湖镇人民政府", BodyLevel.TOWNSHIP),
    }


@pytest.fixture
def add_event() -> Callable[..., IntegrityEvent]:
    def add(body: GovBody, kind: str, day: str, **extra: Any) -> IntegrityEvent:
        for key in ("rectified_on", "repaired_on"):
            if isinstance(extra.get(key), str):
                extra[key] = dt.date.fromisoformat(extra[key])
        if "points" in extra and extra["points"] is not None:
            extra["points"] = Decimal(str(extra["points"]))
        return IntegrityEvent.objects.create(
            body=body,
            kind=kind,
            event_date=dt.date.fromisoformat(day),
            channel=extra.pop("channel", SourceChannel.SHARED),
            source_doc=extra.pop("source_doc", "示范县信用办通报"),
            **extra,
        )

    return add
