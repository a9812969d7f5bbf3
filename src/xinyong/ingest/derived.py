"""What a stored record derives from its validated row: the protected content (masked JSON,
encrypted ID numbers, keyed content hash), the publicity window and the timeliness.

A batch repeats decision dates, penalty categories and receipt days on thousands of rows, so
windows and working-day counts are computed once per distinct input and remembered for the
batch (the caches are bounded, and belong to one ``Ingestion``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from xinyong.core import publicity, ric
from xinyong.core.pii import PiiBox
from xinyong.core.workdays import ScheduleMissing, WorkCalendar
from xinyong.dbbulk import JsonText

#: Entries a cache keeps before it starts again (a batch rarely has this many distinct keys).
CACHE_LIMIT = 50_000

#: The roles ``publicity.publicity_window`` reads: the tier and how it is derived
#: (``derive_tier``), and the end of validity for validity-mode rules. Only these are passed
#: to it, so a window remembered for equal values of these roles is the window it would give.
WINDOW_ROLES = ("tier", "penalty_category", "procedure", "valid_to")

#: (tier, published, publicity_start, publicity_end as the last day shown, publicity_rule)
WindowFields = tuple[str, bool, dt.date | None, dt.date | None, str]


def json_value(value: Any) -> Any:
    if value.__class__ is str:  # the common case first: this runs for every field of every row
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "；".join(str(v) for v in value)
    return str(value)


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Protector:
    """Turns a validated row into what the database may hold."""

    def __init__(self, box: PiiBox, content_key: str, pii_keys: Sequence[str]) -> None:
        self.box = box
        self.mac_key = hashlib.sha256(("xinyong-content:" + content_key).encode()).digest()
        self.pii_keys = tuple(pii_keys)

    def protect(self, clean: Mapping[str, Any]) -> tuple[dict[str, Any], JsonText, str, str]:
        """Public-safe data (ID numbers masked) as a dict and as JSON text, the encrypted PII,
        and the content hash (of the unmasked canonical JSON, so a corrected number counts
        as a change)."""
        data: dict[str, Any] = {}
        for k, v in clean.items():
            if v.__class__ is str:  # most fields: no conversion, no call
                if v:
                    data[k] = v
            elif v is not None and v != "":
                data[k] = json_value(v)
        canonical = _dumps(data)
        digest = hmac.new(self.mac_key, canonical.encode(), hashlib.sha256).hexdigest()
        pii = {k: data[k] for k in self.pii_keys if k in data}
        if not pii:
            return data, JsonText(canonical), "", digest
        cipher = self.box.encrypt_fields(pii)
        for k, v in pii.items():
            data[k] = ric.mask(str(v))
        return data, JsonText(_dumps(data)), cipher, digest


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class Windows:
    """Publicity windows under one rule, remembered by decision date and ``WINDOW_ROLES``."""

    def __init__(self, rule: str | None, is_public: bool) -> None:
        self.rule = rule
        self.is_public = is_public
        self._known: dict[tuple[Any, ...], WindowFields] = {}

    def fields(self, roles: Mapping[str, Any], decision_date: dt.date) -> WindowFields:
        if not self.rule:
            return "", self.is_public, decision_date, None, ""
        key = (decision_date, *(_hashable(roles.get(r)) for r in WINDOW_ROLES))
        found = self._known.get(key)
        if found is None:
            used = {r: roles[r] for r in WINDOW_ROLES if r in roles}
            window = publicity.publicity_window(self.rule, decision_date, None, used)
            # Stored as the last day shown (the window's end is the first day not shown).
            end = window.longest_end
            found = (
                window.tier or "",
                self.is_public and window.published,
                window.start,
                end - dt.timedelta(days=1) if end else None,
                window.rule_id,
            )
            if len(self._known) >= CACHE_LIMIT:
                self._known.clear()
            self._known[key] = found
        return found


class Timeliness:
    """Working days from decision to receipt and whether that passed the deadline,
    remembered by (decision date, receipt date); missing schedules are added to ``warnings``
    (the ingestion's set of batch warnings)."""

    def __init__(self, calendar: WorkCalendar, deadline: int | None, warnings: set[str]) -> None:
        self.calendar = calendar
        # The deadline is catalog data (双公示: 7 working days, 发改办财金〔2018〕424号).
        self.deadline = deadline
        self.warnings = warnings
        self._known: dict[tuple[dt.date, dt.date], tuple[int | None, bool]] = {}

    def of(self, decision_date: dt.date, received: dt.date) -> tuple[int | None, bool]:
        key = (decision_date, received)
        found = self._known.get(key)
        if found is None:
            try:
                taken = self.calendar.between(decision_date, received)
            except ScheduleMissing as exc:
                self.warnings.add(f"{exc}；这些记录的及时性暂未计算")
                found = (None, False)
            else:
                found = (taken, self.deadline is not None and taken > self.deadline)
            if len(self._known) >= CACHE_LIMIT:
                self._known.clear()
            self._known[key] = found
        return found
