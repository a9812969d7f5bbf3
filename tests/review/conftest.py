"""Review regression tests: uploads run inline, files go to a temporary media root."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _inline_ingest(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.XINYONG_INGEST_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
