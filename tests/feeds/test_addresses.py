"""Source addresses cannot make the server read itself: web forms take only http(s) to hosts
that are not this machine, local files come only from the command line and only from the feed
directory, and every fetch (and every redirect) is checked again."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from tests.feeds.conftest import DATA, FeedServer

from xinyong.feeds import addresses, services
from xinyong.feeds.admin import SourceForm
from xinyong.feeds.collectors import CollectorError
from xinyong.feeds.feed import read_source
from xinyong.feeds.models import FeedItem, FeedSource

WEB_ONLY = "只能用命令行 xinyong feeds add-source 登记"


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    """Names answered from ``answers``; everything else as the real resolver says."""
    real = addresses.lookup

    def lookup(host: str, port: int) -> list[str]:
        return answers[host] if host in answers else real(host, port)

    monkeypatch.setattr(addresses, "lookup", lookup)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ((DATA / "feed.json").as_uri(), WEB_ONLY),
        (str(DATA / "feed.json"), WEB_ONLY),
        ("file:///etc/passwd", WEB_ONLY),
        ("/etc/passwd", WEB_ONLY),
        ("http://127.0.0.1:8000/rss.xml", "是本机回环地址"),
        ("http://127.8.9.10/rss.xml", "是本机回环地址"),
        ("http://localhost/rss.xml", "“localhost（127.0.0.1）”是本机回环地址"),
        ("http://2130706433/rss.xml", "是本机回环地址"),
        ("https://[::1]/rss.xml", "是本机回环地址"),
        ("http://[::ffff:127.0.0.1]/rss.xml", "是本机回环地址"),
        ("http://169.254.169.254/latest/meta-data/", "是链路本地地址"),
        ("http://[fe80::1]/rss.xml", "是链路本地地址"),
        ("http://0.0.0.0:8000/rss.xml", "是未指定地址"),
        ("http:///rss.xml", "缺少主机名"),
        ("gopher://news.example.gov.cn/", "不支持的地址"),
    ],
)
def test_the_sources_page_refuses_local_files_and_addresses_of_this_machine(
    url: str, message: str, operator, client
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(operator)
    response = client.post(
        reverse("feeds:sources"), {"name": "来源", "url": url, "collector": "feed"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FeedSource.objects.exists()


def test_the_admin_refuses_them_too_but_keeps_a_command_line_source_editable(
    operator,
) -> None:  # type: ignore[no-untyped-def]
    form = SourceForm(data={"name": "密钥", "url": "file:///etc/passwd", "collector": "feed"})
    assert not form.is_valid() and WEB_ONLY in form.errors["url"][0]
    form = SourceForm(data={"name": "本机", "url": "http://localhost:8000/", "collector": "feed"})
    assert not form.is_valid() and "本机回环地址" in form.errors["url"][0]

    local = services.add_source(operator, name="舆情导出", url="atom.xml", allow_local=True)
    data = {"name": "舆情导出（停用）", "url": "atom.xml", "collector": "feed", "active": ""}
    form = SourceForm(data=data, instance=local)
    assert form.is_valid(), form.errors
    form.save()
    local.refresh_from_db()
    assert (local.name, local.active) == ("舆情导出（停用）", False)
    form = SourceForm(data={**data, "url": "feed.json"}, instance=local)
    assert not form.is_valid() and WEB_ONLY in form.errors["url"][0]


def test_private_intranet_addresses_stay_allowed(operator, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    fake_dns(monkeypatch, {"xxgk.example.gov.cn": ["10.20.30.40"]})
    for url in (
        "http://10.1.2.3/rss.xml",
        "https://172.16.5.6:8443/feed.xml",
        "http://172.31.255.1/feed.json",
        "http://192.168.1.10:8080/atom.xml",
        "http://xxgk.example.gov.cn/rss.xml",
    ):
        assert services.check_url(url) == url
    source = services.add_source(
        operator, name="县政务公开", url="http://xxgk.example.gov.cn/rss.xml"
    )
    assert source.url == "http://xxgk.example.gov.cn/rss.xml"


def test_a_name_with_any_address_of_this_machine_is_refused(
    operator, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    fake_dns(monkeypatch, {"mixed.example.gov.cn": ["10.0.0.8", "::1"]})
    with pytest.raises(services.FeedError, match=r"mixed.example.gov.cn（::1）”是本机回环地址"):
        services.add_source(operator, name="混合", url="http://mixed.example.gov.cn/rss.xml")
    assert not FeedSource.objects.exists()


@pytest.fixture
def feed_dir(tmp_path: Path, settings) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """A feed directory with a file, next to a secret outside it and a symlink to that."""
    base = tmp_path / "feeds"
    (base / "yuqing").mkdir(parents=True)
    shutil.copy(DATA / "atom.xml", base / "yuqing" / "today.xml")
    (tmp_path / "secret.xml").write_bytes((DATA / "atom.xml").read_bytes())
    (base / "link.xml").symlink_to(tmp_path / "secret.xml")
    settings.XINYONG_FEED_DIR = str(base)
    yield base


def add(url: str, name: str = "导出") -> str:
    out = StringIO()
    call_command("feeds", "add-source", "--name", name, "--url", url, stdout=out)
    return out.getvalue()


def test_local_files_come_only_from_the_command_line_and_only_inside_the_feed_directory(
    feed_dir: Path, tmp_path: Path, operator
) -> None:  # type: ignore[no-untyped-def]
    inside = feed_dir / "yuqing" / "today.xml"
    with pytest.raises(services.FeedError, match=WEB_ONLY):
        services.add_source(operator, name="网页", url=str(inside))
    assert "已登记采集来源" in add(str(inside), "绝对路径")
    assert "已登记采集来源" in add(inside.as_uri(), "file地址")
    assert "已登记采集来源" in add("yuqing/today.xml", "相对路径")
    for url in (
        str(tmp_path / "secret.xml"),
        (tmp_path / "secret.xml").as_uri(),
        str(feed_dir / ".." / "secret.xml"),
        "../secret.xml",
        str(feed_dir / "link.xml"),
        "file://otherhost/share/feed.xml",
    ):
        with pytest.raises(CommandError, match=r"不在订阅文件目录|不能指向其他主机"):
            add(url, "外面")
    assert sorted(FeedSource.objects.values_list("name", flat=True)) == [
        "file地址",
        "相对路径",
        "绝对路径",
    ]
    run = services.fetch_source(FeedSource.objects.get(name="相对路径"))
    assert run.ok and run.new == 2


def test_the_feed_directory_defaults_to_feeds_in_the_data_directory(
    settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    del settings.XINYONG_FEED_DIR
    monkeypatch.delenv("XINYONG_FEED_DIR", raising=False)
    assert addresses.feed_dir() == (Path(settings.DATA_DIR) / "feeds").resolve()
    for name in ("db.sqlite3", "secret_key", "feeds/../secret_key"):
        with pytest.raises(CollectorError, match="不在订阅文件目录"):
            read_source(str(Path(settings.DATA_DIR) / name))
    monkeypatch.setenv("XINYONG_FEED_DIR", str(tmp_path))
    assert addresses.feed_dir() == tmp_path.resolve()


def test_every_fetch_checks_a_stored_source_again(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch, operator
) -> None:  # type: ignore[no-untyped-def]
    legacy = FeedSource.objects.create(name="旧来源", url="file:///etc/passwd")
    run = services.fetch_source(legacy)
    assert not run.ok and "不在订阅文件目录" in run.error

    loopback = FeedSource.objects.create(name="回环", url=feed_server.url("/atom.xml", "127.0.0.1"))
    run = services.fetch_source(loopback)
    assert not run.ok and "是本机回环地址" in run.error

    # Registered while the name pointed at the intranet; DNS answers loopback by fetch time.
    answers = {"rebind.example.gov.cn": ["10.0.0.9"]}
    fake_dns(monkeypatch, answers)
    rebind = services.add_source(
        operator, name="换址", url=feed_server.url("/atom.xml", "rebind.example.gov.cn")
    )
    answers["rebind.example.gov.cn"] = ["127.0.0.1"]
    run = services.fetch_source(rebind)
    assert not run.ok and "rebind.example.gov.cn（127.0.0.1）”是本机回环地址" in run.error
    assert feed_server.requests == [] and not FeedItem.objects.exists()


def test_redirects_are_followed_only_to_web_addresses_on_allowed_hosts(
    intranet: FeedServer,
) -> None:
    port = intranet.port
    targets = {
        "/to-file": ("file:///etc/passwd", "只能是http://或https://地址"),
        "/to-ftp": (f"ftp://news.example.gov.cn:{port}/atom.xml", "只能是http://或https://"),
        "/to-loopback": (f"http://127.0.0.1:{port}/atom.xml", "是本机回环地址"),
        "/to-localhost": (f"http://localhost:{port}/atom.xml", "是本机回环地址"),
        "/to-metadata": ("http://169.254.169.254/latest/meta-data/", "是链路本地地址"),
    }
    for path, (target, _) in targets.items():
        intranet.routes[path] = (302, {"Location": target}, b"")
    intranet.routes["/moved"] = (301, {"Location": "/atom.xml"}, b"")
    for path, (target, message) in targets.items():
        with pytest.raises(CollectorError, match=message) as refused:
            read_source(intranet.url(path))
        assert str(refused.value).startswith(f"订阅源重定向到“{target}”，已拒绝")
    assert "/atom.xml" not in intranet.requests  # no refused target was asked
    assert read_source(intranet.url("/moved")) == (DATA / "atom.xml").read_bytes()
    assert intranet.requests[-2:] == ["/moved", "/atom.xml"]


def test_the_size_limit_and_the_timeout_still_apply(
    intranet: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CollectorError, match="超过大小上限"):
        read_source(intranet.url("/atom.xml"), limit=100)
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    checked = addresses.allowed_addresses
    monkeypatch.setattr(
        addresses,
        "allowed_addresses",
        lambda host, port: ["127.0.0.1"] if host == "slow.example.gov.cn" else checked(host, port),
    )
    try:
        with pytest.raises(CollectorError, match="读取订阅源超时"):
            read_source(f"http://slow.example.gov.cn:{silent.getsockname()[1]}/", timeout=0.2)
    finally:
        silent.close()
