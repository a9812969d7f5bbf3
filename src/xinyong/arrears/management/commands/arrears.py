"""``xinyong arrears court-watch [--date 2026-10-09]``: 发现一起、预警一起、退出一起 (R-GOV-6)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.arrears.services import court_listed_bodies
from xinyong.core.cliargs import date_arg

WATCH_HELP = (
    "核对政府机构（政府机构类主体、本县各部门）和拖欠账款台账中的债务人是否在失信被执行人名单中："
    "新发现的登记并向责任部门发出预警（站内消息），已不在名单中的登记退出并通知；"
    "台账中的“失信被执行人”标记随之更新。同一天重复运行不会重复预警。"
    "建议每日运行（含在 xinyong daily 中）。"
)


class Command(BaseCommand):
    help = "拖欠账款台账：court-watch 失信被执行人政府机构跟踪（发现一起、预警一起、退出一起）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令")
        p = sub.add_parser("court-watch", help=WATCH_HELP, description=WATCH_HELP)
        p.add_argument("--date", type=date_arg, help="按此日期核对（默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "court-watch":
            sweep = court_listed_bodies(options.get("date"))
            for watch in sweep.found:
                self.stdout.write(f"  发现并预警：{watch.listed_name}（{watch.case_no}）")
            for watch in sweep.exited:
                self.stdout.write(f"  退出：{watch.listed_name}")
            self.stdout.write(sweep.explain())
