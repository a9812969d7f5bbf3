"""xinyong webhooks deliver: POST pending notices to the departments' webhooks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.jrp.notify import MAX_ATTEMPTS, deliver_due


class Command(BaseCommand):
    help = (
        "把站内消息推送到各部门配置的地址（HTTP POST，JSON，"
        "X-Xinyong-Signature 为 sha256=HMAC-SHA256(密钥, 时间戳 + '.' + 正文)）。"
        f"失败的按 2、4、8…分钟（最长一天）重试，最多 {MAX_ATTEMPTS} 次；"
        "可每分钟运行，重复运行不会重复推送。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["deliver"], help="deliver：推送到期的消息")

    def handle(self, *args: Any, **options: Any) -> None:
        delivered, failed = deliver_due()
        self.stdout.write(f"推送成功 {delivered} 条，失败 {failed} 条（失败的将稍后重试）")
