"""xinyong check-code: validate 统一社会信用代码 and 身份证号码 in full."""

from __future__ import annotations

import sys
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser

from xinyong.core import checkcode_cli


class Command(BaseCommand):
    help = (
        "校验统一社会信用代码（GB 32100）与居民身份证号码（GB 11643），逐个指出错误部位；"
        "全部有效时退出码为 0，否则为 1。参数为 - 时从标准输入读取。"
    )

    def run_from_argv(self, argv: list[str]) -> None:
        # The argument parsing lives in the pure core; Django's parser would reject codes
        # that start with "-" and swallow --json.
        sys.exit(checkcode_cli.run(argv[2:], sys.stdout, stdin=sys.stdin, stderr=sys.stderr))

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = list(options["codes"]) + (["--json"] if options["json"] else [])
        code = checkcode_cli.run(
            argv, cast(IO[str], self.stdout), stdin=sys.stdin, stderr=cast(IO[str], self.stderr)
        )
        if code:
            sys.exit(code)
