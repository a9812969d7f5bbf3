"""The shipped collector: RSS 2.0 (and 1.0), Atom 1.0 and JSON Feed 1.0/1.1 news feeds.

Reads ``http(s)://`` addresses (the government's internal network: there is no other network
at run time) and, inside the feed directory only, ``file://`` addresses and local paths, within
a timeout and a size limit (``XINYONG_FEED_TIMEOUT`` seconds, default 20;
``XINYONG_FEED_MAX_MB``, default 5). Which hosts and files may be read, and how redirects are
followed, is :mod:`xinyong.feeds.addresses`.

Untrusted XML: a document type declaration (DOCTYPE) or an entity is refused outright — no
external entities, no entity expansion ("billion laughs"). The encoding declared in the XML
prolog is honoured, including GB2312/GBK/GB18030 (read as GB18030, their superset), which
expat cannot decode by itself. HTML in summaries is reduced to plain text (scripts and styles
dropped); titles are kept as text and escaped when shown.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from typing import Any

from django.utils import timezone

from xinyong import config
from xinyong.feeds import addresses
from xinyong.feeds.collectors import CollectedItem, CollectorError

_defused_fromstring: Any
try:  # defusedxml is a dependency; the fallback below refuses every DOCTYPE itself
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring as _defused_fromstring
except ImportError:  # pragma: no cover - exercised only without the dependency
    DefusedXmlException = ValueError  # type: ignore[assignment,misc]
    _defused_fromstring = None

__all__ = ["FeedCollector", "parse", "read_source", "strip_html"]

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
SUMMARY_MAX = 4000
TITLE_MAX = 300
GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "hz-gb-2312"}
_PROLOG = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_PROLOG_TEXT = re.compile(r"^\s*<\?xml.*?\?>", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EXPAT_REASONS = {
    2: "语法错误",
    3: "没有任何元素",
    4: "含有无效字符",
    5: "标记未闭合",
    6: "字符不完整",
    7: "开始标签与结束标签不匹配",
    8: "属性重复",
    9: "根元素之后还有内容",
}


def timeout_seconds() -> float:
    return float(config.env("XINYONG_FEED_TIMEOUT") or "20")


def max_bytes() -> int:
    return int(float(config.env("XINYONG_FEED_MAX_MB") or "5") * 1024 * 1024)


# -- reading ------------------------------------------------------------------------------------


def read_source(url: str, *, timeout: float | None = None, limit: int | None = None) -> bytes:
    """The bytes at ``url``, at most ``limit`` bytes: http(s) to an allowed host, or a file
    (``file://`` or a path) inside the feed directory — see :mod:`xinyong.feeds.addresses`."""
    timeout = timeout_seconds() if timeout is None else timeout
    limit = max_bytes() if limit is None else limit
    url = url.strip()
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    too_big = CollectorError(f"订阅源超过大小上限（{limit // 1024}KB），未读取")
    if scheme in addresses.WEB_SCHEMES:
        request = urllib.request.Request(url, headers={"User-Agent": "xinyong-feeds/1"})  # noqa: S310
        try:
            with addresses.opener().open(request, timeout=timeout) as response:
                data: bytes = response.read(limit + 1)
        except urllib.error.HTTPError as exc:
            raise CollectorError(f"订阅源服务器返回错误{exc.code}") from None
        except urllib.error.URLError as exc:
            raise CollectorError(f"无法连接订阅源（{exc.reason}）") from None
        except TimeoutError:
            raise CollectorError(f"读取订阅源超时（{timeout:g}秒）") from None
        except OSError as exc:
            raise CollectorError(f"读取订阅源失败（{exc}）") from None
        if len(data) > limit:
            raise too_big
        return data
    given = addresses.local_path(url)
    if given is None:
        raise CollectorError(f"不支持的订阅源地址“{url}”：只能是http(s)://、file://或本机路径")
    path = addresses.check_local(given)
    try:
        if not path.is_file():
            raise CollectorError(f"订阅源文件“{given}”不存在")
        if path.stat().st_size > limit:
            raise too_big
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise CollectorError(f"无法读取订阅源文件“{given}”（{exc.strerror}）") from None
    if len(data) > limit:  # the file grew after the size check
        raise too_big
    return data


# -- text ---------------------------------------------------------------------------------------


class _TextOnly(HTMLParser):
    SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object"})
    BLOCK = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def clean_text(text: str, limit: int) -> str:
    """Whitespace collapsed (line breaks kept), control characters removed, cut to ``limit``."""
    text = _CONTROL.sub("", text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out = "\n".join(line for line in lines if line)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def strip_html(html: str, limit: int = SUMMARY_MAX) -> str:
    """Plain text of an HTML fragment: tags, scripts and styles dropped, entities decoded."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return clean_text("".join(parser.parts), limit)


def _title(title: str, summary: str) -> str:
    """Items may have no title (RSS allows a description alone): its first words stand in."""
    title = clean_text(title, TITLE_MAX).replace("\n", " ")
    if title:
        return title
    first = summary.replace("\n", " ")
    return first if len(first) <= 60 else first[:59] + "…"


def parse_date(text: str) -> dt.datetime | None:
    """RFC 822 (RSS), RFC 3339 (Atom, JSON Feed) and the usual Chinese site formats; naive
    times are taken as local (Asia/Shanghai)."""
    text = (text or "").strip()
    if not text:
        return None
    value: dt.datetime | None = None
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is None:
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            value = None
    if value is None:
        for fmt in (
            "%Y/%m/%d %H:%M:%S",
            "%Y/%m/%d %H:%M",
            "%Y/%m/%d",
            "%Y年%m月%d日 %H:%M",
            "%Y年%m月%d日",
        ):
            try:
                value = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# -- XML ----------------------------------------------------------------------------------------


def _decode_xml(data: bytes) -> bytes:
    """The document as UTF-8 without its prolog, decoded by the encoding the prolog declares."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        match = _PROLOG.match(data[:500])
        encoding = match.group(1).decode("ascii").lower() if match else "utf-8"
    codec = "gb18030" if encoding in GB_FAMILY else encoding
    try:
        text = data.decode(codec)
    except LookupError:
        raise CollectorError(f"订阅源声明的编码“{encoding}”无法识别") from None
    except UnicodeDecodeError as exc:
        raise CollectorError(
            f"订阅源内容不符合声明的编码{encoding.upper()}（第{exc.start + 1}字节起无法解码）"
        ) from None
    return _PROLOG_TEXT.sub("", text, count=1).encode("utf-8")


def _parse_xml(data: bytes) -> ET.Element:
    body = _decode_xml(data)
    if _defused_fromstring is None:  # pragma: no cover
        if re.search(rb"<!\s*(DOCTYPE|ENTITY)", body, re.I):
            raise CollectorError(
                "订阅源含有文档类型定义（DOCTYPE）或实体声明，出于安全原因拒绝解析"
            )
        return ET.fromstring(body)  # noqa: S314
    try:
        root: ET.Element = _defused_fromstring(body, forbid_dtd=True)
    except DefusedXmlException:
        raise CollectorError(
            "订阅源含有文档类型定义（DOCTYPE）或实体声明，出于安全原因拒绝解析"
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        reason = _EXPAT_REASONS.get(exc.code, "结构错误")
        raise CollectorError(f"订阅源不是有效的XML：第{line}行第{column + 1}列{reason}") from None
    return root


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()) if el is not None else ""


def _child(el: ET.Element, *tags: str) -> ET.Element | None:
    for tag in tags:
        found = el.find(tag)
        if found is not None:
            return found
    return None


def _rss_items(items: Iterable[ET.Element], ns: str) -> list[CollectedItem]:
    out = []
    for item in items:
        html = _text(_child(item, f"{CONTENT}encoded")) or _text(_child(item, f"{ns}description"))
        summary = strip_html(html)
        guid = _text(_child(item, f"{ns}guid")).strip() or item.get(
            "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about", ""
        )
        out.append(
            CollectedItem(
                title=_title(_text(_child(item, f"{ns}title")), summary),
                link=_text(_child(item, f"{ns}link")).strip(),
                guid=guid,
                published_at=parse_date(
                    _text(_child(item, f"{ns}pubDate", f"{DC}date", f"{ATOM}updated"))
                ),
                summary=summary,
            )
        )
    return out


def _atom_text(el: ET.Element | None) -> str:
    """An Atom text construct as plain text (type text, html or xhtml)."""
    if el is None:
        return ""
    kind = el.get("type", "text")
    if kind == "html":
        return strip_html(el.text or "")
    if kind == "xhtml":
        return clean_text(_text(el), SUMMARY_MAX)
    return _text(el)


def _atom_link(entry: ET.Element) -> str:
    links = entry.findall(f"{ATOM}link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "").strip()
    return links[0].get("href", "").strip() if links else ""


def _atom_items(root: ET.Element) -> list[CollectedItem]:
    out = []
    for entry in root.findall(f"{ATOM}entry"):
        summary = clean_text(
            _atom_text(_child(entry, f"{ATOM}summary", f"{ATOM}content")), SUMMARY_MAX
        )
        out.append(
            CollectedItem(
                title=_title(_atom_text(entry.find(f"{ATOM}title")), summary),
                link=_atom_link(entry),
                guid=_text(entry.find(f"{ATOM}id")).strip(),
                published_at=parse_date(_text(_child(entry, f"{ATOM}published", f"{ATOM}updated"))),
                summary=summary,
            )
        )
    return out


# -- JSON Feed ----------------------------------------------------------------------------------


def _json_items(data: bytes) -> list[CollectedItem]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CollectorError("JSON Feed订阅源须为UTF-8编码") from None
    except json.JSONDecodeError as exc:
        raise CollectorError(f"订阅源不是有效的JSON：第{exc.lineno}行第{exc.colno}列出错") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(
        "https://jsonfeed.org/version/1"
    ):
        raise CollectorError("订阅源不是JSON Feed（缺少version：https://jsonfeed.org/version/1.1）")
    items = doc.get("items")
    if not isinstance(items, list):
        raise CollectorError("JSON Feed订阅源缺少items列表")
    out = []
    for entry in items:
        if not isinstance(entry, dict):
            out.append(CollectedItem(title=""))  # counted as an error by the service
            continue

        def text(key: str, entry: dict[str, Any] = entry) -> str:
            value = entry.get(key)
            return str(value) if isinstance(value, str | int | float) else ""

        summary = (
            clean_text(text("summary"), SUMMARY_MAX)
            or clean_text(text("content_text"), SUMMARY_MAX)
            or strip_html(text("content_html"))
        )
        out.append(
            CollectedItem(
                title=_title(text("title"), summary),
                link=text("url").strip() or text("external_url").strip(),
                guid=text("id").strip(),
                published_at=parse_date(text("date_published") or text("date_modified")),
                summary=summary,
            )
        )
    return out


# -- the collector ------------------------------------------------------------------------------


def parse(data: bytes) -> list[CollectedItem]:
    """The items of a feed document; an unknown or malformed document is a CollectorError."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise CollectorError("订阅源内容为空")
    if head.startswith(b"{"):
        return _json_items(data)
    root = _parse_xml(data)
    name = root.tag.rsplit("}", 1)[-1]
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise CollectorError("RSS订阅源缺少channel元素")
        return _rss_items(channel.findall("item"), "")
    if root.tag == f"{ATOM}feed":
        return _atom_items(root)
    if name == "RDF":
        return _rss_items(root.findall(f"{RSS1}item"), RSS1)
    raise CollectorError(f"不是RSS 2.0、Atom 1.0或JSON Feed订阅源（根元素为“{name}”）")


class FeedCollector:
    """新闻订阅源（RSS、Atom、JSON Feed）."""

    name = "feed"
    label = "新闻订阅源（RSS/Atom/JSON Feed）"

    def __init__(self, reader: Callable[[str], bytes] = read_source) -> None:
        self.reader = reader

    def collect(self, source: Any) -> list[CollectedItem]:
        return parse(self.reader(source.url))
