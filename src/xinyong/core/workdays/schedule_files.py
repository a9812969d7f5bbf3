"""Schedule files (YAML or CSV): parsing an operator's year schedule, and writing one out."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from xinyong.core.workdays.work_calendar import (
    WEEKDAY_NAMES,
    ScheduleError,
    ScheduleIssue,
    YearSchedule,
)

__all__ = ["parse_schedule", "schedule_to_yaml"]


_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_MAX_RANGE_DAYS = 31
_TOP_KEYS = ("year", "source", "note", "holidays", "workdays")
_HOLIDAY_KEYS = ("name", "dates", "date", "from", "to")
_WORKDAY_KEYS = ("name", "date", "dates")
_CSV_COLUMNS = {
    "year": "year",
    "年度": "year",
    "年份": "year",
    "kind": "kind",
    "类型": "kind",
    "name": "name",
    "名称": "name",
    "date": "date",
    "日期": "date",
    "from": "date",
    "开始日期": "date",
    "to": "to",
    "至": "to",
    "结束日期": "to",
    "source": "source",
    "来源": "source",
    "note": "note",
    "备注": "note",
}
_CSV_KINDS = {
    "holiday": "holiday",
    "放假": "holiday",
    "休": "holiday",
    "workday": "workday",
    "上班": "workday",
    "调休上班": "workday",
    "班": "workday",
}


def _parse_date(text: str) -> date | None:
    m = _DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


@dataclass
class _Collected:
    """The raw content of a schedule file, before the rules are checked."""

    issues: list[ScheduleIssue] = field(default_factory=list)
    year: int | None = None
    year_line: int | None = None
    source: str = ""
    note: str = ""
    # (kind, name, date, line)
    entries: list[tuple[str, str, date, int]] = field(default_factory=list)

    def error(self, line: int | None, message: str) -> None:
        self.issues.append(ScheduleIssue(line, message))

    def add_range(self, name: str, start: date, end: date, line: int) -> None:
        if end < start:
            self.error(line, f"结束日期{end.isoformat()}早于开始日期{start.isoformat()}")
            return
        if start.year != end.year:
            self.error(
                line,
                f"放假区间{start.isoformat()}至{end.isoformat()}跨年（所有日期须在同一年度内）",
            )
            return
        if (end - start).days >= _MAX_RANGE_DAYS:
            self.error(
                line, f"放假区间{start.isoformat()}至{end.isoformat()}超过{_MAX_RANGE_DAYS}天"
            )
            return
        for o in range(start.toordinal(), end.toordinal() + 1):
            self.entries.append(("holiday", name, date.fromordinal(o), line))


def parse_schedule(data: str | bytes, *, filename: str = "") -> YearSchedule:
    """Read one year's schedule from YAML or CSV text; raise :class:`ScheduleError` if invalid.

    YAML::

        year: 2027
        source: 国务院办公厅关于2027年部分节假日安排的通知
        holidays:
          - {name: 元旦, dates: [2027-01-01, 2027-01-02, 2027-01-03]}
          - {name: 国庆节, from: 2027-10-01, to: 2027-10-07}
        workdays:
          - {name: 国庆节调休, date: 2027-09-26}

    CSV (header row required; 年度/类型/名称/日期/至/来源 are accepted as column names, and
    放假/上班 as kinds)::

        year,kind,name,date,to,source
        2027,holiday,元旦,2027-01-01,2027-01-03,国务院办公厅关于2027年部分节假日安排的通知
        2027,workday,国庆节调休,2027-09-26,,

    >>> s = parse_schedule("year: 2030\\nsource: 示例\\nholidays:\\n"
    ...                    "  - {name: 元旦, from: 2030-01-01, to: 2030-01-02}\\n")
    >>> s.year, sorted(s.holidays.values()), s.workdays
    (2030, ['元旦', '元旦'], {})
    >>> parse_schedule("year: 2030\\nsource: 示例\\nholidays:\\n"
    ...                "  - {name: 元旦, dates: [2031-01-01]}\\n")
    Traceback (most recent call last):
        ...
    xinyong.core.workdays.ScheduleError: 节假日安排有误：
      第4行：日期2031-01-01不在2030年内
    """
    text = _decode(data) if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff")
    fmt = _detect_format(text, filename)
    got = _collect_csv(text) if fmt == "csv" else _collect_yaml(text)
    return _build(got)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScheduleError(["文件编码无法识别，请保存为UTF-8编码"])  # pragma: no cover


def _detect_format(text: str, filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped == "---":
            continue
        if re.match(r"^[\w\u4e00-\u9fff]+\s*:", stripped):
            return "yaml"
        return "csv" if "," in stripped else "yaml"
    return "yaml"


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _mapping(node: yaml.Node, allowed: tuple[str, ...], got: _Collected, where: str) -> dict:
    """A YAML mapping's items by key (nodes), reporting unknown and repeated keys."""
    if not isinstance(node, yaml.MappingNode):
        got.error(_line(node), f"{where}应为“字段: 值”形式的映射")
        return {}
    items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        if key not in allowed:
            got.error(
                _line(key_node), f"未知字段“{key}”（{where}允许的字段：{'、'.join(allowed)}）"
            )
        elif key in items:
            got.error(_line(key_node), f"字段“{key}”重复")
        else:
            items[key] = (key_node, value_node)
    return items


