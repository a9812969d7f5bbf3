"""``xinyong daily [--date YYYY-MM-DD]``: the daily job (R-OPS-4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinyong.repair.daily import run_daily


class Command(BaseCommand):
    help = (
        "每日任务（可重复运行，同一天运行两次结果不变）："
        "（1）行政处罚信息满最长公示期限（一般失信1年、严重失信3年，按决定日期适用的规则）自动停止公示，"
        "记录停止日期并通知近180天核查过该主体的部门；"
        "（2）名单条目到期移出；"
        "（3）信用修复申请距受理期限（3个工作日）或办结期限（10个工作日）不足1个工作日或已超期的，"
        "提醒负责审核的部门；"
        "（4）异议各环节期限提醒（同 xinyong objections remind）；"
        "（5）容缺受理承诺逾期未补齐材料的标记为未履约（同 xinyong commitments check）；"
        "政务失信投诉距本步期限不足1个工作日或已超期的，提醒承办单位（答复）或列出信用办待办（转办、办结）；"
        "（6）失信被执行人政府机构发现、预警、退出（同 xinyong arrears court-watch）；"
        "（7）政务诚信档案同步拖欠账款、失信被执行人、属实投诉，重大事件即时预警；"
        "（8）失信政府机构的失信事项自认定之日起6个月内未整改的，升级列入严重失信政府机构名单（3年内不得评先评优）；"
        "（9）政府公开承诺到期未履行的记为承诺未兑现；读取互联网采集源，待信用办审核；"
        "（10）每月履约信息报送截止日（默认10日）后首次运行时，自动完成上月政务诚信评价。"
        "建议每天凌晨运行一次（如 cron：0 1 * * * xinyong daily）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按该日期运行（默认今天），如 2026-04-01")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期“{options['date']}”无效，应如2026-04-01") from None
        from xinyong.commitments.services import check_overdue
        from xinyong.objections.services import remind

        report = run_daily(day)
        for line in report.lines():
            self.stdout.write(line)
        reminders = remind(day)
        self.stdout.write(f"  异议处理期限提醒：{len(reminders)}件")
        for line in reminders:
            self.stdout.write(f"    {line}")
        self.stdout.write(f"  信用承诺：{check_overdue(day).explain()}")
        from xinyong.complaints.reminders import remind as remind_complaints

        complaint_lines = remind_complaints(day)
        self.stdout.write(f"  政务失信投诉期限提醒：{len(complaint_lines)}件")
        for line in complaint_lines:
            self.stdout.write(f"    {line}")
        from xinyong.arrears.services import court_listed_bodies

        self.stdout.write(f"  {court_listed_bodies(day).explain()}")
        from xinyong.integrity.daily import run as integrity_daily

        for line in integrity_daily(day or timezone.localdate()):
            self.stdout.write(f"  {line}")
