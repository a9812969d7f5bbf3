"""Hooks for other apps into collection, by catalog type (e.g. the integrity archive on ``zwcx``).

Four signals, each sent with ``sender=type_sender(type_code)`` so a receiver connects for
the types it cares about and a type nobody listens to costs nothing:

- :data:`check_rows` — a chunk of validated rows, before it is stored. Receivers return
  :class:`RowProblem` items; those rows are rejected in the batch's per-row verdict (so
  accepted + rejected = submitted still holds) and nothing of them is stored.
- :data:`records_stored` — ids of the records a chunk created or updated, sent once per
  chunk after its transaction commits (``transaction.on_commit``).
- :data:`record_revoked` — a record revoked (撤销), after the revocation commits.
- :data:`record_repaired` — a record repaired (信用修复 approved), after the approval commits.

The last three are robust: the records are committed, so a failing receiver is logged and the
receiving app must catch up by itself (the integrity archive: ``collection.reconcile``, daily).

A string cannot be the sender itself: Django matches senders by identity, and a type code
read from YAML is not the same object as the literal a receiver names. ``type_sender`` gives
one object per code.

>>> type_sender("zwcx") is type_sender("zwcx")
True
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.dispatch import Signal

__all__ = [
    "RowProblem",
    "check_rows",
    "listening",
    "problems_by_row",
    "record_repaired",
    "record_revoked",
    "records_stored",
    "send_repaired",
    "send_revoked",
    "send_stored",
    "type_sender",
]

log = logging.getLogger(__name__)

#: kwargs: type_code (str), rows (list of (row number, cleaned values by field key)), batch.
#: Returns an iterable of RowProblem.
check_rows = Signal(use_caching=True)
#: kwargs: type_code (str), record_ids (list of int), batch.
records_stored = Signal(use_caching=True)
#: kwargs: type_code (str), record (CreditRecord), reason (str), actor.
record_revoked = Signal(use_caching=True)
#: kwargs: type_code (str), record (CreditRecord, status repaired), reason (str), actor.
record_repaired = Signal(use_caching=True)

_NAMES = {
    id(records_stored): "records_stored",
    id(record_revoked): "record_revoked",
    id(record_repaired): "record_repaired",
}


class TypeSender:
    """The sender standing for one catalog type code."""

    __slots__ = ("__weakref__", "code")

    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:
        return f"<TypeSender {self.code}>"


@functools.cache
def type_sender(code: str) -> TypeSender:
    return TypeSender(code)


def listening(signal: Signal, type_code: str) -> bool:
    """Whether any receiver is connected for this type (asked once per batch)."""
    return signal.has_listeners(type_sender(type_code))


@dataclass(frozen=True)
class RowProblem:
    """Why a receiver of :data:`check_rows` refuses a row: a field label, a Chinese message."""

    row: int
    field: str
    message: str


def problems_by_row(
    type_code: str, rows: Sequence[tuple[int, Mapping[str, Any]]], batch: Any
) -> dict[int, list[RowProblem]]:
    """Ask the receivers of :data:`check_rows` about a chunk; the problems by row number.

    Not robust on purpose: a check that cannot run fails the chunk rather than letting its
    rows in unchecked."""
    found: dict[int, list[RowProblem]] = {}
    for _receiver, response in check_rows.send(
        type_sender(type_code), type_code=type_code, rows=rows, batch=batch
    ):
        problems = cast("Iterable[RowProblem]", response or ())
        for problem in problems:
            found.setdefault(problem.row, []).append(problem)
    return found


def _send_robust(signal: Signal, type_code: str, **kwargs: Any) -> None:
    # The records are committed: a failing receiver must not fail the batch, only be seen.
    for receiver, response in signal.send_robust(
        type_sender(type_code), type_code=type_code, **kwargs
    ):
        if isinstance(response, Exception):
            log.error(
                "receiver %r of %s failed for %s",
                receiver,
                _NAMES.get(id(signal), "signal"),
                type_code,
                exc_info=response,
            )


def send_stored(type_code: str, record_ids: Iterable[int], batch: Any) -> None:
    """Send :data:`records_stored` once the current transaction commits."""
    ids = list(record_ids)
    if ids:
        transaction.on_commit(
            lambda: _send_robust(records_stored, type_code, record_ids=ids, batch=batch)
        )


def send_revoked(record: Any, reason: str, actor: Any) -> None:
    """Send :data:`record_revoked` once the current transaction commits (if anyone listens)."""
    code = record.type_code
    if listening(record_revoked, code):
        transaction.on_commit(
            lambda: _send_robust(record_revoked, code, record=record, reason=reason, actor=actor)
        )


def send_repaired(record: Any, reason: str, actor: Any) -> None:
    """Send :data:`record_repaired` once the current transaction commits (if anyone listens)."""
    code = record.type_code
    if listening(record_repaired, code):
        transaction.on_commit(
            lambda: _send_robust(record_repaired, code, record=record, reason=reason, actor=actor)
        )