def _scalar(node: yaml.Node, got: _Collected, what: str) -> str | None:
    if not isinstance(node, yaml.ScalarNode) or _is_null(node):
        got.error(_line(node), f"{what}应为单个值")
        return None
    return str(node.value).strip()


def _date_node(node: yaml.Node, got: _Collected, what: str = "日期") -> date | None:
    text = _scalar(node, got, what)
    if text is None:
        return None
    d = _parse_date(text)
    if d is None:
        got.error(_line(node), f"{what}“{text}”无效，应为YYYY-MM-DD格式的日期")
    return d


def _date_list(node: yaml.Node, got: _Collected) -> list[tuple[date, int]]:
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out = []
    for item in nodes:
        d = _date_node(item, got)
        if d is not None:
            out.append((d, _line(item)))
    return out


def _entries(node: yaml.Node, got: _Collected, kind: str) -> None:
    label = "holidays（放假）" if kind == "holiday" else "workdays（调休上班）"
    if _is_null(node):
        return
    if not isinstance(node, yaml.SequenceNode):
        got.error(_line(node), f"{label}应为列表，每项以“- ”开头")
        return
    allowed = _HOLIDAY_KEYS if kind == "holiday" else _WORKDAY_KEYS
    for item in node.value:
        line = _line(item)
        fields = _mapping(item, allowed, got, f"{label}中的每一项")
        if not isinstance(item, yaml.MappingNode):
            continue
        name = _scalar(fields["name"][1], got, "名称") if "name" in fields else None
        if not name:
            if "name" not in fields:
                got.error(line, "缺少名称（name），例如 name: 国庆节")
            continue
        has_range = "from" in fields or "to" in fields
        singles = [k for k in ("date", "dates") if k in fields]
        if has_range and singles:
            got.error(line, "from/to 与 date/dates 只能二选一")
            continue
        if has_range:
            if "from" not in fields or "to" not in fields:
                got.error(line, "放假区间须同时给出 from（开始日期）和 to（结束日期）")
                continue
            start = _date_node(fields["from"][1], got, "开始日期")
            end = _date_node(fields["to"][1], got, "结束日期")
            if start and end:
                got.add_range(name, start, end, line)
            continue
        if len(singles) != 1:
            got.error(
                line,
                "须给出日期：date（单个日期）或 dates（日期列表）"
                + ("，或 from/to（区间）" if kind == "holiday" else ""),
            )
            continue
        for d, d_line in _date_list(fields[singles[0]][1], got):
            got.entries.append((kind, name, d, d_line))


def _collect_yaml(text: str) -> _Collected:
    got = _Collected()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        got.error(mark.line + 1 if mark else None, f"YAML格式错误：{exc.problem or exc.context}")
        raise ScheduleError(got.issues) from None
    except yaml.YAMLError as exc:  # pragma: no cover
        raise ScheduleError([f"YAML格式错误：{exc}"]) from None
    if root is None:
        raise ScheduleError(["文件为空"])
    fields = _mapping(root, _TOP_KEYS, got, "文件顶层")
    if "year" in fields:
        key_node, node = fields["year"]
        got.year_line = _line(key_node)
        value = _scalar(node, got, "year（年度）")
        if value is not None:
            if re.fullmatch(r"\d{4}", value):
                got.year = int(value)
            else:
                got.error(_line(node), f"年度“{value}”无效，应为四位数字，例如 year: 2027")
    for key in ("source", "note"):
        if key in fields and not _is_null(fields[key][1]):
            value = _scalar(fields[key][1], got, key)
            setattr(got, key, value or "")
    for key, kind in (("holidays", "holiday"), ("workdays", "workday")):
        if key in fields:
            _entries(fields[key][1], got, kind)
    return got


def _collect_csv(text: str) -> _Collected:
    got = _Collected()
    reader = csv.reader(io.StringIO(text))
    columns: list[str | None] | None = None
    for row in reader:
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if columns is None:
            columns = []
            for cell in cells:
                column = _CSV_COLUMNS.get(cell.lower())
                if column is None and cell:
                    got.error(
                        line,
                        f"未知列“{cell}”（允许的列：year、kind、name、date、to、source、note，"
                        "或 年度、类型、名称、日期、至、来源、备注）",
                    )
                columns.append(column)
            missing = [c for c in ("year", "kind", "name", "date") if c not in columns]
            if missing:
                got.error(line, f"表头缺少列：{'、'.join(missing)}")
                raise ScheduleError(got.issues)
            continue
        values: dict[str, str] = {}
        for column, cell in zip(columns, cells, strict=False):
            if column and cell:
                values[column] = cell
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            got.error(line, "这一行的列数多于表头")
        _csv_row(values, line, got)
    if columns is None:
        raise ScheduleError(["文件为空"])
    return got


