"""Feeds fixtures: the bodies under evaluation and sources reading the feed files in data/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.integrity.conftest import make_body

from xinyong.feeds.models import FeedSource
from xinyong.integrity.models import BodyLevel, GovBody

DATA = Path(__file__).with_name("data")


@pytest.fixture(autouse=True)
def _calendar(schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    """Warnings raised by accepted items need today's year in the calendar."""


@pytest.fixture
def bodies(db) -> dict[str, GovBody]:  # type: ignore[no-untyped-def]
    return {
        "edu": make_body(1, "示范县教育局"),
        "fin": make_body(2, "示范县财政局"),
        "water": make_body(3, "示范县水利局"),
        "east": make_body(4, "示范县东城街道办事处", BodyLevel.TOWNSHIP),
        "west": make_body(5, "示范县西湖镇人民政府", BodyLevel.TOWNSHIP),
    }


@pytest.fixture
def source_for(db) -> Callable[..., FeedSource]:  # type: ignore[no-untyped-def]
    def make(filename: str, **extra: str) -> FeedSource:
        return FeedSource.objects.create(
            name=extra.pop("name", filename), url=str(DATA / filename), **extra
        )

    return make
