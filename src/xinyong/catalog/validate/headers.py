"""Header mapping: a file's header row matched to a type's fields by label and alias."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xinyong.catalog.model import normalise_header

if TYPE_CHECKING:
    from xinyong.catalog.model import RecordType

from xinyong.catalog.validate.values import (
    _STRIP,
    RowResult,
    ValidationContext,
    _as_text,
)


@dataclass(eq=False)
class HeaderMap:
    """How a file's columns map to a record type's fields.

    ``columns``: field key → column indexes (0-based, best match first); ``unknown`` and
    ``ignored``: headers that map to nothing (reported in ``warnings``); ``errors``: why the
    file cannot be read with this type's template (``ok`` is False then).
    """

    record_type: RecordType
    headers: list[str]
    columns: dict[str, tuple[int, ...]]
    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        multiple = {f.key for f in self.record_type.fields if f.multiple}
        self._single = tuple((k, c[0]) for k, c in self.columns.items() if len(c) == 1)
        self._merged = tuple((k, c, k in multiple) for k, c in self.columns.items() if len(c) > 1)
        self._absent = tuple(k for k in self.record_type.keys if k not in self.columns)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def message(self) -> str:
        """All errors as one Chinese sentence (empty when ok)."""
        return "；".join(self.errors)

    def row(self, values: Sequence[Any]) -> dict[str, Any]:
        """A raw row keyed by field key from a row of cell values (for validate_row)."""
        n = len(values)
        raw: dict[str, Any] = dict.fromkeys(self._absent)
        for key, index in self._single:
            raw[key] = values[index] if index < n else None
        for key, indexes, multiple in self._merged:
            found = []
            for index in indexes:
                if index < n:
                    value = values[index]
                    if value is not None and (value.__class__ is not str or value.strip(_STRIP)):
                        found.append(value)
            if not found:
                raw[key] = None
            elif multiple:
                raw[key] = "；".join(_as_text(value).strip(_STRIP) for value in found)
            else:
                raw[key] = found[0]
        return raw

    def validate(self, values: Sequence[Any], ctx: ValidationContext | None = None) -> RowResult:
        """Map and validate one row of cell values."""
        return self.record_type.validator.validate(self.row(values), ctx)


def map_headers(rt: RecordType, headers: Sequence[Any]) -> HeaderMap:
    """Match a header row to the fields of ``rt``.

    Errors (the file does not fit this template): no column matches, a required column is
    missing, or one header appears twice. Unknown and retired columns are warnings.
    """
    validator = rt.validator
    lookup = validator.header_lookup
    texts = ["" if h is None else _as_text(h).strip(_STRIP) for h in headers]
    found: dict[str, list[tuple[int, int]]] = {}
    seen: dict[str, int] = {}
    unknown: list[str] = []
    ignored: list[str] = []
    errors: list[str] = []
    warnings: list[str] = []
    template = f"《{rt.name}》"
    for index, text in enumerate(texts):
        if not text:
            continue
        folded = normalise_header(text)
        if folded in seen:
            errors.append(f"表头第{seen[folded] + 1}列与第{index + 1}列重复（“{text}”）")
            continue
        seen[folded] = index
        match = lookup.get(folded)
        if match is not None:
            key, priority = match
            found.setdefault(key, []).append((priority, index))
        elif folded in validator.ignored_headers:
            ignored.append(text)
            warnings.append(f"第{index + 1}列“{text}”是旧版模板的列，现已不用，其内容不会导入")
        else:
            unknown.append(text)
            warnings.append(f"第{index + 1}列“{text}”不是{template}模板中的列，其内容不会导入")
    columns: dict[str, tuple[int, ...]] = {}
    for f in rt.fields:
        if f.key not in found:
            continue
        ordered = tuple(index for _, index in sorted(found[f.key]))
        columns[f.key] = ordered
        if len(ordered) > 1:
            names = "、".join(f"“{texts[i]}”" for i in ordered)
            how = "合并各列的值" if f.multiple else "按此顺序取第一个非空值"
            warnings.append(f"{names}都对应字段“{f.label}”，{how}")
    if not columns:
        expected = "、".join(f"“{f.label}”" for f in rt.required_fields[:5])
        errors.insert(
            0, f"表头与{template}模板不符：没有一列能对应模板中的字段（模板的列如{expected}…）"
        )
    else:
        missing = [f.label for f in rt.fields if f.required and f.key not in columns]
        if missing:
            listed = "、".join(f"“{label}”" for label in missing)
            errors.insert(0, f"表头与{template}模板不符：缺少必填列{listed}")
    return HeaderMap(
        record_type=rt,
        headers=texts,
        columns=columns,
        unknown=unknown,
        ignored=ignored,
        errors=errors,
        warnings=warnings,
    )
