"""``xinyong pledges check-overdue [--date 2026-10-09]``: 公开承诺逾期未兑现认定 (R-GOV-2)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.core.cliargs import date_arg
from xinyong.pledges.services import check_overdue

CHECK_HELP = (
    "核对有兑现期限的公开承诺：兑现期限已过、最近一次履约报送不是“已履行”（或从未报送）的，"
    "以期限次日为发生日期记入该单位政务诚信档案（承诺未兑现，本单位报送），并列入失信政府机构名单事项；"
    "之后报送“已履行”即整改完成。每项承诺只认定一次，同一天重复运行不会重复记录。"
    "建议每日运行（含在 xinyong daily 中）。"
)


class Command(BaseCommand):
    help = "政府公开承诺：check-overdue 认定逾期未兑现的承诺"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令")
        p = sub.add_parser("check-overdue", help=CHECK_HELP, description=CHECK_HELP)
        p.add_argument("--date", type=date_arg, help="按此日期核对（默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check-overdue":
            run = check_overdue(options.get("date"))
            for line in run.lines():
                self.stdout.write(line)
