"""``xinyong user add|list``: operators (信用办管理员) and department submitters (部门报送员)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from xinyong.departments.management.cli import call, cli_detail, table
from xinyong.departments.models import Role, User
from xinyong.departments.services import add_user


class Command(BaseCommand):
    help = (
        "管理用户：xinyong user add 用户名 --role operator|submitter [--department 代码] "
        "[--password 密码 | --password-stdin]；xinyong user list"
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{add,list}")
        add = sub.add_parser("add", help="新增用户（已存在且角色、部门相同则不变）")
        add.add_argument("username", help="登录名")
        add.add_argument(
            "--role",
            required=True,
            choices=Role.values,
            help="operator＝信用办管理员（可进入管理后台），submitter＝部门报送员",
        )
        add.add_argument("--department", help="所属部门的统一社会信用代码（报送员必填）")
        password = add.add_mutually_exclusive_group()
        password.add_argument(
            "--password", help="登录密码（会留在命令历史中，建议用 --password-stdin）"
        )
        password.add_argument(
            "--password-stdin", action="store_true", help="从标准输入读取一行作为密码"
        )
        add.add_argument(
            "--staff", action="store_true", help="允许报送员登录工作台（管理员总是可以）"
        )
        sub.add_parser("list", help="列出全部用户")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "add":
            self.add(options)
        else:
            self.list()

    def add(self, options: dict[str, Any]) -> None:
        password = options.get("password")
        if options.get("password_stdin"):
            stream = options.get("stdin") or sys.stdin
            password = stream.readline().rstrip("\r\n")
            if not password:
                raise CommandError("标准输入中没有读到密码")
        user, created = call(
            add_user,
            options["username"],
            role=options["role"],
            department_code=options.get("department"),
            password=password,
            staff=options["staff"],
            detail=cli_detail("user add"),
        )
        where = f"，{user.department.name}" if user.department else ""
        if not created:
            self.stdout.write(
                f"用户“{user.username}”（{user.get_role_display()}{where}）已存在，未作改动"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"已新增用户“{user.username}”（{user.get_role_display()}{where}）")
        )
        if not user.has_usable_password():
            self.stdout.write(
                "未设置密码：该用户不能登录网页，只能使用接口令牌（xinyong token issue）。"
            )

    def list(self) -> None:
        users = (
            User.objects.select_related("department")
            .annotate(active_tokens=Count("tokens", filter=Q(tokens__revoked_at__isnull=True)))
            .order_by("role", "username")
        )
        if not users:
            self.stdout.write("尚无用户。用 xinyong user add … 添加。")
            return
        rows = [
            (
                u.username,
                u.get_role_display() + ("（超级用户）" if u.is_superuser else ""),
                u.department.name if u.department else "",
                "启用" if u.is_active else "停用",
                "是" if u.is_staff else "否",
                u.active_tokens,
            )
            for u in users
        ]
        headers = ("用户名", "角色", "所属部门", "状态", "可登录后台", "有效令牌")
        self.stdout.write(table(headers, rows))
