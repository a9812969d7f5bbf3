"""xinyong catalog list | show TYPE | template TYPE -o FILE | check [DIR…]."""

from __future__ import annotations

import sys
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser

from xinyong.catalog import cli


class Command(BaseCommand):
    help = (
        "查看与检查信用信息目录：list 列出信息类型；"
        "show TYPE 显示字段、类型、长度、必填与代码表；"
        "template TYPE -o 文件 生成填报模板；"
        "check [目录…] 校验目录文件，出错时指明文件、行号与原因。"
    )

    def run_from_argv(self, argv: list[str]) -> None:
        # The sub-commands are parsed by the pure catalog CLI.
        sys.exit(cli.run(argv[2:], sys.stdout))

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="*")

    def handle(self, *args: Any, **options: Any) -> None:
        code = cli.run(list(args), cast(IO[str], self.stdout))
        if code:
            sys.exit(code)
