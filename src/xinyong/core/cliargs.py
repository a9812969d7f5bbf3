"""Argument types shared by the ``xinyong`` subcommands (Chinese messages, one spelling)."""

from __future__ import annotations

import argparse
import datetime as dt

__all__ = ["date_arg"]


def date_arg(text: str) -> dt.date:
    """``YYYY-MM-DD`` → a date; anything else is a usage error in Chinese.

    >>> date_arg("2026-04-01")
    datetime.date(2026, 4, 1)
    """
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是有效日期，应为YYYY-MM-DD格式") from None
