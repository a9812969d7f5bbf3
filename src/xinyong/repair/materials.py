"""Materials an applicant uploads for a repair application: checked (count, size, type by
extension and content) and kept under ``DATA_DIR/repair/<受理编号>/``."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from xinyong.repair.models import RepairApplication, RepairMaterial
from xinyong.repair.rules import repair_rules

__all__ = ["MaterialError", "Upload", "check_files", "material_path", "repair_dir", "store"]

#: First bytes of the accepted file types (the extension alone is not trusted).
MAGIC = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


class MaterialError(ValueError):
    """An uploaded file is refused; the message says why, in Chinese."""


class Upload(Protocol):
    """What an uploaded file offers (Django's UploadedFile, or a test double)."""

    name: str | None
    size: int | None

    def chunks(self) -> Any: ...


def repair_dir() -> Path:
    path = Path(settings.DATA_DIR) / "repair"
    path.mkdir(parents=True, exist_ok=True)
    return path


def material_path(material: RepairMaterial) -> Path:
    """Where an uploaded material is kept."""
    return repair_dir() / material.application.tracking_no / material.stored_name


def check_files(files: Sequence[Upload]) -> list[tuple[Upload, str]]:
    rules = repair_rules()
    if len(files) > rules.max_files:
        raise MaterialError(f"申请材料最多{rules.max_files}个文件，实为{len(files)}个")
    checked: list[tuple[Upload, str]] = []
    for upload in files:
        name = Path(upload.name or "").name
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in rules.file_types:
            allowed = "、".join(rules.file_types)
            raise MaterialError(f"文件“{name}”的类型不接受（可上传：{allowed}）")
        size = upload.size or 0
        if size > rules.max_bytes:
            raise MaterialError(
                f"文件“{name}”大小{size / 1024 / 1024:.1f}MB，超过上限"
                f"{rules.max_bytes // 1024 // 1024}MB"
            )
        if size == 0:
            raise MaterialError(f"文件“{name}”为空")
        head = b""
        for chunk in upload.chunks():
            head += chunk
            if len(head) >= 16:
                break
        if ext in MAGIC and not any(head.startswith(magic) for magic in MAGIC[ext]):
            raise MaterialError(f"文件“{name}”的内容不是{ext.upper()}文件")
        checked.append((upload, ext))
    return checked


def store(application: RepairApplication, files: list[tuple[Upload, str]]) -> None:
    folder = repair_dir() / application.tracking_no
    folder.mkdir(parents=True, exist_ok=True)
    for upload, ext in files:
        stored = f"{uuid.uuid4().hex}.{ext}"
        digest = hashlib.sha256()
        size = 0
        with (folder / stored).open("wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        RepairMaterial.objects.create(
            application=application,
            filename=Path(upload.name or stored).name[:255],
            stored_name=stored,
            size=size,
            sha256=digest.hexdigest(),
        )
