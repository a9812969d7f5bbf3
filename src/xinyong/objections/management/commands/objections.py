"""``xinyong objections``: the daily deadline reminders of objections (R-OBJ-1, R-OPS-4).

xinyong objections remind [--date 2026-10-09]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.core.cliargs import date_arg
from xinyong.objections.rules import rule_on
from xinyong.objections.services import remind


def _rule_text() -> str:
    rule = rule_on(dt.date.today())
    steps = rule.steps
    return (
        f"异议处理期限（{rule.version}，工作日）：信用办{steps['accept']}个工作日内决定是否受理，"
        f"信息提供单位{steps['verify']}个工作日内核查答复，信用办在答复后{steps['close']}个"
        f"工作日内办结。remind 每日运行：对{rule.remind_within}个工作日内到期或已超期的步骤，"
        f"向负责核查的部门发站内消息（信用办自己的步骤列在输出中）；同一异议、同一步骤每天只提醒"
        f"一次，重复运行不会重复发送。"
    )


class Command(BaseCommand):
    help = (
        "异议处理：remind 每日期限提醒（受理、核查、办结期限按工作日计算，"
        "规则见 objections/data/objections.yaml；详见 remind --help）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令")
        p = sub.add_parser("remind", help=_rule_text(), description=_rule_text())
        p.add_argument("--date", type=date_arg, help="按此日期计算（默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            lines = remind(options.get("date"))
            for line in lines:
                self.stdout.write(line)
            self.stdout.write(f"发出期限提醒{len(lines)}条")
