"""The catalog's value types: code lists, fields, checks, record types and the catalog."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xinyong.catalog.validate import HeaderMap, RowResult, RowValidator, ValidationContext

from xinyong.catalog.model.errors import CatalogError

#: Field types and their Chinese names.
FIELD_TYPES: dict[str, str] = {
    "text": "文本",
    "date": "日期",
    "decimal": "数值",
    "enum": "代码",
    "uscc": "统一社会信用代码",
    "subject_code": "主体代码",
    "idnumber": "证件号码",
}
POLARITIES = ("守信", "失信", "中性")
DISCLOSURES = ("公开", "共享", "授权查询", "内部")
#: Cross-field checks: not_before (field ≥ other), not_future (field ≤ today).
CHECK_RULES = ("not_before", "not_future")

#: Roles a field can play, with the field types allowed for it (None: any).
ROLES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "subject_name": ("行政相对人名称", ("text",)),
    "subject_kind": ("行政相对人类别", ("enum",)),
    "subject_code": ("行政相对人代码", ("subject_code", "uscc", "text")),
    "subject_id_type": ("证件类型", ("enum",)),
    "subject_id_number": ("证件号码", ("idnumber",)),
    "legal_rep": ("法定代表人", ("text",)),
    "decision_number": ("决定文书号", ("text",)),
    "decision_date": ("决定日期", ("date",)),
    "valid_from": ("有效期自", ("date",)),
    "valid_to": ("有效期至", ("date",)),
    "authority_name": ("决定机关名称", ("text",)),
    "authority_code": ("决定机关统一社会信用代码", ("uscc", "subject_code", "text")),
    "penalty_category": ("处罚类别", ("enum",)),
    "fine_amount": ("罚款金额", ("decimal",)),
    "tier": ("失信等级", ("enum",)),
    "procedure": ("程序类型", ("enum",)),
    "status": ("当前状态", ("enum",)),
}

_DEFAULT_SEPARATORS = "；;，,、\n"
_SPACES = re.compile(r"\s+")
_REQUIRED_MARKS = ("(必填)", "(选填)", "(可选)", "(非必填)")


# ---------------------------------------------------------------------------
# normalisation shared with header mapping and code lists
# ---------------------------------------------------------------------------


def normalise_value(text: str) -> str:
    """Fold a code-list value for matching: NFKC (full-width → half-width), no spaces.

    >>> normalise_value(" 法人 及 非法人组织 ")
    '法人及非法人组织'
    >>> normalise_value("ＡＢ")
    'ab'
    """
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


def normalise_header(text: str) -> str:
    """Fold a column header for matching: BOM, spaces, full-width forms and required marks.

    >>> normalise_header("\\ufeff*罚款金额（万元）")
    '罚款金额(万元)'
    >>> normalise_header("行政相对人名称（必填）")
    '行政相对人名称'
    """
    folded = normalise_value(text.replace("\ufeff", "")).strip("*")
    for mark in _REQUIRED_MARKS:
        if folded.endswith(mark):
            folded = folded[: -len(mark)]
            break
    return folded.strip("*")


# ---------------------------------------------------------------------------
# dataclasses
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeValue:
    """One value of a code list: the stored text, its aliases, an explanation."""

    value: str
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class CodeMapping:
    """A legacy value that stands for one or several current values."""

    source: str
    targets: tuple[str, ...]
    note: str = ""


@dataclass(eq=False)
class CodeList:
    """A code list (代码表): values, aliases and legacy mappings."""

    id: str
    name: str
    values: tuple[CodeValue, ...]
    mappings: tuple[CodeMapping, ...] = ()
    description: str = ""
    file: str = ""
    line: int = 0
    _lookup: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        lookup: dict[str, tuple[tuple[str, ...], str]] = {}
        for value in self.values:
            for text in (value.value, *value.aliases):
                lookup[text] = ((value.value,), "")
                lookup[normalise_value(text)] = ((value.value,), "")
        for mapping in self.mappings:
            lookup[mapping.source] = (mapping.targets, mapping.note)
            lookup[normalise_value(mapping.source)] = (mapping.targets, mapping.note)
        self._lookup = lookup

    @property
    def codes(self) -> list[str]:
        """The canonical values, in order."""
        return [value.value for value in self.values]

    def lookup(self, text: str) -> tuple[tuple[str, ...], str] | None:
        """The canonical value(s) a text stands for, with a note for legacy mappings.

        >>> from xinyong.catalog.model import default_catalog

        >>> default_catalog().codelists["penalty_category"].lookup("吊销营业执照")
        (('吊销许可证件',), '')
        """
        found = self._lookup.get(text)
        if found is None:
            found = self._lookup.get(normalise_value(text))
        return found

    def canonical(self, text: str) -> str | None:
        """The one canonical value for a text, or None (unknown or several).

        >>> from xinyong.catalog.model import default_catalog

        >>> default_catalog().codelists["subject_kind"].canonical("法人")
        '法人及非法人组织'
        """
        found = self.lookup(text)
        if found is None or len(found[0]) != 1:
            return None
        return found[0][0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "values": [dataclasses.asdict(value) for value in self.values],
            "mappings": [dataclasses.asdict(mapping) for mapping in self.mappings],
        }


@dataclass(eq=False)
class Field:
    """One field (数据项) of a record type."""

    key: str
    label: str
    type: str
    description: str = ""
    example: str = ""
    max_length: int | None = None
    required: bool = False
    #: field key → canonical values; the field is required when every named field holds one
    #: of its values (for a multiple field: contains one of them)
    required_when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    codelist: CodeList | None = None
    multiple: bool = False
    separators: str = _DEFAULT_SEPARATORS
    decimals: int = 2
    unit: str = ""
    min: int | None = 0
    pii: bool = False
    public: bool = True
    aliases: tuple[str, ...] = ()
    legacy_codes: bool = False
    id_type_field: str | None = None
    open_ended: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    @property
    def type_name(self) -> str:
        """The Chinese name of the field type."""
        return FIELD_TYPES[self.type]

    @property
    def masked(self) -> bool:
        """Shown on the portal only masked (public personal data)."""
        return self.public and self.pii

    @property
    def conditional(self) -> bool:
        return bool(self.required_when)

    def required_text(self, fields: Mapping[str, Field] | None = None) -> str:
        """必填 / 选填 / the condition under which the field is required, in Chinese.

        ``fields``: the type's fields by key, to name the fields of the condition.
        """
        if self.required:
            return "必填"
        if not self.required_when:
            return "选填"
        parts = []
        for key, values in self.required_when.items():
            other = (fields or {}).get(key)
            name = other.label if other else key
            verb = "含" if other is not None and other.multiple else "为"
            parts.append(f"{name}{verb}“{'、'.join(values)}”")
        return "；".join(parts) + "时必填"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "type": self.type,
            "description": self.description,
            "example": self.example,
            "max_length": self.max_length,
            "required": self.required,
            "required_when": {key: list(values) for key, values in self.required_when.items()},
            "codelist": self.codelist.id if self.codelist else None,
            "multiple": self.multiple,
            "pii": self.pii,
            "public": self.public,
            "aliases": list(self.aliases),
        }
        if self.type == "decimal":
            data.update(decimals=self.decimals, unit=self.unit, min=self.min)
        if self.multiple:
            data["separators"] = self.separators
        if self.type == "subject_code":
            data["legacy_codes"] = self.legacy_codes
        if self.type == "idnumber":
            data["id_type_field"] = self.id_type_field
        if self.open_ended:
            data["open_ended"] = list(self.open_ended)
        return data


@dataclass(frozen=True)
class Check:
    """A cross-field check: ``not_before`` (field ≥ other) or ``not_future`` (field ≤ today)."""

    rule: str
    field: str
    other: str | None = None
    level: str = "error"
    line: int = 0


@dataclass(eq=False)
class RecordType:
    """A record type (信息类别) in one version: its fields, roles, rules and metadata."""

    code: str
    name: str
    version: str
    effective_from: datetime.date
    fields: tuple[Field, ...]
    polarity: str = "中性"
    disclosure: str = "公开"
    publicity: str | None = None
    #: records are due within this many working days of the decision (None: no deadline)
    timely_workdays: int | None = None
    #: "any" (every department may supply it) or department names
    providers: str | tuple[str, ...] = "any"
    roles: dict[str, str] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    ignore_headers: tuple[str, ...] = ()
    description: str = ""
    basis: str = ""
    extends: str | None = None
    file: str = ""
    line: int = 0
    _by_key: dict[str, Field] = field(default_factory=dict, repr=False)
    _validator: Any = field(default=None, repr=False)
    _fingerprint: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {f.key: f for f in self.fields}

    def __repr__(self) -> str:
        return f"<RecordType {self.code}@{self.version} {self.name}>"

    @property
    def ref(self) -> str:
        """``code@version``, the reference stored with every record."""
        return f"{self.code}@{self.version}"

    def field(self, key: str) -> Field:
        """The field with this key (KeyError if none)."""
        return self._by_key[key]

    def get_field(self, key: str) -> Field | None:
        return self._by_key.get(key)

    def field_by_label(self, label: str) -> Field:
        """The field with this Chinese label (KeyError if none)."""
        for f in self.fields:
            if f.label == label:
                return f
        raise KeyError(label)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    @property
    def labels(self) -> list[str]:
        return [f.label for f in self.fields]

    @property
    def required_fields(self) -> list[Field]:
        return [f for f in self.fields if f.required]

    def role_field(self, role: str) -> Field | None:
        """The field playing a role (subject_name, decision_date, …), or None."""
        key = self.roles.get(role)
        return self._by_key.get(key) if key else None

    def role_values(self, clean: Mapping[str, Any]) -> dict[str, Any]:
        """The values of a validated record by role name (for publicity rules, subjects…)."""
        return {role: clean.get(key) for role, key in self.roles.items()}

    @property
    def fingerprint(self) -> str:
        """sha256 of this version's definition: records keep it to prove what they met."""
        if self._fingerprint is None:
            text = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, default=str)
            self._fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self._fingerprint

    # validation lives in catalog.validate; these delegate to a validator compiled once per type

    @property
    def validator(self) -> RowValidator:
        if self._validator is None:
            from xinyong.catalog.validate import RowValidator

            self._validator = RowValidator(self)
        return self._validator  # type: ignore[no-any-return]

    def map_headers(self, headers: Sequence[Any]) -> HeaderMap:
        """Match a file's header row to this type's fields (labels and aliases)."""
        from xinyong.catalog.validate import map_headers

        return map_headers(self, headers)

    def validate_row(
        self, raw: Mapping[str, Any], ctx: ValidationContext | None = None
    ) -> RowResult:
        """Check and clean one row (keys: field keys or labels)."""
        return self.validator.validate(raw, ctx)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "description": self.description,
            "basis": self.basis,
            "polarity": self.polarity,
            "disclosure": self.disclosure,
            "publicity": self.publicity,
            "timely_workdays": self.timely_workdays,
            "providers": self.providers
            if isinstance(self.providers, str)
            else list(self.providers),
            "roles": dict(self.roles),
            "checks": [
                {"rule": c.rule, "field": c.field, "other": c.other, "level": c.level}
                for c in self.checks
            ],
            "ignore_headers": list(self.ignore_headers),
            "extends": self.extends,
            "fields": [f.to_dict() for f in self.fields],
        }


