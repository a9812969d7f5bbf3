"""``xinyong list``: national-list imports, a list's figures, and the daily expiry job.

xinyong list import FILE --list sxbzxr [--replace] [--json]
xinyong list show [CODE] [--json]
xinyong list expire [--date YYYY-MM-DD] [--json]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from xinyong.departments.models import User
from xinyong.lists.importing import FileRejected, import_file
from xinyong.lists.models import EntryStatus, ListEntry, ListImport
from xinyong.lists.rules import definition, definitions
from xinyong.lists.services import ListError, expire_due


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}”不是有效日期，应为YYYY-MM-DD格式") from None


class Command(BaseCommand):
    help = (
        "红黑名单：import 按公布格式导入全国名单文件（每行给出结论，接收+拒绝=提交；"
        "同一名单+案号/文书号+代码或名称再次导入即为更新，内容未变的行计为未变；"
        "--replace 表示文件为全量名单，"
        "文件中已没有的条目移出名单）；show 查看名单定义与条目数；"
        "expire 为每日任务：截止日期（最后一天）已过的有效或异议中条目到期移出，"
        "关联责任人的条目随之移出，重复运行不会重复处理。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令")
        p = sub.add_parser("import", help="导入全国名单文件（xlsx/xls/csv，UTF-8 或 GBK）")
        p.add_argument("file", type=Path)
        p.add_argument("--list", required=True, dest="list_code", help="名单代码，如 sxbzxr")
        p.add_argument(
            "--replace", action="store_true", help="文件为全量名单：文件中已没有的条目移出名单"
        )
        p.add_argument("--user", help="以该信用办管理员身份导入（默认：命令行）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        p = sub.add_parser("show", help="名单定义与各状态条目数")
        p.add_argument("code", nargs="?", help="名单代码（省略则列出全部名单）")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser(
            "expire",
            help="每日任务：截止日期已过的条目到期移出（可重复运行，结果相同）",
        )
        p.add_argument("--date", help="按该日期判断（默认今天）")
        p.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options)
        elif action == "show":
            self._show(options.get("code"), options["json"])
        else:
            day = _date(options["date"]) if options.get("date") else timezone.localdate()
            count = expire_due(day)
            if options["json"]:
                self.stdout.write(json.dumps({"date": day.isoformat(), "expired": count}))
            else:
                self.stdout.write(f"{day:%Y-%m-%d}：{count} 条名单条目到期移出")

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户“{options['user']}”不存在")
        try:
            outcome = import_file(
                path,
                options["list_code"],
                user=user,
                actor=user or "命令行",
                replace=options["replace"],
            )
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        except (FileRejected, ListError, PermissionDenied) as exc:
            message = getattr(exc, "message", None) or str(exc)
            if options["json"]:
                self.stdout.write(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
                sys.exit(1)
            raise CommandError(message) from None
        li = outcome.list_import
        if options["json"]:
            out = {"ok": True, **outcome.as_dict()}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"导入 {li.pk}（{definition(li.list_code).name}）：提交 {li.submitted} 行，"
                f"接收 {li.accepted} 行（新增 {li.created}，更新 {li.updated}，"
                f"未变 {li.unchanged}；"
                f"关联到本地主体 {li.linked}），拒绝 {li.rejected} 行"
                + (f"；全量替换，移出 {li.removed} 条" if li.replace else "")
            )
            for e in li.errors[:1000]:
                self.stdout.write(f"第{e['row']}行 拒绝：{e['field']}：{e['message']}")
            if len(li.errors) > 1000:
                self.stdout.write(f"……另有 {len(li.errors) - 1000} 个问题未列出")
        if li.rejected:
            sys.exit(1)

    def _show(self, code: str | None, as_json: bool) -> None:
        try:
            defs = [definition(code)] if code else list(definitions().values())
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        out: list[dict[str, Any]] = []
        for d in defs:
            counts = dict(
                ListEntry.objects.filter(list_code=d.code)
                .order_by()
                .values_list("status")
                .annotate(n=Count("id"))
                .values_list("status", "n")
            )
            last = ListImport.objects.filter(list_code=d.code).order_by("-created_at").first()
            out.append(
                {
                    "code": d.code,
                    "name": d.name,
                    "polarity": d.polarity_label,
                    "scope": d.scope,
                    "tier": d.tier,
                    "months": d.months,
                    "in_force": ListEntry.objects.filter(list_code=d.code).in_force().count(),
                    "statuses": {EntryStatus(k).label: v for k, v in counts.items()},
                    "last_import": last.created_at.isoformat() if last else None,
                }
            )
        if as_json:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for item in out:
            statuses = "，".join(f"{k} {v}" for k, v in item["statuses"].items()) or "无条目"
            self.stdout.write(
                f"{item['code']}  {item['name']}（{item['polarity']}）："
                f"当前有效 {item['in_force']} 条；"
                f"{statuses}" + (f"；最近导入 {item['last_import']}" if item["last_import"] else "")
            )
