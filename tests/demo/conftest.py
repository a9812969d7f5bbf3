"""Demo tests measure timeliness against today: today's year must be in the calendar."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _calendar(request: pytest.FixtureRequest) -> None:
    if "db" in request.fixturenames:
        request.getfixturevalue("schedule_for_today")
