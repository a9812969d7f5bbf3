"""Where a feed source may point, and the guarded network side of reading one.

A source's address is typed into a form by a user, so it must not make the server read itself.
Web addresses (``http(s)://``) whose host resolves to this machine are refused: loopback
(127.0.0.0/8, ::1), link-local (169.254.0.0/16, where cloud metadata lives, and fe80::/10) and
the "this host" addresses (0.0.0.0/8, ::), also when written as IPv4-mapped IPv6, in decimal or
as a name. Private ranges (10/8, 172.16/12, 192.168/16) stay allowed: the government's feeds are
on its internal network.

Local files (``file://`` or a path) are registered only from the command line and read only
inside the feed directory (``XINYONG_FEED_DIR``, default ``DATA_DIR/feeds``), checked after
symlinks and ``..`` are resolved: the data directory holds the database and the secret key.
A relative path is relative to the feed directory, so it means the same to the command that
registered it and to the daily job that reads it.

Both rules are checked again at every fetch, because a source may predate them and DNS answers
change: the host is resolved once, every address checked, and the connection made to a checked
address (never to a second, unchecked answer). Redirects are followed only to ``http(s)://`` on
an allowed host. Sources are read directly, never through a proxy from the environment (a proxy
would resolve the host itself and so bypass the check).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from xinyong import config
from xinyong.feeds.collectors import CollectorError

__all__ = [
    "AddressError",
    "allowed_addresses",
    "check_local",
    "check_web_url",
    "feed_dir",
    "local_path",
    "lookup",
    "opener",
    "refusal",
]

WEB_SCHEMES = ("http", "https")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")


class AddressError(CollectorError):
    """A source address the platform will not read; the message says why, in Chinese."""


# -- local files --------------------------------------------------------------------------------


def feed_dir() -> Path:
    """The only directory local sources are read from (resolved)."""
    value = getattr(settings, "XINYONG_FEED_DIR", None) or config.env("XINYONG_FEED_DIR")
    base = Path(value) if value else Path(settings.DATA_DIR) / "feeds"
    return base.resolve()


def local_path(url: str) -> Path | None:
    """The file a ``file://`` address or a path names; None for an address of another scheme."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise AddressError(f"file://地址不能指向其他主机（“{parts.netloc}”）")
        return Path(urllib.request.url2pathname(parts.path))
    if len(scheme) > 1:  # a Windows drive letter is not a scheme
        return None
    return Path(url)


def check_local(path: Path) -> Path:
    """The file's real path, if it lies inside the feed directory; else AddressError."""
    base = feed_dir()
    try:
        real = (base / path).resolve()  # an absolute ``path`` replaces ``base``
    except (OSError, RuntimeError):  # a symlink loop
        raise AddressError(f"本机文件“{path}”的路径无法解析") from None
    if not real.is_relative_to(base):
        raise AddressError(
            f"本机文件“{path}”不在订阅文件目录“{base}”内，出于安全原因拒绝读取"
            "（只能读取该目录中的文件，见环境变量XINYONG_FEED_DIR）"
        )
    return real


# -- hosts --------------------------------------------------------------------------------------


def refusal(address: str) -> str | None:
    """Why a connection to ``address`` is refused (Chinese), or None when it is allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "本机回环地址"
    if ip.is_link_local:
        return "链路本地地址"
    if ip.is_unspecified or ip in _THIS_NETWORK:
        return "未指定地址（0.0.0.0）"
    return None


def lookup(host: str, port: int) -> list[str]:
    """The host's addresses: the one place that asks DNS (tests replace it)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AddressError(f"无法解析主机名“{host}”") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def allowed_addresses(host: str, port: int) -> list[str]:
    """The host's addresses if every one is allowed; one refused address refuses the host."""
    addresses = lookup(host, port)
    if not addresses:
        raise AddressError(f"无法解析主机名“{host}”")
    for address in addresses:
        why = refusal(address)
        if why:
            shown = host if host == address else f"{host}（{address}）"
            raise AddressError(f"地址“{shown}”是{why}，出于安全原因不能作为采集来源")
    return addresses


def _host_port(url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES:
        raise AddressError(f"不支持的地址“{url}”：只能是http://或https://地址")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise AddressError(f"地址“{url}”的端口无效") from None
    if not parts.hostname:
        raise AddressError(f"地址“{url}”缺少主机名")
    return parts.hostname, port


def check_web_url(url: str) -> str:
    """``url`` if it is http(s) to an allowed host (resolved now); else AddressError."""
    allowed_addresses(*_host_port(url))
    return url


# -- the guarded reader -------------------------------------------------------------------------


def _connect(address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> Any:
    """``socket.create_connection`` to a checked address of the host (DNS may have changed)."""
    host, port = address
    error: OSError | None = None
    for ip in allowed_addresses(host, port):
        try:
            return socket.create_connection((ip, port), timeout, source_address)
        except OSError as exc:
            error = exc
    raise error or AddressError(f"无法连接“{host}”")


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; TLS still verifies the certificate for the host name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPSConnection, req)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to http(s) on an allowed host (never to file://, ftp://, …)."""

    max_redirections = 5

    @staticmethod
    def _check(target: str) -> None:
        try:
            check_web_url(target)
        except AddressError as exc:
            raise AddressError(f"订阅源重定向到“{target}”，已拒绝：{exc}") from None

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
    ) -> Any:
        # Checked before the stdlib's own scheme filter, which would let ftp:// through and
        # report any other scheme only as an HTTP error.
        target = headers.get("location") or headers.get("uri")
        if target:
            target = urllib.parse.urljoin(req.full_url, str(target).strip())
            try:
                self._check(target)
            except AddressError:
                fp.close()
                raise
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        self._check(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def opener() -> urllib.request.OpenerDirector:
    """An opener for http(s) only, with the guarded connections, without proxies."""
    director = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.UnknownHandler(),
        _HTTPHandler(),
        _HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        director.add_handler(handler)
    return director
