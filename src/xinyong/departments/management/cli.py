"""Helpers shared by the ``department``, ``user`` and ``token`` commands."""

from __future__ import annotations

import getpass
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

T = TypeVar("T")


def cli_detail(command: str) -> dict[str, Any]:
    """What the audit log keeps about a command-line change: the command and the OS account."""
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        os_user = ""
    return {"command": f"xinyong {command}", "os_user": os_user}


@contextmanager
def chinese_errors() -> Iterator[None]:
    """Turn a service's ValidationError into a CommandError with its Chinese messages."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            text = "；".join(m for messages in exc.message_dict.values() for m in messages)
        else:
            text = "；".join(exc.messages)
        raise CommandError(text) from exc


def call(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with chinese_errors():
        return function(*args, **kwargs)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table that lines up Chinese (double-width) characters."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        padded = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(padded).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
