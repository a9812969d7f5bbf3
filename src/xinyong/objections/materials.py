"""Materials (证明材料) uploaded with an objection: checked whole before anything is stored.

Files are checked by extension, by their first bytes (a renamed executable is not a PDF) and
by size, against the ``materials`` rule of the objection rules; they are kept under
``DATA_DIR/objections/<objection id>/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from xinyong.objections.rules import Materials

__all__ = ["CheckedFile", "MaterialError", "check_files", "material_dir", "store_files"]

#: First bytes of each accepted type.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


class MaterialError(ValueError):
    """An upload is refused; the message says why, in Chinese."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    kind: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _name(upload: Any) -> str:
    return Path(str(getattr(upload, "name", "") or "材料")).name[:255]


def check_files(uploads: Sequence[Any], rule: Materials) -> list[CheckedFile]:
    """Read and check every upload (objects with ``name`` and ``read()``/``chunks()``)."""
    if len(uploads) > rule.max_files:
        raise MaterialError(f"最多上传{rule.max_files}个材料文件，本次提交了{len(uploads)}个")
    limit = rule.max_mb * 1024 * 1024
    allowed = "、".join(t.upper() for t in rule.types)
    checked: list[CheckedFile] = []
    for upload in uploads:
        name = _name(upload)
        kind = Path(name).suffix.lower().lstrip(".")
        if kind not in rule.types:
            raise MaterialError(f"材料“{name}”的类型不受支持，只接受{allowed}文件")
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise MaterialError(f"材料“{name}”超过{rule.max_mb}MB，请压缩后再上传")
        content = _read(upload, limit)
        if content is None:
            raise MaterialError(f"材料“{name}”超过{rule.max_mb}MB，请压缩后再上传")
        if not content:
            raise MaterialError(f"材料“{name}”是空文件")
        if not content.startswith(SIGNATURES.get(kind, (b"",))):
            raise MaterialError(f"材料“{name}”的内容不是{kind.upper()}文件，请检查后重新上传")
        checked.append(CheckedFile(name, kind, content))
    return checked


def _read(upload: IO[bytes] | Any, limit: int) -> bytes | None:
    parts: list[bytes] = []
    total = 0
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


def material_dir(objection_id: int) -> Path:
    return Path(settings.DATA_DIR) / "objections" / str(objection_id)


def store_files(objection_id: int, files: Sequence[CheckedFile]) -> list[tuple[CheckedFile, Path]]:
    """Write checked files; on a failure the files written so far are removed."""
    folder = material_dir(objection_id)
    written: list[tuple[CheckedFile, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for index, item in enumerate(files, start=1):
            path = folder / f"{index}.{item.kind}"
            path.write_bytes(item.content)
            written.append((item, path))
    except OSError:
        for _, path in written:
            path.unlink(missing_ok=True)
        raise
    return written
