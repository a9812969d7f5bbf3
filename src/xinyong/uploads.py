"""Evidence files (证明材料) uploaded with an application: checked whole, then stored.

Used by objections (异议), complaints (投诉), public commitments (公开承诺) and credit repair
(信用修复). Every upload is read once, with a size
bound, and checked by count, extension, size, emptiness and its first bytes (a renamed
executable is not a PDF) against an :class:`UploadRule`; only when all files pass is anything
written, under ``settings.DATA_DIR``. A failure while writing removes what was written.

>>> class Upload:
...     def __init__(self, name, content):
...         self.name, self.size, self.content = name, len(content), content
...     def read(self, n=-1):
...         content, self.content = self.content, b""
...         return content
>>> rule = UploadRule(max_files=2, max_bytes=1024 * 1024, types=("pdf", "png"))
>>> [f.kind for f in check_files([Upload("决定书.PDF", b"%PDF-1.4 ...")], rule)]
['pdf']
>>> try:
...     check_files([Upload("假的.pdf", b"MZ\\x90")], rule)
... except MaterialError as exc:
...     print(exc)
材料“假的.pdf”的内容不是PDF文件，请检查后重新上传
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models

__all__ = [
    "SIGNATURES",
    "CheckedFile",
    "MaterialError",
    "StoredFile",
    "UploadRule",
    "check_files",
    "discard",
    "file_rows",
    "store_files",
]

MB = 1024 * 1024

#: First bytes of each accepted type (the extension alone is not trusted).
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


class MaterialError(ValueError):
    """An upload is refused; the message says why, in Chinese."""


@dataclass(frozen=True)
class UploadRule:
    """What an application accepts: how many files, how large each, which types."""

    max_files: int
    max_bytes: int
    #: lower-case extensions without the dot
    types: tuple[str, ...]

    @property
    def max_mb(self) -> int:
        return self.max_bytes // MB

    @property
    def types_label(self) -> str:
        """The accepted types for a page or a message, e.g. ``PDF、JPG、PNG``."""
        return "、".join(t.upper() for t in self.types)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with its whole content."""

    filename: str
    kind: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _name(upload: Any) -> str:
    return Path(str(getattr(upload, "name", "") or "材料")).name[:255]


def check_files(uploads: Sequence[Any], rule: UploadRule) -> list[CheckedFile]:
    """Read and check every upload (objects with ``name`` and ``chunks()`` or ``read()``)."""
    if len(uploads) > rule.max_files:
        raise MaterialError(f"最多上传{rule.max_files}个材料文件，本次提交了{len(uploads)}个")
    checked: list[CheckedFile] = []
    for upload in uploads:
        name = _name(upload)
        kind = Path(name).suffix.lower().lstrip(".")
        if kind not in rule.types:
            raise MaterialError(f"材料“{name}”的类型不受支持，只接受{rule.types_label}文件")
        too_large = f"材料“{name}”超过{rule.max_mb}MB，请压缩后再上传"
        size = getattr(upload, "size", None)
        if size is not None and size > rule.max_bytes:
            raise MaterialError(too_large)
        content = _read(upload, rule.max_bytes)
        if content is None:
            raise MaterialError(too_large)
        if not content:
            raise MaterialError(f"材料“{name}”是空文件")
        if not content.startswith(SIGNATURES.get(kind, (b"",))):
            raise MaterialError(f"材料“{name}”的内容不是{kind.upper()}文件，请检查后重新上传")
        checked.append(CheckedFile(name, kind, content))
    return checked


def _read(upload: Any, limit: int) -> bytes | None:
    """The whole content, or None as soon as it passes ``limit`` bytes."""
    parts: list[bytes] = []
    total = 0
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


def _numbered(index: int, item: CheckedFile) -> str:
    return f"{index}.{item.kind}"


def store_files(
    folder: Path,
    files: Sequence[CheckedFile],
    name: Callable[[int, CheckedFile], str] = _numbered,
) -> list[tuple[CheckedFile, Path]]:
    """Write checked files into ``folder`` (named ``1.pdf``, ``2.png`` … unless ``name`` says
    otherwise); on a failure the files written so far are removed."""
    written: list[tuple[CheckedFile, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for index, item in enumerate(files, start=1):
            path = folder / name(index, item)
            written.append((item, path))
            path.write_bytes(item.content)
    except OSError:
        discard(written)
        raise
    return written


class StoredFile(models.Model):
    """The row of a stored file: its name as uploaded, where it lies, size, digest and type.
    A concrete model adds the link to what the file belongs to."""

    filename = models.CharField("文件名", max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    kind = models.CharField("类型", max_length=10)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename


def file_rows(
    model: type[StoredFile], written: Iterable[tuple[CheckedFile, Path]], **link: Any
) -> list[Any]:
    """Unsaved ``model`` rows for files ``store_files`` wrote, each with ``link`` (the owner)."""
    return [
        model(
            filename=item.filename,
            stored_path=str(path),
            size=item.size,
            sha256=item.sha256,
            kind=item.kind,
            **link,
        )
        for item, path in written
    ]


def discard(written: Iterable[tuple[CheckedFile, Path]]) -> None:
    """Remove stored files again (the step that stored them was rolled back)."""
    for _, path in written:
        path.unlink(missing_ok=True)


def download(request: Any, owner: Any, path: Path, filename: str, summary: str) -> Any:
    """A staff download of a stored material: 404 when the file is gone, and audited — the
    materials of objections, complaints, repairs and pledges are non-public (R-SEC-2)."""
    from django.http import FileResponse, Http404

    from xinyong.audit.models import AuditAction
    from xinyong.audit.services import record_request

    if not path.is_file():
        raise Http404("材料文件不存在")
    record_request(request, AuditAction.READ, summary, obj=owner, detail={"file": filename})
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)
