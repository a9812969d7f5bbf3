"""``xinyong department add|list``: the departments (部门) that submit data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from xinyong.departments.management.cli import call, cli_detail, table
from xinyong.departments.models import Department
from xinyong.departments.services import add_department


class Command(BaseCommand):
    help = (
        "管理部门：xinyong department add --name 名称 --code 统一社会信用代码；"
        "xinyong department list"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{add,list}")
        add = sub.add_parser("add", help="新增部门（已存在且名称相同则不变）")
        add.add_argument("--name", required=True, help="部门全称，如“示范县市场监督管理局”")
        add.add_argument("--code", required=True, help="部门的18位统一社会信用代码")
        add.add_argument("--short-name", default="", help="简称，如“市场监管局”")
        sub.add_parser("list", help="列出全部部门")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "add":
            self.add(options)
        else:
            self.list()

    def add(self, options: dict[str, Any]) -> None:
        department, created = call(
            add_department,
            name=options["name"],
            code=options["code"],
            short_name=options["short_name"],
            detail=cli_detail("department add"),
        )
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"已新增部门“{department.name}”（{department.code}）")
            )
        else:
            self.stdout.write(f"部门“{department.name}”（{department.code}）已存在，未作改动")

    def list(self) -> None:
        departments = Department.objects.annotate(n=Count("users")).order_by("name")
        if not departments:
            self.stdout.write("尚无部门。用 xinyong department add --name … --code … 添加。")
            return
        rows = [
            (d.code, d.name, d.short_name, "启用" if d.is_active else "停用", d.n)
            for d in departments
        ]
        self.stdout.write(table(("统一社会信用代码", "名称", "简称", "状态", "用户数"), rows))
