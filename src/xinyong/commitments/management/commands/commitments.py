"""``xinyong commitments``: the daily overdue check of 容缺受理 commitments, and the rules.

xinyong commitments check [--date 2026-04-10]   # daily job, idempotent
xinyong commitments kinds [--date 2026-04-10]   # the commitment kinds in force
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.commitments import rules
from xinyong.commitments.services import check_overdue
from xinyong.core.cliargs import date_arg


class Command(BaseCommand):
    help = (
        "信用承诺：check 每日检查容缺受理承诺——欠缺材料须在签署后7个工作日内补齐（期限按"
        "commitments.yaml 的 materials_workdays 与法定节假日、调休计算），期限已过仍未补齐的"
        "“履约中”承诺标记为“未履约”；可重复运行，同一天再运行不会重复标记。kinds 列出现行承诺类型。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令")
        p = sub.add_parser(
            "check",
            help="标记逾期未补齐材料的容缺受理承诺为未履约（补齐期限在检查日之前即为逾期；幂等）",
        )
        p.add_argument("--date", type=date_arg, default=None, help="检查日，默认今天")
        p.add_argument("--json", action="store_true", help="以JSON输出")
        p = sub.add_parser("kinds", help="列出某日施行的承诺类型及其规则")
        p.add_argument("--date", type=date_arg, default=None, help="日期，默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "kinds":
            for k in rules.kinds(options["date"]):
                self.stdout.write(f"{k.code}\t{k.explain()}")
            return
        result = check_overdue(options["date"], actor="系统（每日任务 commitments check）")
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "date": result.day.isoformat(),
                        "marked": [c.number for c in result.marked],
                        "explanation": result.explain(),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(result.explain())
