"""The ``xinyong`` command: every Django management command plus the platform's own.

``xinyong check-code``, ``xinyong workdays add`` … are management commands; hyphens in the
command name are accepted for the underscores Django uses in module names.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    args = ["xinyong", *(sys.argv[1:] if argv is None else argv)]
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    from xinyong.catalog.model import CatalogError
    from xinyong.config import ConfigError
    from xinyong.core.publicity import PublicityRuleError
    from xinyong.core.ruledata import RuleError

    try:
        execute_from_command_line(args)
    except (CatalogError, PublicityRuleError, RuleError, ConfigError) as exc:
        # Rules and configuration are checked at start-up; say what is wrong and stop.
        print(f"启动失败：{exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
