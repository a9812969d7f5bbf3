"""Feeds fixtures: the bodies under evaluation, sources reading the feed files in data/ (the
feed directory in tests), and a feed server standing in for the government's intranet."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.integrity.conftest import make_body

from xinyong.feeds import addresses
from xinyong.feeds.models import FeedSource
from xinyong.integrity.models import BodyLevel, GovBody

DATA = Path(__file__).with_name("data")


INTRANET = "news.example.gov.cn"


@pytest.fixture(autouse=True)
def _feed_dir(settings) -> None:  # type: ignore[no-untyped-def]
    """Local sources are read only inside the feed directory: here, the fixture files."""
    settings.XINYONG_FEED_DIR = str(DATA)


@pytest.fixture(autouse=True)
def _calendar(schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    """Warnings raised by accepted items need today's year in the calendar."""


@pytest.fixture
def bodies(db) -> dict[str, GovBody]:  # type: ignore[no-untyped-def]
    return {
        "edu": make_body(1, "示范县教育局"),
        "fin": make_body(2, "示范县财政局"),
        "water": make_body(3, "示范县水利局"),
        "east": make_body(4, "示范县东城街道办事处", BodyLevel.TOWNSHIP),
        "west": make_body(5, "示范县西湖镇人民政府", BodyLevel.TOWNSHIP),
    }


@pytest.fixture
def source_for(db) -> Callable[..., FeedSource]:  # type: ignore[no-untyped-def]
    def make(filename: str, **extra: str) -> FeedSource:
        return FeedSource.objects.create(
            name=extra.pop("name", filename), url=str(DATA / filename), **extra
        )

    return make


@dataclass
class FeedServer:
    """A feed server on 127.0.0.1 and the paths it was asked for."""

    port: int
    requests: list[str] = field(default_factory=list)
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)

    def url(self, path: str, host: str = INTRANET) -> str:
        return f"http://{host}:{self.port}{path}"


def _serve(server: FeedServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append(self.path)
            status, headers, body = server.routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A local HTTP server serving data/ files under /name; it listens on loopback, which the
    reader refuses — tests that must reach it use ``intranet`` below."""
    state = FeedServer(port=0)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _serve(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    for path in DATA.iterdir():
        state.routes[f"/{path.name}"] = (200, {}, path.read_bytes())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def intranet(feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> FeedServer:
    """Pretend the intranet host news.example.gov.cn is the test server (everything else is
    checked as usual, so 127.0.0.1 and localhost stay refused)."""
    checked = addresses.allowed_addresses

    def allowed(host: str, port: int) -> list[str]:
        return ["127.0.0.1"] if host == INTRANET else checked(host, port)

    monkeypatch.setattr(addresses, "allowed_addresses", allowed)
    return feed_server
