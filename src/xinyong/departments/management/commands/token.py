"""``xinyong token issue|revoke|list``: API tokens for system-to-system submission."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from xinyong.departments.management.cli import call, cli_detail, table
from xinyong.departments.models import ApiToken
from xinyong.departments.services import issue_token, revoke_token


class Command(BaseCommand):
    help = (
        "管理接口令牌：xinyong token issue 用户名 --name 用途；xinyong token revoke 前缀；"
        "xinyong token list [用户名]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{issue,revoke,list}")
        issue = sub.add_parser("issue", help="签发令牌（令牌只显示这一次）")
        issue.add_argument("username", help="令牌所属用户")
        issue.add_argument("--name", required=True, help="用途，如“行政处罚系统对接”")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（xinyong token list 中显示），或令牌本身")
        listing = sub.add_parser("list", help="列出令牌（不含令牌本身）")
        listing.add_argument("username", nargs="?", help="只列出此用户的令牌")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, options["subcommand"])(options)

    def issue(self, options: dict[str, Any]) -> None:
        token, raw = call(
            issue_token,
            options["username"],
            name=options["name"],
            detail=cli_detail("token issue"),
        )
        # The explanation goes to stderr, the token alone to stdout (for scripts).
        self.stderr.write(
            self.style.SUCCESS(
                f"已为用户“{token.user}”签发接口令牌（用途：{token.name}，前缀 {token.prefix}）。"
            )
        )
        self.stderr.write("令牌只显示这一次，平台不保存原文，请立即复制保存：")
        self.stdout.write(raw)

    def revoke(self, options: dict[str, Any]) -> None:
        token, was_active = call(revoke_token, options["prefix"], detail=cli_detail("token revoke"))
        if was_active:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已吊销用户“{token.user}”的令牌 {token.prefix}…（{token.name}）"
                )
            )
        else:
            self.stdout.write(f"令牌 {token.prefix}…（{token.name}）早已吊销，未作改动")

    def list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("-created_at")
        if options.get("username"):
            tokens = tokens.filter(user__username=options["username"])
        if not tokens:
            self.stdout.write("没有令牌。")
            return

        def when(value: Any) -> str:
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

        rows = [
            (
                f"{t.prefix}…",
                t.user.username,
                t.name,
                when(t.created_at),
                "有效" if t.is_active else f"已吊销 {when(t.revoked_at)}",
                when(t.last_used_at),
            )
            for t in tokens
        ]
        headers = ("前缀", "用户", "用途", "签发时间", "状态", "最近使用")
        self.stdout.write(table(headers, rows))
