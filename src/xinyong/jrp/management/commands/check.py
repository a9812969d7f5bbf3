"""xinyong check --scenario S CODE…: joint reward and punishment check from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.check import Command as SystemCheckCommand

from xinyong.departments.models import Department, User
from xinyong.jrp.checking import CheckError, Query, run_check


class Command(SystemCheckCommand):
    help = (
        "联合奖惩核查：在业务场景中按统一社会信用代码或身份证号码（或名称）核查主体，"
        "以 JSON 输出每个主体的匹配方式、命中的名单条目、应采取的措施及依据、"
        "因异议暂停执行的措施。每次核查都记录在案。"
        "不带 --scenario 时即 Django 的系统检查（xinyong check [app_label…]）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Django's own ``check`` keeps working: its positional app labels become our codes
        # when --scenario is given.
        super().add_arguments(parser)
        parser.add_argument("--scenario", help="业务场景代码，如 zfcg（政府采购）")
        parser.add_argument("--department", help="核查部门统一社会信用代码（默认：信用办）")
        parser.add_argument("--user", help="以该用户身份核查（默认：命令行）")
        parser.add_argument("--name", action="append", default=[], help="按名称筛查（可重复）")
        parser.add_argument(
            "--file",
            type=Path,
            help="每行一个主体：代码，或“代码,名称”，或“,名称”（UTF-8）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["scenario"]:
            if options["name"] or options["file"]:
                raise CommandError("联合奖惩核查须指定业务场景 --scenario")
            super().handle(*args, **options)
            return
        queries = [Query(code=c) for c in args]
        queries += [Query(name=n) for n in options["name"]]
        if options["file"]:
            try:
                lines = options["file"].read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"无法读取文件：{exc}") from None
            for line in lines:
                code, _, name = line.partition(",")
                if code.strip() or name.strip():
                    queries.append(Query(code=code.strip(), name=name.strip()))
        department = None
        if options["department"]:
            department = Department.objects.filter(code=options["department"].upper()).first()
            if department is None:
                raise CommandError(f"没有统一社会信用代码为“{options['department']}”的部门")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户“{options['user']}”不存在")
        try:
            outcome = run_check(user, department, options["scenario"], queries, via="cli")
        except CheckError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2, default=str))
