"""Materials an applicant uploads for a repair application: checked by ``xinyong.uploads``
against the ``materials`` rule of ``repair.yaml`` and kept under ``DATA_DIR/repair/<受理编号>/``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings

from xinyong.repair.models import RepairApplication, RepairMaterial
from xinyong.repair.rules import repair_rules
from xinyong.uploads import CheckedFile, MaterialError, check_files, discard, store_files

__all__ = ["MaterialError", "check_materials", "material_path", "repair_dir", "store"]


def repair_dir() -> Path:
    path = Path(settings.DATA_DIR) / "repair"
    path.mkdir(parents=True, exist_ok=True)
    return path


def material_path(material: RepairMaterial) -> Path:
    """Where an uploaded material is kept."""
    return repair_dir() / material.application.tracking_no / material.stored_name


def check_materials(uploads: Sequence[Any]) -> list[CheckedFile]:
    """Check the uploads against the repair rules (raises ``MaterialError``)."""
    return check_files(uploads, repair_rules().materials)


def _random_name(index: int, item: CheckedFile) -> str:
    return f"{uuid.uuid4().hex}.{item.kind}"


def store(
    application: RepairApplication, files: Sequence[CheckedFile]
) -> list[tuple[CheckedFile, Path]]:
    """Write the checked files and record them; returns what was written (for
    ``xinyong.uploads.discard`` should the surrounding transaction fail)."""
    written = store_files(repair_dir() / application.tracking_no, files, name=_random_name)
    try:
        for item, path in written:
            RepairMaterial.objects.create(
                application=application,
                filename=item.filename,
                stored_name=path.name,
                size=item.size,
                sha256=item.sha256,
            )
    except Exception:
        discard(written)
        raise
    return written
