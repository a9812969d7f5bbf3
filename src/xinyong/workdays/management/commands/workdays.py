"""``xinyong workdays``: working-day arithmetic and holiday schedules from the command line.

xinyong workdays add 2024-09-30 7        # the 7th working day after 2024-09-30
xinyong workdays add 2024-10-08 -- -3    # 3 working days before ("--" or plain -3 both work)
xinyong workdays between 2024-09-30 2024-10-09
xinyong workdays is-workday 2024-09-29
xinyong workdays load 2027.yaml [--check]
xinyong workdays list
"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinyong.core.cliargs import date_arg
from xinyong.core.workdays import ScheduleError, ScheduleMissing
from xinyong.workdays import services


class Command(BaseCommand):
    help = "工作日计算与节假日安排：add / between / is-workday / load / list"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令")
        p = sub.add_parser("add", help="日期加减N个工作日，输出结果日期（N为负数时向前推）")
        p.add_argument("date", type=date_arg, help="起算日期 YYYY-MM-DD")
        p.add_argument("n", type=int, help="工作日数（可为负数）")
        p = sub.add_parser("between", help="A之后到B（含B）之间的工作日数")
        p.add_argument("a", type=date_arg)
        p.add_argument("b", type=date_arg)
        p = sub.add_parser(
            "is-workday", aliases=["is_workday"], help="是否工作日，并显示节假日名称"
        )
        p.add_argument("date", type=date_arg)
        p = sub.add_parser("load", help="导入（替换）一个年度的节假日安排文件（YAML或CSV）")
        p.add_argument("file", help="安排文件路径")
        p.add_argument("--check", action="store_true", help="只校验，不导入")
        sub.add_parser("list", help="列出已覆盖的年度（内置或已导入）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("_", "-")
        try:
            if action == "add":
                cal = services.get_calendar()
                self.stdout.write(cal.add(options["date"], options["n"]).isoformat())
            elif action == "between":
                cal = services.get_calendar()
                self.stdout.write(str(cal.between(options["a"], options["b"])))
            elif action == "is-workday":
                self.stdout.write(str(services.get_calendar().day(options["date"])))
            elif action == "load":
                self._load(options["file"], options["check"])
            elif action == "list":
                self._list()
        except ScheduleMissing as exc:
            raise CommandError(exc.message) from exc
        except ScheduleError as exc:
            raise CommandError(str(exc)) from exc

    def _load(self, file: str, check: bool) -> None:
        if check:
            sched = services.read_schedule(file)
            self.stdout.write(
                f"校验通过：{sched.year}年，放假{len(sched.holidays)}天，"
                f"调休上班{len(sched.workdays)}天（未导入）"
            )
            return
        schedule = services.load_schedule(file, _cli_actor())
        cal = services.get_calendar()
        sched = cal.schedule(schedule.year)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入{schedule.year}年节假日安排：放假{len(sched.holidays)}天，"
                f"调休上班{len(sched.workdays)}天，全年工作日{cal.workdays_in_year(schedule.year)}天"
                f"（来源：{schedule.source}）"
            )
        )

    def _list(self) -> None:
        for y in services.covered_years():
            when = f"  {timezone.localtime(y.loaded_at):%Y-%m-%d %H:%M}" if y.loaded_at else ""
            who = f" {y.loaded_by}" if y.loaded_by else ""
            self.stdout.write(
                f"{y.year}  {y.origin_label}  放假{y.holidays}天 调休上班{y.workdays}天"
                f"{when}{who}  {y.source}"
            )


def _cli_actor() -> str:
    """The audit log's actor name for a command-line import."""
    try:
        return f"命令行（{getpass.getuser()}）"
    except (KeyError, OSError):  # no login name (some containers)
        return "命令行"
