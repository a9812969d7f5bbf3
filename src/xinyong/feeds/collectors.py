"""Collectors (采集器) of internet items: the plug-in interface and the registry.

A collector turns one source (a :class:`~xinyong.feeds.models.FeedSource`: name, url,
keywords) into :class:`CollectedItem` values. It only reads: storing, de-duplication, keyword
filtering, suggestions and review are the same for every collector (``feeds.services``).

Adding a collector (e.g. one that reads a provincial public-opinion system's export)::

    # mycounty/collectors.py
    class OpinionExport:
        name = "opinion"            # stored in FeedSource.collector
        label = "舆情系统导出文件"
        def collect(self, source):  # -> Iterable[CollectedItem]; raise CollectorError on failure
            ...

and list it, with the shipped one, in the environment::

    XINYONG_COLLECTORS=xinyong.feeds.feed.FeedCollector,mycounty.collectors.OpinionExport

(or ``settings.XINYONG_COLLECTORS`` as a list of the same dotted paths). A wrong path or two
collectors with the same name stop start-up with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from xinyong import config

__all__ = [
    "DEFAULT_COLLECTORS",
    "CollectedItem",
    "Collector",
    "CollectorError",
    "SourceLike",
    "choices",
    "get",
    "registry",
]

DEFAULT_COLLECTORS = ("xinyong.feeds.feed.FeedCollector",)


class CollectorError(ValueError):
    """A source could not be read or understood; the message says why, in Chinese."""


class SourceLike(Protocol):
    """What a collector reads of a source."""

    @property
    def name(self) -> str: ...

    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class CollectedItem:
    """One item as a collector found it; the summary is already plain text."""

    title: str
    link: str = ""
    guid: str = ""
    published_at: dt.datetime | None = None
    summary: str = ""


@runtime_checkable
class Collector(Protocol):
    """A source reader; ``name`` is the key stored in ``FeedSource.collector``."""

    name: str
    label: str

    def collect(self, source: Any) -> Iterable[CollectedItem]:
        """The items of ``source``; raise :class:`CollectorError` when it cannot be read."""
        ...


def configured_paths() -> list[str]:
    """Dotted paths of the collector classes, from settings or ``XINYONG_COLLECTORS``."""
    value: Any = getattr(settings, "XINYONG_COLLECTORS", None)
    if value is None:
        text = config.env("XINYONG_COLLECTORS")
        value = [p.strip() for p in text.split(",") if p.strip()] if text else []
    return list(value) or list(DEFAULT_COLLECTORS)


@functools.cache
def registry() -> dict[str, Collector]:
    """Collectors by name; a broken configuration raises :class:`CollectorError`."""
    found: dict[str, Collector] = {}
    for path in configured_paths():
        try:
            factory = import_string(path)
        except ImportError as exc:
            raise CollectorError(f"XINYONG_COLLECTORS中的采集器“{path}”无法导入（{exc}）") from None
        collector = factory() if isinstance(factory, type) else factory
        if not isinstance(collector, Collector) or not getattr(collector, "name", ""):
            raise CollectorError(f"“{path}”不是采集器：须有 name、label 和 collect(source)")
        if collector.name in found:
            raise CollectorError(f"采集器名称“{collector.name}”重复（{path}）")
        found[collector.name] = collector
    return found


def get(name: str) -> Collector:
    try:
        return registry()[name]
    except KeyError:
        known = "、".join(registry()) or "无"
        raise CollectorError(f"采集器“{name}”未配置（已配置：{known}）") from None


def choices() -> list[tuple[str, str]]:
    return [(name, f"{c.label}（{name}）") for name, c in registry().items()]
