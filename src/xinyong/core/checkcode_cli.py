"""``xinyong check-code CODE… [--json]``: check 统一社会信用代码 / 居民身份证号码.

``argv`` holds the arguments after ``check-code``. Prints one Chinese line per
code, or with ``--json`` a JSON array of check_code() results. A ``-`` reads
codes from standard input, one per line (blank lines are skipped).

Exit status: 0 when every code is valid, 1 when any is not, 2 for usage errors.

>>> import io
>>> out = io.StringIO()
>>> run(['91350100M000100Y43', '91350100M000100Y44'], out)
1
>>> print(out.getvalue(), end='')
91350100M000100Y43 有效 统一社会信用代码（工商/企业，行政区划350100）
91350100M000100Y44 无效：第18位校验码应为“3”，实为“4”
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, TYPE_CHECKING, NoReturn

from xinyong.core.codes import check_code, format_line

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["build_parser", "run"]

PROG = "xinyong check-code"


class _UsageError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _HelpShown(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of exiting the process."""

    def __init__(self, *args: object, help_out: IO[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._help_out = help_out

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        super().print_help(file or self._help_out)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status:
            raise _UsageError(message or "")
        raise _HelpShown()


def build_parser(help_out: IO[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``xinyong check-code``."""
    parser = _Parser(
        prog=PROG,
        description="检查统一社会信用代码或居民身份证号码，指出错误的部分。",
        help_out=help_out,
    )
    parser.add_argument(
        "codes",
        nargs="+",
        metavar="CODE",
        help="要检查的代码；“-”表示从标准输入逐行读取",
    )
    parser.add_argument("--json", action="store_true", help="以JSON数组输出检查结果")
    return parser


def _read_codes(arguments: list[str], stdin: IO[str]) -> list[str]:
    codes: list[str] = []
    for argument in arguments:
        if argument == "-":
            codes.extend(line.strip() for line in stdin if line.strip())
        else:
            codes.append(argument)
    return codes


def run(
    argv: list[str],
    stdout: IO[str],
    *,
    stdin: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run ``xinyong check-code`` with ``argv`` (the arguments after ``check-code``).

    Returns 0 when all codes are valid, 1 otherwise, 2 for usage errors.

    >>> import io
    >>> out = io.StringIO()
    >>> run(['--json', '91350100M000100Y43'], out)
    0
    >>> json.loads(out.getvalue())[0]['kind']
    'uscc'
    >>> run([], io.StringIO(), stderr=io.StringIO())
    2
    """
    stdin = sys.stdin if stdin is None else stdin
    stderr = sys.stderr if stderr is None else stderr
    parser = build_parser(help_out=stdout)
    try:
        args = parser.parse_args(argv)
    except _HelpShown:
        return 0
    except _UsageError as exc:
        parser.print_usage(stderr)
        print(f"{PROG}: 错误：{exc.message}", file=stderr)
        return 2

    codes = _read_codes(args.codes, stdin)
    if not codes:
        parser.print_usage(stderr)
        print(f"{PROG}: 错误：没有要检查的代码", file=stderr)
        return 2

    results = [check_code(code) for code in codes]
    if args.json:
        json.dump(results, stdout, ensure_ascii=False, indent=2)
        stdout.write("\n")
    else:
        for result in results:
            stdout.write(format_line(result) + "\n")
    return 0 if all(result["valid"] for result in results) else 1
