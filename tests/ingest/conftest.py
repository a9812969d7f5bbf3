"""Collection tests run batches inline (SQLite test databases are not shared with threads)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _inline_ingest(settings, tmp_path: Path, schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    settings.XINYONG_INGEST_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