def _csv_row(values: dict[str, str], line: int, got: _Collected) -> None:
    if "year" in values:
        if not re.fullmatch(r"\d{4}", values["year"]):
            got.error(line, f"年度“{values['year']}”无效，应为四位数字")
        elif got.year is None:
            got.year, got.year_line = int(values["year"]), line
        elif int(values["year"]) != got.year:
            got.error(line, f"年度{values['year']}与第{got.year_line}行的年度{got.year}不一致")
    for key in ("source", "note"):
        if key in values:
            current = getattr(got, key)
            if current and current != values[key]:
                got.error(line, f"{key}与前面的行不一致（一个文件只能有一个{key}）")
            else:
                setattr(got, key, values[key])
    raw_kind = values.get("kind", "")
    kind = _CSV_KINDS.get(raw_kind.lower())
    if kind is None:
        got.error(line, f"类型“{raw_kind}”无效，应为 holiday（放假）或 workday（上班）")
        return
    name = values.get("name", "")
    if not name:
        got.error(line, "缺少名称（name）")
        return
    start = _parse_date(values.get("date", ""))
    if start is None:
        got.error(line, f"日期“{values.get('date', '')}”无效，应为YYYY-MM-DD格式的日期")
        return
    if "to" in values:
        end = _parse_date(values["to"])
        if end is None:
            got.error(line, f"结束日期“{values['to']}”无效，应为YYYY-MM-DD格式的日期")
        elif kind == "workday":
            got.error(line, "调休上班日须逐日列出，不能用区间（to）")
        else:
            got.add_range(name, start, end, line)
        return
    got.entries.append((kind, name, start, line))


def _issue_line(issue: ScheduleIssue) -> int:
    return issue.line or 0


def _build(got: _Collected) -> YearSchedule:
    if got.year is None and got.year_line is None:
        got.error(None, "缺少年度（year），例如 year: 2027")
    elif got.year is not None and not 1949 <= got.year <= 2200:
        got.error(got.year_line, f"年度{got.year}超出合理范围")
    if not got.source:
        got.error(
            None, "缺少来源（source），例如 source: 国务院办公厅关于2027年部分节假日安排的通知"
        )
    holidays: dict[date, tuple[str, int]] = {}
    workdays: dict[date, tuple[str, int]] = {}
    for kind, name, d, line in got.entries:
        iso = d.isoformat()
        if got.year is not None and d.year != got.year:
            got.error(line, f"日期{iso}不在{got.year}年内")
            continue
        if kind == "holiday":
            if d in holidays:
                got.error(line, f"{iso}重复列为放假日（第{holidays[d][1]}行已列出）")
            elif d in workdays:
                got.error(line, f"{iso}既列为放假日又列为调休上班日（第{workdays[d][1]}行）")
            else:
                holidays[d] = (name, line)
        else:
            if d.weekday() < 5:
                got.error(
                    line,
                    f"调休上班日{iso}是{WEEKDAY_NAMES[d.weekday()]}，本来就是工作日；"
                    "调休上班日必须是周六或周日",
                )
            elif d in workdays:
                got.error(line, f"{iso}重复列为调休上班日（第{workdays[d][1]}行已列出）")
            elif d in holidays:
                got.error(line, f"{iso}既列为调休上班日又列为放假日（第{holidays[d][1]}行）")
            else:
                workdays[d] = (name, line)
    if not holidays and not got.issues:
        got.error(None, "没有任何放假日（holidays），请检查文件内容")
    if got.issues:
        issues: list[ScheduleIssue] = sorted(got.issues, key=_issue_line)
        raise ScheduleError(issues)
    assert got.year is not None
    return YearSchedule(
        got.year,
        {d: v[0] for d, v in sorted(holidays.items())},
        {d: v[0] for d, v in sorted(workdays.items())},
        source=got.source,
        note=got.note,
        origin="loaded",
    )


def schedule_to_yaml(schedule: YearSchedule) -> str:
    """Write ``schedule`` in the YAML file format (one entry per date), e.g. to export a year."""
    doc: dict[str, Any] = {"year": schedule.year, "source": schedule.source}
    if schedule.note:
        doc["note"] = schedule.note
    doc["holidays"] = [{"name": n, "date": d.isoformat()} for d, n in schedule.holidays.items()]
    doc["workdays"] = [{"name": n, "date": d.isoformat()} for d, n in schedule.workdays.items()]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
