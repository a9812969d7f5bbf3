"""Normalising names: 全角→半角, 繁体→简体 (OpenCC), no spaces or punctuation, upper case."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Any

_T2S_LOCK = threading.Lock()


@functools.cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``, phrase-aware).

    >>> to_simplified("東方會計師事務所")
    '东方会计师事务所'
    """
    if text.isascii():
        return text
    with _T2S_LOCK:
        return str(_t2s().convert(text))


NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def prepare(name: str) -> str:
    """NFKC, simplified characters, upper case; punctuation still in."""
    return to_simplified(unicodedata.normalize("NFKC", name)).upper()


@functools.lru_cache(maxsize=20_000)
def normalise(name: str) -> str:
    """The comparable form of a name: NFKC (全角→半角), simplified characters, only letters
    and digits (spaces, punctuation, brackets and · removed), Latin letters upper-cased.

    >>> normalise("ＡＢＣ 科技（杭州）有限公司")
    'ABC科技杭州有限公司'
    >>> normalise("買買提·艾力")
    '买买提艾力'
    """
    return NOT_LETTER_OR_DIGIT.sub("", prepare(name))
