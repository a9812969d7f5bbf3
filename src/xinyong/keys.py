"""Numbers from a request that name a database row (ids, offsets).

A key column holds a signed 64-bit integer on SQLite and PostgreSQL; a larger number from a URL
(``?department=99999999999999999999``) names no row. Filters ignore such a number, and a
request that asks for a row by it gets "not found", never a server error: SQLite raises
``OverflowError`` for it and PostgreSQL an out-of-range error.

>>> row_id("42"), row_id("0"), row_id("-3"), row_id("abc"), row_id(None)
(42, None, None, None, None)
>>> row_id("99999999999999999999") is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: The largest value of a key column (a signed 64-bit integer).
MAX_KEY = 2**63 - 1

__all__ = ["MAX_KEY", "KeysBeyondRange", "beyond_any_key", "row_id"]


def row_id(value: str | None) -> int | None:
    """A positive whole number that can name a row, or None (bad, not positive, too large)."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number <= MAX_KEY else None


def beyond_any_key(exc: BaseException) -> bool:
    """Whether ``exc`` is the database refusing a number too large for a key column."""
    if isinstance(exc, OverflowError):
        return "SQLite INTEGER" in str(exc) or "int too large" in str(exc)
    # PostgreSQL (psycopg): NumericValueOutOfRange, wrapped by Django as a DataError
    cause = exc.__cause__ or exc
    return type(cause).__name__ == "NumericValueOutOfRange" or (
        type(exc).__name__ == "DataError" and "out of range" in str(exc)
    )


class KeysBeyondRange:
    """Middleware: a page asked for with a number beyond any key is "not found" (a Chinese 404
    page), not a server error."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_exception(self, request: Any, exc: Exception) -> Any:
        if not beyond_any_key(exc):
            return None
        from django.http import Http404
        from django.views.defaults import page_not_found

        return page_not_found(request, Http404("编号超出范围，没有对应的记录"))
