"""Reading and checking catalog YAML files, and the default catalog."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from xinyong.catalog.model.errors import CatalogError
from xinyong.catalog.model.types import (
    _DEFAULT_SEPARATORS,
    CHECK_RULES,
    DISCLOSURES,
    FIELD_TYPES,
    POLARITIES,
    ROLES,
    Catalog,
    Check,
    CodeList,
    CodeMapping,
    CodeValue,
    Field,
    RecordType,
    normalise_header,
    normalise_value,
)

#: The directory of the shipped national default catalog (``src/xinyong/catalog/data``).
DATA_DIR = Path(__file__).parent.with_name("data")
#: Environment variable naming extra catalog directories (os.pathsep separated).
ENV_DIRS = "XINYONG_CATALOG_DIRS"

# fmt: off
_TYPE_KEYS = (
    "code", "name", "version", "effective_from", "description", "basis", "polarity",
    "disclosure", "publicity", "timely_workdays", "providers", "roles", "checks",
    "ignore_headers", "fields", "extends"
)
# fmt: on
# fmt: off
_FIELD_KEYS = (
    "key", "label", "type", "description", "example", "max_length", "required", "required_when",
    "codelist", "multiple", "separators", "decimals", "unit", "min", "pii", "public", "aliases",
    "legacy_codes", "id_type_field", "open_ended"
)
# fmt: on
_CODELIST_KEYS = ("name", "description", "values", "mappings")
_VALUE_KEYS = ("value", "aliases", "description")
_MAPPING_KEYS = ("from", "to", "note")
_CHECK_KEYS = ("rule", "field", "other", "level")
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


# ---------------------------------------------------------------------------
# YAML with line numbers
# ---------------------------------------------------------------------------


class _LDict(dict):  # type: ignore[type-arg]
    """A mapping that remembers the line of each key and the raw text of scalar values."""

    line: int = 0
    key_lines: dict[Any, int]
    raw: dict[Any, str]


class _LList(list):  # type: ignore[type-arg]
    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LDict:
    loader.flatten_mapping(node)
    result = _LDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.raw = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool | datetime.date) or key is None:
            raise _LocatedError(line, "键必须是文字")
        if key in result:
            first = result.key_lines[key]
            raise _LocatedError(line, f"键“{key}”重复出现（第{first}行已有）")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        if isinstance(value_node, yaml.ScalarNode):
            result.raw[key] = value_node.value
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _LList:
    result = _LList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value  # reported as a bad date by the checks, with its line


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class _LocatedError(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass
class _Source:
    path: Path
    display: str
    text: str
    data: _LDict

    def error(self, line: int, reason: str) -> CatalogError:
        return CatalogError(reason, self.display, line)


def _read_source(path: Path, display: str) -> _Source:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"文件不是UTF-8编码（{exc.reason}）", display) from exc
    except OSError as exc:
        raise CatalogError(f"无法读取文件（{exc.strerror}）", display) from exc
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except _LocatedError as exc:
        raise CatalogError(exc.reason, display, exc.line) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise CatalogError(f"YAML格式错误：{exc.problem or exc.context}", display, line) from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"YAML格式错误：{exc}", display) from exc
    if not isinstance(data, _LDict):
        raise CatalogError("文件内容应为键值映射（如“code: xzcf”）", display, 1)
    return _Source(path, display, text, data)


# ---------------------------------------------------------------------------
# checking helpers
# ---------------------------------------------------------------------------


def _line(mapping: Any, key: Any = None) -> int:
    if isinstance(mapping, _LDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    if isinstance(mapping, _LList):
        return mapping.line
    return 0


def _check_keys(src: _Source, mapping: _LDict, allowed: Sequence[str], what: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise src.error(
                _line(mapping, key), f"{what}中有未知的键“{key}”（可选：{'、'.join(allowed)}）"
            )


def _mapping(src: _Source, value: Any, line: int, what: str) -> _LDict:
    if not isinstance(value, _LDict):
        raise src.error(line, f"{what}应为键值映射")
    return value


def _string(src: _Source, mapping: _LDict, key: str, what: str, *, required: bool = False) -> str:
    if key not in mapping or mapping[key] is None:
        if required:
            raise src.error(_line(mapping), f"{what}缺少“{key}”")
        return ""
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise src.error(_line(mapping, key), f"{what}的“{key}”应为文字")
    text = mapping.raw.get(key, str(value)) if not isinstance(value, str) else value
    if required and not text.strip():
        raise src.error(_line(mapping, key), f"{what}的“{key}”不能为空")
    return text.strip()


def _strings(src: _Source, mapping: _LDict, key: str, what: str) -> tuple[str, ...]:
    if key not in mapping or mapping[key] is None:
        return ()
    value = mapping[key]
    if isinstance(value, str):
        return (value.strip(),)
    if not isinstance(value, list):
        raise src.error(_line(mapping, key), f"{what}的“{key}”应为文字列表")
    result = []
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item):
            line = value.item_lines[index] if isinstance(value, _LList) else _line(mapping, key)
            raise src.error(line, f"{what}的“{key}”第{index + 1}项应为非空文字")
        result.append(str(item).strip())
    return tuple(result)


def _bool(src: _Source, mapping: _LDict, key: str, what: str, default: bool) -> bool:
    if key not in mapping or mapping[key] is None:
        return default
    value = mapping[key]
    if not isinstance(value, bool):
        raise src.error(_line(mapping, key), f"{what}的“{key}”应为true或false，实为“{value}”")
    return value


def _int(
    src: _Source, mapping: _LDict, key: str, what: str, default: int | None, low: int, high: int
) -> int | None:
    if key not in mapping or mapping[key] is None:
        return default
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise src.error(
            _line(mapping, key), f"{what}的“{key}”应为{low}到{high}之间的整数，实为“{value}”"
        )
    return value


def _date(src: _Source, mapping: _LDict, key: str, what: str) -> datetime.date:
    if key not in mapping or mapping[key] is None:
        raise src.error(_line(mapping), f"{what}缺少“{key}”（生效日期，如2018-01-01）")
    value = mapping[key]
    line = _line(mapping, key)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not match:
        raise src.error(line, f"{what}的“{key}”应为日期（如2018-01-01），实为“{text}”")
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise src.error(line, f"{what}的“{key}”日期“{text}”不存在") from None


def _choice(
    src: _Source, mapping: _LDict, key: str, what: str, choices: Sequence[str], default: str
) -> str:
    if key not in mapping or mapping[key] is None:
        return default
    value = _string(src, mapping, key, what)
    if value not in choices:
        raise src.error(
            _line(mapping, key), f"{what}的“{key}”值“{value}”未知（可选：{'、'.join(choices)}）"
        )
    return value


# ---------------------------------------------------------------------------
# code lists
# ---------------------------------------------------------------------------


def _load_codelists(src: _Source, codelists: dict[str, CodeList]) -> None:
    block = _mapping(src, src.data["codelists"], _line(src.data, "codelists"), "“codelists”")
    for list_id, body in block.items():
        line = _line(block, list_id)
        if not isinstance(list_id, str) or not _IDENT.match(list_id):
            raise src.error(line, f"代码表标识“{list_id}”应为小写英文字母、数字和下划线")
        if list_id in codelists:
            other = codelists[list_id]
            raise src.error(
                line, f"代码表“{list_id}”重复定义（{other.file} 第{other.line}行已定义）"
            )
        what = f"代码表“{list_id}”"
        body = _mapping(src, body, line, what)
        _check_keys(src, body, _CODELIST_KEYS, what)
        name = _string(src, body, "name", what, required=True)
        raw_values = body.get("values")
        if not isinstance(raw_values, _LList) or not raw_values:
            raise src.error(_line(body, "values"), f"{what}的“values”应为非空列表")
        values: list[CodeValue] = []
        seen: dict[str, str] = {}

        def claim(
            text: str, owner: str, at: int, what: str = what, seen: dict[str, str] = seen
        ) -> None:
            folded = normalise_value(text)
            if folded in seen:
                raise src.error(at, f"{what}中的“{text}”与“{seen[folded]}”重复")
            seen[folded] = owner

        for index, item in enumerate(raw_values):
            at = raw_values.item_lines[index]
            if isinstance(item, str | int) and not isinstance(item, bool):
                item_map = _LDict(value=str(item))
                item_map.line, item_map.key_lines, item_map.raw = at, {"value": at}, {}
            else:
                item_map = _mapping(src, item, at, f"{what}第{index + 1}个值")
            _check_keys(src, item_map, _VALUE_KEYS, f"{what}第{index + 1}个值")
            value = _string(src, item_map, "value", f"{what}第{index + 1}个值", required=True)
            aliases = _strings(src, item_map, "aliases", f"{what}的值“{value}”")
            claim(value, value, _line(item_map, "value"))
            for alias in aliases:
                claim(alias, value, _line(item_map, "aliases"))
            description = _string(src, item_map, "description", what)
            values.append(CodeValue(value, aliases, description))
        codes = {value.value for value in values}
        mappings: list[CodeMapping] = []
        raw_mappings = body.get("mappings") or _LList()
        if not isinstance(raw_mappings, list):
            raise src.error(_line(body, "mappings"), f"{what}的“mappings”应为列表")
        for index, item in enumerate(raw_mappings):
            at = raw_mappings.item_lines[index] if isinstance(raw_mappings, _LList) else line
            item_map = _mapping(src, item, at, f"{what}第{index + 1}个映射")
            _check_keys(src, item_map, _MAPPING_KEYS, f"{what}第{index + 1}个映射")
            source = _string(src, item_map, "from", f"{what}第{index + 1}个映射", required=True)
            targets = _strings(src, item_map, "to", f"{what}的映射“{source}”")
            if not targets:
                raise src.error(at, f"{what}的映射“{source}”缺少“to”")
            for target in targets:
                if target not in codes:
                    raise src.error(
                        _line(item_map, "to"),
                        f"{what}的映射“{source}”指向不存在的值“{target}”"
                        f"（可选：{'、'.join(value.value for value in values)}）",
                    )
            claim(source, source, _line(item_map, "from"))
            note = _string(src, item_map, "note", what)
            mappings.append(CodeMapping(source, targets, note))
        codelists[list_id] = CodeList(
            id=list_id,
            name=name,
            values=tuple(values),
            mappings=tuple(mappings),
            description=_string(src, body, "description", what),
            file=src.display,
            line=line,
        )


# ---------------------------------------------------------------------------
# record types
# ---------------------------------------------------------------------------


def _load_field(
    src: _Source, body: _LDict, codelists: Mapping[str, CodeList], index: int
) -> tuple[Field, dict[str, Any]]:
    """A field from its YAML mapping; required_when is returned raw, checked by the type."""
    what = f"第{index + 1}个字段"
    if isinstance(body.get("key"), str) and body["key"].strip():
        what = f"字段“{body['key'].strip()}”"
    _check_keys(src, body, _FIELD_KEYS, what)
    key = _string(src, body, "key", what, required=True)
    if not _IDENT.match(key):
        raise src.error(
            _line(body, "key"), f"字段键“{key}”应为小写英文字母开头，只含小写字母、数字和下划线"
        )
    what = f"字段“{key}”"
    label = _string(src, body, "label", what, required=True)
    type_ = _string(src, body, "type", what, required=True)
    if type_ not in FIELD_TYPES:
        raise src.error(
            _line(body, "type"), f"{what}的类型“{type_}”未知（可选：{'、'.join(FIELD_TYPES)}）"
        )
    codelist: CodeList | None = None
    codelist_id = _string(src, body, "codelist", what)
    if type_ == "enum":
        if not codelist_id:
            raise src.error(_line(body, "type"), f"{what}的类型为enum，须用“codelist”指定代码表")
        if codelist_id not in codelists:
            known = "、".join(codelists) or "无"
            raise src.error(
                _line(body, "codelist"), f"{what}的代码表“{codelist_id}”未定义（已有：{known}）"
            )
        codelist = codelists[codelist_id]
    elif codelist_id:
        raise src.error(_line(body, "codelist"), f"{what}的类型为{type_}，不能指定代码表")
    multiple = _bool(src, body, "multiple", what, False)
    if multiple and type_ != "enum":
        raise src.error(_line(body, "multiple"), f"{what}：只有enum类型的字段可以多值（multiple）")
    if codelist is not None and not multiple:
        for mapping in codelist.mappings:
            if len(mapping.targets) > 1:
                raise src.error(
                    _line(body, "codelist"),
                    f"{what}：代码表“{codelist.id}”的映射“{mapping.source}”对应多个值，"
                    "只能用于多值字段（multiple: true）",
                )
    for only, types in (
        ("decimals", ("decimal",)),
        ("unit", ("decimal",)),
        ("min", ("decimal",)),
        ("legacy_codes", ("subject_code",)),
        ("id_type_field", ("idnumber",)),
        ("open_ended", ("date",)),
        ("separators", ("enum",)),
    ):
        if only in body and type_ not in types:
            raise src.error(_line(body, only), f"{what}的类型为{type_}，不能使用“{only}”")
    required_raw = body.get("required")
    required = False
    when_raw: Any = body.get("required_when")
    when_line = _line(body, "required_when")
    if isinstance(required_raw, _LDict):
        if when_raw is not None:
            raise src.error(
                _line(body, "required"), f"{what}不能同时用条件“required”和“required_when”"
            )
        when_raw, when_line = required_raw, _line(body, "required")
    else:
        required = _bool(src, body, "required", what, False)
        if required and when_raw is not None:
            raise src.error(when_line, f"{what}已是必填（required: true），不能再设“required_when”")
    max_length = _int(src, body, "max_length", what, None, 1, 1_000_000)
    example = body.get("example")
    f = Field(
        key=key,
        label=label,
        type=type_,
        description=_string(src, body, "description", what),
        example="" if example is None else str(body.raw.get("example", example)),
        max_length=max_length,
        required=required,
        codelist=codelist,
        multiple=multiple,
        separators=_DEFAULT_SEPARATORS
        if body.get("separators") is None
        else str(body["separators"]),
        decimals=_int(src, body, "decimals", what, 2, 0, 12) or 0,
        unit=_string(src, body, "unit", what),
        min=_int(src, body, "min", what, 0, -(10**12), 10**12),
        pii=_bool(src, body, "pii", what, type_ == "idnumber"),
        public=_bool(src, body, "public", what, True),
        aliases=_strings(src, body, "aliases", what),
        legacy_codes=_bool(src, body, "legacy_codes", what, False),
        id_type_field=_string(src, body, "id_type_field", what) or None,
        open_ended=_strings(src, body, "open_ended", what),
        file=src.display,
        line=body.line,
    )
    if f.multiple and not f.separators:
        raise src.error(_line(body, "separators"), f"{what}的“separators”不能为空")
    return f, {"raw": when_raw, "line": when_line}


def _resolve_fields(
    src: _Source,
    what: str,
    fields: list[Field],
    conditions: dict[str, dict[str, Any]],
) -> None:
    """Check uniqueness of keys, labels and aliases and resolve required_when."""
    by_key: dict[str, Field] = {}
    headers: dict[str, tuple[str, str]] = {}
    for f in fields:
        if f.key in by_key:
            other = by_key[f.key]
            raise src.error(
                f.line, f"{what}的字段键“{f.key}”重复（{other.file} 第{other.line}行已有）"
            )
        by_key[f.key] = f
    for f in fields:
        for kind, text in (("键", f.key), ("名称", f.label), *(("别名", a) for a in f.aliases)):
            folded = normalise_header(text)
            if not folded:
                raise src.error(f.line, f"字段“{f.key}”的{kind}“{text}”为空")
            if folded in headers:
                owner, owner_kind = headers[folded]
                if owner == f.key and owner_kind == "键" and kind != "键":
                    continue  # a label equal to its own key is harmless
                raise src.error(
                    f.line,
                    f"字段“{f.key}”的{kind}“{text}”与字段“{owner}”的{owner_kind}重复",
                )
            headers[folded] = (f.key, kind)
    for f in fields:
        if f.type == "idnumber" and f.id_type_field:
            target = by_key.get(f.id_type_field)
            if target is None or target.type != "enum":
                raise src.error(
                    f.line, f"字段“{f.key}”的id_type_field“{f.id_type_field}”不是本类型的代码字段"
                )
        spec = conditions.get(f.key)
        if spec is None or spec["raw"] is None:
            continue
        raw, line = spec["raw"], spec["line"]
        if not isinstance(raw, dict) or not raw:
            raise src.error(line, f"字段“{f.key}”的必填条件应为“字段键: 值”的映射")
        when: dict[str, tuple[str, ...]] = {}
        for other_key, wanted in raw.items():
            target = by_key.get(other_key)
            if target is None:
                raise src.error(line, f"字段“{f.key}”的必填条件引用了不存在的字段“{other_key}”")
            if other_key == f.key:
                raise src.error(line, f"字段“{f.key}”的必填条件不能引用自身")
            values = tuple(str(v) for v in wanted) if isinstance(wanted, list) else (str(wanted),)
            if target.codelist is not None:
                for value in values:
                    if value not in target.codelist.codes:
                        raise src.error(
                            line,
                            f"字段“{f.key}”的必填条件中“{value}”不是代码表“{target.codelist.name}”"
                            f"的值（可选：{'、'.join(target.codelist.codes)}）",
                        )
            when[other_key] = values
        f.required_when = when


def _load_type(
    src: _Source,
    body: _LDict,
    codelists: Mapping[str, CodeList],
    base: RecordType | None,
    publicity_ids: Iterable[str] | None,
) -> RecordType:
    _check_keys(src, body, _TYPE_KEYS, "类型定义")
    code = _string(src, body, "code", "类型定义", required=base is None) or (
        base.code if base else ""
    )
    if not _IDENT.match(code):
        raise src.error(
            _line(body, "code"), f"类型代码“{code}”应为小写英文字母开头，只含小写字母、数字和下划线"
        )
    what = f"类型“{code}”"
    version = _string(src, body, "version", what, required=True)
    effective_from = _date(src, body, "effective_from", what)

    def inherit(key: str, default: Any) -> Any:
        return getattr(base, key) if base is not None else default

    name = _string(src, body, "name", what, required=base is None) or inherit("name", "")
    polarity = _choice(src, body, "polarity", what, POLARITIES, inherit("polarity", "中性"))
    disclosure = _choice(src, body, "disclosure", what, DISCLOSURES, inherit("disclosure", "公开"))
    publicity = _string(src, body, "publicity", what) or inherit("publicity", None)
    if "publicity" in body and body["publicity"] is None:
        publicity = None
    if publicity and publicity_ids is not None and publicity not in publicity_ids:
        raise src.error(
            _line(body, "publicity"),
            f"{what}的公示期限规则“{publicity}”未定义（已有：{'、'.join(publicity_ids)}）",
        )
    timely_workdays = _int(
        src, body, "timely_workdays", what, inherit("timely_workdays", None), 1, 365
    )
    providers: str | tuple[str, ...]
    if "providers" not in body:
        providers = inherit("providers", "any")
    elif body["providers"] == "any":
        providers = "any"
    else:
        providers = _strings(src, body, "providers", what)
        if not providers:
            raise src.error(_line(body, "providers"), f"{what}的“providers”应为any或部门名称列表")

    # fields: the base's, then this file's
    raw_fields = body.get("fields")
    if raw_fields is None:
        raw_fields = _LList()
    if not isinstance(raw_fields, list):
        raise src.error(_line(body, "fields"), f"{what}的“fields”应为列表")
    if base is None and not raw_fields:
        raise src.error(_line(body), f"{what}没有字段（fields）")
    fields: list[Field] = [dataclasses.replace(f) for f in base.fields] if base else []
    conditions: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(raw_fields):
        at = raw_fields.item_lines[index] if isinstance(raw_fields, _LList) else body.line
        item_map = _mapping(src, item, at, f"{what}第{index + 1}个字段")
        f, condition = _load_field(src, item_map, codelists, len(fields))
        fields.append(f)
        conditions[f.key] = condition
    _resolve_fields(src, what, fields, conditions)
    by_key = {f.key: f for f in fields}

    # roles
    roles: dict[str, str] = dict(base.roles) if base else {}
    raw_roles = body.get("roles")
    if raw_roles is not None:
        raw_roles = _mapping(src, raw_roles, _line(body, "roles"), f"{what}的“roles”")
        for role, key in raw_roles.items():
            line = _line(raw_roles, role)
            if role not in ROLES:
                raise src.error(line, f"{what}的角色“{role}”未知（可选：{'、'.join(ROLES)}）")
            if not isinstance(key, str) or key not in by_key:
                raise src.error(line, f"{what}的角色“{role}”指向不存在的字段“{key}”")
            allowed = ROLES[role][1]
            if allowed is not None and by_key[key].type not in allowed:
                raise src.error(
                    line,
                    f"{what}的角色“{role}”（{ROLES[role][0]}）应指向"
                    f"{'或'.join(allowed)}类型的字段，“{key}”是{by_key[key].type}",
                )
            roles[role] = key
    for f in fields:
        if f.type == "subject_code" and "subject_kind" not in roles:
            raise src.error(
                f.line,
                f"字段“{f.key}”是subject_code类型，{what}须用角色“subject_kind”指明主体类别字段",
            )

    # checks
    checks: list[Check] = list(base.checks) if base else []
    raw_checks = body.get("checks")
    if raw_checks is not None:
        if not isinstance(raw_checks, _LList):
            raise src.error(_line(body, "checks"), f"{what}的“checks”应为列表")
        for index, item in enumerate(raw_checks):
            at = raw_checks.item_lines[index]
            item_map = _mapping(src, item, at, f"{what}第{index + 1}项检查")
            cwhat = f"{what}第{index + 1}项检查"
            _check_keys(src, item_map, _CHECK_KEYS, cwhat)
            rule = _choice(src, item_map, "rule", cwhat, CHECK_RULES, "")
            if not rule:
                raise src.error(at, f"{cwhat}缺少“rule”（可选：{'、'.join(CHECK_RULES)}）")
            level = _choice(src, item_map, "level", cwhat, ("error", "warning"), "error")
            keys = [_string(src, item_map, "field", cwhat, required=True)]
            other = _string(src, item_map, "other", cwhat) or None
            if rule == "not_before":
                if other is None:
                    raise src.error(at, f"{cwhat}（not_before）缺少“other”")
                keys.append(other)
            elif other is not None:
                raise src.error(_line(item_map, "other"), f"{cwhat}（{rule}）不使用“other”")
            for key in keys:
                target = by_key.get(key)
                if target is None:
                    raise src.error(at, f"{cwhat}引用了不存在的字段“{key}”")
                if target.type != "date":
                    raise src.error(at, f"{cwhat}只能用于日期字段，“{key}”是{target.type}")
            checks.append(Check(rule, keys[0], other, level, at))

    ignore = (*(base.ignore_headers if base else ()), *_strings(src, body, "ignore_headers", what))
    return RecordType(
        code=code,
        name=name,
        version=version,
        effective_from=effective_from,
        fields=tuple(fields),
        polarity=polarity,
        disclosure=disclosure,
        publicity=publicity,
        timely_workdays=timely_workdays,
        providers=providers,
        roles=roles,
        checks=tuple(checks),
        ignore_headers=ignore,
        description=_string(src, body, "description", what) or inherit("description", ""),
        basis=_string(src, body, "basis", what) or inherit("basis", ""),
        extends=base.ref if base else None,
        file=src.display,
        line=body.line,
    )


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CatalogError("目录不存在", str(path))
    return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _publicity_ids() -> list[str] | None:
    try:
        from xinyong.core import publicity
    except ImportError:  # pragma: no cover - core not installed
        return None
    return publicity.rule_ids()


def load_catalog(paths: Sequence[Path | str]) -> Catalog:
    """Load and check the catalog from directories (or single files), in order.

    The shipped directory comes first by convention; later directories add code lists and
    types, or extend shipped types as new versions. Raises CatalogError on any problem.
    """
    sources: list[_Source] = []
    for raw_path in paths:
        base_dir = Path(raw_path)
        for path in _files(base_dir):
            shipped = path.resolve().parent == DATA_DIR.resolve()
            sources.append(_read_source(path, path.name if shipped else str(path)))

    codelists: dict[str, CodeList] = {}
    pending: list[tuple[_Source, _LDict]] = []
    for src in sources:
        data = src.data
        if "codelists" in data:
            extra = [k for k in data if k != "codelists"]
            if extra:
                raise src.error(
                    _line(data, extra[0]),
                    f"代码表文件中不能有“{extra[0]}”（类型请写在单独的文件中）",
                )
            _load_codelists(src, codelists)
        elif "types" in data:
            _check_keys(src, data, ("types",), "文件")
            items = data["types"]
            if not isinstance(items, _LList):
                raise src.error(_line(data, "types"), "“types”应为类型定义的列表")
            for index, item in enumerate(items):
                pending.append((src, _mapping(src, item, items.item_lines[index], "类型定义")))
        elif "code" in data or "extends" in data:
            pending.append((src, data))
        else:
            raise src.error(
                1, "文件应包含“codelists”（代码表）、“code”（一个类型）或“types”（多个类型）"
            )

    publicity_ids = _publicity_ids()
    types: dict[str, list[RecordType]] = {}
    order: dict[int, int] = {}
    loaded: list[RecordType] = []

    def register(rt: RecordType, src: _Source, body: _LDict) -> None:
        for other in types.get(rt.code, []):
            if other.version == rt.version:
                raise src.error(
                    _line(body, "version"),
                    f"类型“{rt.code}”的版本“{rt.version}”重复"
                    f"（{other.file} 第{other.line}行已定义）",
                )
        types.setdefault(rt.code, []).append(rt)
        order[id(rt)] = len(order)
        loaded.append(rt)

    def find_base(src: _Source, body: _LDict) -> RecordType | None:
        ref = _string(src, body, "extends", "类型定义", required=True)
        code, _, version = ref.partition("@")
        candidates = types.get(code, [])
        if version:
            for rt in candidates:
                if rt.version == version:
                    return rt
            return None
        if not candidates:
            return None
        return max(candidates, key=lambda rt: (rt.effective_from, order[id(rt)]))

    waiting = []
    for src, body in pending:
        if "extends" in body:
            waiting.append((src, body))
        else:
            register(_load_type(src, body, codelists, None, publicity_ids), src, body)
    while waiting:
        progress = []
        for src, body in waiting:
            base = find_base(src, body)
            if base is not None:
                register(_load_type(src, body, codelists, base, publicity_ids), src, body)
                progress.append((src, body))
        if not progress:
            src, body = waiting[0]
            ref = body.get("extends")
            raise src.error(
                _line(body, "extends"),
                f"扩展的基础类型“{ref}”不存在（或扩展关系循环）；"
                f"已有：{'、'.join(sorted(types)) or '无'}",
            )
        waiting = [item for item in waiting if item not in progress]

    for versions in types.values():
        versions.sort(key=lambda rt: (rt.effective_from, order[id(rt)]))
    digest = hashlib.sha256()
    for src in sources:
        digest.update(src.path.name.encode("utf-8") + b"\0")
        digest.update(src.text.encode("utf-8") + b"\0")
    return Catalog(
        types=types,
        codelists=codelists,
        sources=tuple(src.path for src in sources),
        fingerprint=digest.hexdigest(),
    )


def catalog_dirs() -> list[Path]:
    """The shipped data directory plus the directories named by XINYONG_CATALOG_DIRS."""
    extra = os.environ.get(ENV_DIRS, "")
    return [DATA_DIR, *(Path(part) for part in extra.split(os.pathsep) if part.strip())]


@functools.cache
def _cached_catalog(dirs: tuple[str, ...]) -> Catalog:
    return load_catalog([Path(d) for d in dirs])


def default_catalog() -> Catalog:
    """The catalog in use: shipped types plus XINYONG_CATALOG_DIRS, loaded once per setting."""
    return _cached_catalog(tuple(str(p) for p in catalog_dirs()))


def reset_default_catalog() -> None:
    """Forget the loaded catalog (after editing catalog files)."""
    _cached_catalog.cache_clear()
