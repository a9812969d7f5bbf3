"""The row validator: every field of a row checked and cleaned, then the type's checks."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from xinyong.catalog.model import normalise_header

if TYPE_CHECKING:
    from xinyong.catalog.model import RecordType

from xinyong.catalog.validate.converters import (
    Converter,
    Deferred,
    _date_converter,
    _decimal_converter,
    _enum_converter,
    _idnumber_converter,
    _subject_code_converter,
    _text_converter,
    _uscc_converter,
)
from xinyong.catalog.validate.values import (
    _MISSING,
    _STRIP,
    FieldError,
    RowResult,
    ValidationContext,
    _Invalid,
    _Warn,
)


class RowValidator:
    """Checks rows of one record type version; everything is compiled in ``__init__``."""

    def __init__(self, rt: RecordType) -> None:
        self.record_type = rt
        kind_key = rt.roles.get("subject_kind", "")
        plan: list[tuple[str, str, Converter | None, int, Deferred | None]] = []
        for f in rt.fields:
            deferred: Deferred | None = None
            converter: Converter | None = None
            if f.type == "text":
                converter = _text_converter(f)
            elif f.type == "date":
                converter = _date_converter(f)
            elif f.type == "decimal":
                converter = _decimal_converter(f)
            elif f.type == "enum":
                converter = _enum_converter(f)
            elif f.type == "uscc":
                converter = _uscc_converter(f)
            elif f.type == "subject_code":
                deferred = _subject_code_converter(f, kind_key)
            elif f.type == "idnumber":
                deferred = _idnumber_converter(f)
            else:  # pragma: no cover - the loader rejects unknown types
                raise ValueError(f.type)
            # 1: required; 2: required under a condition (remember it was empty); 0: optional
            need = 1 if f.required else 2 if f.required_when else 0
            plan.append((f.key, f.label, converter, need, deferred))
        self._plan = tuple(plan)

        labels = {f.key: f.label for f in rt.fields}
        by_key = {f.key: f for f in rt.fields}
        conditions = []
        for f in rt.fields:
            if not f.required_when:
                continue
            terms = []
            for other_key, values in f.required_when.items():
                other = rt.field(other_key)
                terms.append((other_key, frozenset(values), other.multiple))
            message = f.required_text(by_key)
            conditions.append((f.key, f.label, tuple(terms), message))
        self._conditions = tuple(conditions)

        checks = []
        for check in rt.checks:
            f = rt.field(check.field)
            other_label = labels.get(check.other or "", "")
            checks.append((check.rule, f.key, f.label, check.other, other_label, check.level))
        self._checks = tuple(checks)

        # header lookup: folded header → (field key, priority: label 0, key 1, aliases 2…)
        lookup: dict[str, tuple[str, int]] = {}
        for f in rt.fields:
            for priority, text in enumerate((f.label, f.key, *f.aliases)):
                lookup.setdefault(normalise_header(text), (f.key, priority))
        self.header_lookup = lookup
        self.ignored_headers = frozenset(normalise_header(h) for h in rt.ignore_headers)

    def validate(self, raw: Mapping[str, Any], ctx: ValidationContext | None = None) -> RowResult:
        """Check and clean one row; keys of ``raw`` are field keys (or labels)."""
        today = ctx.today if ctx is not None else datetime.date.today()
        clean: dict[str, Any] = {}
        errors: list[FieldError] = []
        warnings: list[FieldError] = []
        empty: set[str] = set()
        later = []
        get = raw.get
        strip = _STRIP
        for key, label, convert, required, deferred in self._plan:
            v = get(key, _MISSING)
            if v is _MISSING:
                v = get(label)
            if v is not None:
                cls = v.__class__
                if cls is str:
                    v = v.strip(strip)
                    if not v:
                        v = None
                elif cls is float and v != v:  # NaN from a dataframe
                    v = None
            if v is None:
                clean[key] = None
                if required:
                    if required == 1:
                        errors.append(FieldError(label, "必填项，不能为空", key))
                    else:
                        empty.add(key)
                continue
            if deferred is not None:
                clean[key] = None
                later.append((key, label, deferred, v))
                continue
            try:
                clean[key] = convert(v)  # type: ignore[misc]
            except _Invalid as exc:
                clean[key] = None
                errors.append(FieldError(label, exc.message, key))
            except _Warn as warn:
                clean[key] = warn.value
                warnings.append(FieldError(label, warn.message, key))
        for key, label, deferred, v in later:
            try:
                clean[key] = deferred(v, clean, today)
            except _Invalid as exc:
                errors.append(FieldError(label, exc.message, key))
            except _Warn as warn:
                clean[key] = warn.value
                warnings.append(FieldError(label, warn.message, key))
        for key, label, terms, message in self._conditions:
            if key not in empty:
                continue
            for other_key, values, multiple in terms:
                current = clean.get(other_key)
                if current is None:
                    break
                if multiple:
                    if values.isdisjoint(current):
                        break
                elif current not in values:
                    break
            else:
                errors.append(FieldError(label, message, key))
        for rule, key, label, compare_key, other_label, level in self._checks:
            value = clean.get(key)
            if value is None:
                continue
            if rule == "not_future":
                if value > today:
                    message = f"日期{value.isoformat()}晚于今天（{today.isoformat()}）"
                else:
                    continue
            else:
                other = clean.get(compare_key)  # type: ignore[arg-type]
                if other is None or value >= other:
                    continue
                message = f"日期{value.isoformat()}早于{other_label}（{other.isoformat()}）"
            target = errors if level == "error" else warnings
            target.append(FieldError(label, message, key))
        return RowResult(clean, errors, warnings)
