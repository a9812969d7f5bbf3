"""The error raised for every catalog problem."""

from __future__ import annotations

__all__ = ["CatalogError"]


class CatalogError(ValueError):
    """The catalog is malformed, or a type or version asked for does not exist.

    ``file`` and ``line`` say where (when known); ``reason`` is the Chinese explanation.
    """

    __module__ = "xinyong.catalog.model"  # its public home, as before the split

    def __init__(self, reason: str, file: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        if file and line:
            message = f"{file} 第{line}行：{reason}"
        elif file:
            message = f"{file}：{reason}"
        else:
            message = reason
        super().__init__(message)