@dataclass(eq=False)
class Catalog:
    """Every record type version and code list loaded from a list of directories."""

    types: dict[str, list[RecordType]]
    codelists: dict[str, CodeList]
    sources: tuple[Path, ...]
    fingerprint: str

    def type(
        self, code: str, version: str | None = None, on: datetime.date | None = None
    ) -> RecordType:
        """A record type: the given version, or the latest in force on ``on`` (default today).

        >>> from xinyong.catalog.model import default_catalog

        >>> default_catalog().type("xzxk", version="2018.1").name
        '行政许可'
        """
        versions = self.types.get(code)
        if not versions:
            known = "、".join(sorted(self.types)) or "无"
            raise CatalogError(f"目录中没有类型“{code}”（已有：{known}）")
        if version is not None:
            for rt in versions:
                if rt.version == version:
                    return rt
            known = "、".join(rt.version for rt in versions)
            raise CatalogError(f"类型“{code}”没有版本“{version}”（已有：{known}）")
        day = on or datetime.date.today()
        in_force = [rt for rt in versions if rt.effective_from <= day]
        if not in_force:
            raise CatalogError(f"类型“{code}”在{day.isoformat()}没有生效的版本")
        return in_force[-1]

    def versions(self, code: str) -> list[RecordType]:
        """All versions of a type, oldest first."""
        return list(self.types.get(code, []))

    def current(self, on: datetime.date | None = None) -> list[RecordType]:
        """The version in force of every type (types with none in force are left out)."""
        day = on or datetime.date.today()
        result = []
        for versions in self.types.values():
            in_force = [rt for rt in versions if rt.effective_from <= day]
            if in_force:
                result.append(in_force[-1])
        return result

    def all_types(self) -> list[RecordType]:
        return [rt for versions in self.types.values() for rt in versions]

    def match_type(self, headers: Sequence[Any]) -> list[tuple[RecordType, int]]:
        """Current types ranked by how many of a header row's columns they recognise."""
        ranked = []
        for rt in self.current():
            matched = sum(len(cols) for cols in rt.map_headers(headers).columns.values())
            if matched:
                ranked.append((rt, matched))
        ranked.sort(key=lambda item: -item[1])
        return ranked
