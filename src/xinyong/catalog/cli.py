"""``xinyong catalog …``: list, show, template and check the catalog (pure Python, no Django).

The Django management command calls :func:`run` with the arguments after ``catalog``.

>>> import io
>>> out = io.StringIO()
>>> run(["show", "xzcf"], out)
0
>>> "罚款金额（万元）" in out.getvalue()
True
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from xinyong.catalog.model import (
    DATA_DIR,
    Catalog,
    CatalogError,
    RecordType,
    catalog_dirs,
    default_catalog,
    load_catalog,
)

__all__ = ["run"]


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ArgumentError(message)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xinyong catalog", description="公共信用信息目录：查看、导出模板、检查")
    parser.add_argument(
        "--dir",
        action="append",
        default=[],
        metavar="DIR",
        help="另外加载的目录（地方补充目录），可重复；默认按环境变量XINYONG_CATALOG_DIRS",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("list", help="列出信息类别及其版本")
    show = commands.add_parser("show", help="显示一个信息类别的字段")
    show.add_argument("type")
    show.add_argument("--version")
    show.add_argument("--json", action="store_true", help="以JSON输出完整定义")
    template = commands.add_parser("template", help="生成报送模板（.xlsx或.csv）")
    template.add_argument("type")
    template.add_argument("-o", "--output", required=True, type=Path)
    template.add_argument("--version")
    check = commands.add_parser("check", help="检查目录文件（内置目录加上给出的目录）")
    check.add_argument("dirs", nargs="*", type=Path)
    return parser


def _catalog(extra: Sequence[str]) -> Catalog:
    if extra:
        return load_catalog([DATA_DIR, *(Path(d) for d in extra)])
    return default_catalog()


def _list(catalog: Catalog, out: IO[str]) -> None:
    current = {id(rt) for rt in catalog.current()}
    rows = [["代码", "名称", "版本", "生效日期", "性质", "公开", "字段数", "当前"]]
    for code in sorted(catalog.types):
        for rt in catalog.versions(code):
            rows.append(
                [
                    rt.code,
                    rt.name,
                    rt.version,
                    rt.effective_from.isoformat(),
                    rt.polarity,
                    rt.disclosure,
                    str(len(rt.fields)),
                    "✓" if id(rt) in current else "",
                ]
            )
    out.write(_table(rows) + "\n")


def _show(rt: RecordType, as_json: bool, out: IO[str]) -> None:
    if as_json:
        data = rt.to_dict()
        data["fingerprint"] = rt.fingerprint
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    from xinyong.catalog.template import field_rows

    providers = rt.providers if isinstance(rt.providers, str) else "、".join(rt.providers)
    out.write(
        f"{rt.name}（{rt.code}）版本{rt.version}，{rt.effective_from.isoformat()}起生效\n"
        f"性质：{rt.polarity}  公开：{rt.disclosure}  公示期限规则：{rt.publicity or '无'}"
        f"  报送部门：{'所有部门' if providers == 'any' else providers}"
        f"  报送时限：{f'{rt.timely_workdays}个工作日' if rt.timely_workdays else '无'}\n"
    )
    if rt.extends:
        out.write(f"扩展自：{rt.extends}\n")
    if rt.basis:
        out.write(f"依据：{rt.basis}\n")
    rows = [["序号", "字段名称", "标识", "类型", "是否必填", "长度", "代码表"]]
    for row in field_rows(rt):
        codes = row[6] if len(row[6]) <= 40 else row[6][:38] + "…"
        rows.append([row[0], row[1], row[2], row[3], row[4], row[5], codes])
    out.write(_table(rows) + "\n")


def run(argv: Sequence[str], stdout: IO[str]) -> int:
    """Run ``xinyong catalog`` with its arguments; return the exit status."""
    args_list = list(argv)
    if args_list[:1] == ["catalog"]:
        args_list = args_list[1:]
    try:
        args = _parser().parse_args(args_list)
    except _ArgumentError as exc:
        stdout.write(f"参数错误：{exc}\n")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        if args.command == "check":
            extra = [*args.dir, *args.dirs]
            dirs = [DATA_DIR, *extra] if extra else catalog_dirs()
            catalog = load_catalog(dirs)
            types = sum(len(versions) for versions in catalog.types.values())
            stdout.write(
                f"目录检查通过：{len(catalog.types)}个信息类别（{types}个版本），"
                f"{len(catalog.codelists)}个代码表；指纹 {catalog.fingerprint[:16]}\n"
            )
            return 0
        catalog = _catalog(args.dir)
        if args.command == "list":
            _list(catalog, stdout)
            return 0
        rt = catalog.type(args.type, version=args.version)
        if args.command == "show":
            _show(rt, args.json, stdout)
            return 0
        if args.command == "template":
            from xinyong.catalog.template import template_csv, template_xlsx

            output: Path = args.output
            suffix = output.suffix.lower()
            if suffix not in (".xlsx", ".csv"):
                stdout.write("输出文件须以 .xlsx 或 .csv 结尾\n")
                return 2
            data = template_xlsx(rt) if suffix == ".xlsx" else template_csv(rt)
            output.write_bytes(data)
            stdout.write(f"已生成《{rt.name}》（版本{rt.version}）模板：{output}\n")
            return 0
    except CatalogError as exc:
        stdout.write(f"目录错误：{exc}\n")
        return 1
    except OSError as exc:
        stdout.write(f"无法写入文件：{exc}\n")
        return 1
    return 2  # pragma: no cover - argparse guarantees a command
