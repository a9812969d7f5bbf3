"""Reading feeds: RSS 2.0, Atom 1.0, JSON Feed, encodings, HTML, and refusing unsafe XML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.feeds.conftest import DATA

from xinyong.feeds import collectors, rules
from xinyong.feeds.collectors import CollectorError
from xinyong.feeds.feed import FeedCollector, parse, read_source, strip_html
from xinyong.feeds.rules import FeedRuleError

CST = dt.timezone(dt.timedelta(hours=8))


def read(name: str) -> list[collectors.CollectedItem]:
    return parse((DATA / name).read_bytes())


def test_it_reads_an_rss_feed_with_cdata_and_html_summaries_as_plain_text() -> None:
    items = read("rss_utf8.xml")
    assert [i.title for i in items[:3]] == [
        "示范县教育局拖欠工程款被企业投诉",
        "西湖镇群众聚集反映征地补偿问题",
        "全县春季植树活动启动",
    ]
    first = items[0]
    assert first.guid == "news-2026-0305-1"
    assert first.link == "http://news.example.gov.cn/2026/0305/1.html"
    assert first.published_at == dt.datetime(2026, 3, 5, 10, 20, tzinfo=CST)
    assert first.summary == "据反映，示范县教育局拖欠某建筑公司工程款120万元。"
    assert "alert" not in first.summary and "color" not in first.summary
    assert items[1].summary == "西湖镇部分群众聚集，镇政府未及时回应。"
    assert items[2].summary == "各单位积极参加植树活动。"  # content:encoded
    assert items[3].title == ""  # an empty item: the service counts it as invalid


def test_it_decodes_a_gbk_feed_by_the_encoding_its_prolog_declares() -> None:
    raw = (DATA / "rss_gbk.xml").read_bytes()
    assert b'encoding="GBK"' in raw and "财政局".encode("gbk") in raw
    items = parse(raw)
    assert items[0].title == "关于示范县财政局拖欠民营企业账款问题的通报"
    assert items[0].summary == "经查，示范县财政局拖欠企业账款，已责令限期清偿。"
    assert items[1].title == "县政务服务中心“好差评”情况"


def test_a_feed_that_does_not_match_its_declared_encoding_is_refused_in_chinese() -> None:
    raw = (DATA / "rss_utf8.xml").read_bytes().replace(b"UTF-8", b"US-ASCII")
    with pytest.raises(CollectorError, match="不符合声明的编码US-ASCII"):
        parse(raw)


def test_it_reads_atom_text_constructs_and_the_alternate_link() -> None:
    items = read("atom.xml")
    assert items[0].title == "示范县财政局被市政府通报批评"
    assert items[0].link == "https://rmt.example.gov.cn/a/100"
    assert items[0].guid == "urn:rmt:100"
    assert items[0].summary == "因专项资金拨付滞后，市政府对示范县财政局予以通报批评。"
    assert items[1].summary == "东城街道荣获省级表彰。"  # xhtml content
    assert items[1].published_at == dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def test_it_reads_a_json_feed_and_stands_in_the_text_for_a_missing_title() -> None:
    items = read("feed.json")
    assert items[0].guid == "yq-1" and items[0].title == "示范县水利局被列为失信被执行人"
    assert items[0].summary == "法院将示范县水利局列为失信被执行人。"
    assert items[1].guid == "2" and items[1].title == "网民反映某单位办事效率低。"
    assert items[2].title == ""  # not an object


def test_a_malformed_feed_is_refused_with_the_line_in_chinese() -> None:
    with pytest.raises(CollectorError, match="订阅源不是有效的XML：第7行"):
        read("malformed.xml")


def test_a_doctype_or_entity_is_refused_before_anything_is_expanded() -> None:
    with pytest.raises(CollectorError, match="DOCTYPE"):
        read("doctype.xml")
    bare = b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://x/rss.dtd"><rss version="2.0"/>'
    with pytest.raises(CollectorError, match="出于安全原因拒绝解析"):
        parse(bare)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "内容为空"),
        (b"<html><body>x</body></html>", "根元素为“html”"),
        (b'{"items": []}', "不是JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "不是有效的JSON"),
    ],
)
def test_documents_that_are_not_feeds_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(CollectorError, match=message):
        parse(data)


def test_titles_keep_their_text_and_summaries_lose_their_markup() -> None:
    items = read("script_title.xml")
    assert items[0].title.startswith("<script>alert('xss')</script>")
    assert items[0].summary == "说明"
    assert strip_html("<p>a&amp;b</p><script>evil()</script><p>c</p>") == "a&b\nc"


def test_sources_are_read_from_paths_and_file_urls_within_the_size_limit(tmp_path: Path) -> None:
    path = DATA / "atom.xml"
    assert read_source(str(path)) == path.read_bytes()
    assert read_source(path.as_uri()) == path.read_bytes()
    with pytest.raises(CollectorError, match="超过大小上限"):
        read_source(str(path), limit=100)
    with pytest.raises(CollectorError, match="不存在"):
        read_source(str(DATA / "missing.xml"))
    with pytest.raises(CollectorError, match="不在订阅文件目录"):
        read_source(str(tmp_path / "missing.xml"))
    with pytest.raises(CollectorError, match="不支持的订阅源地址"):
        read_source("ftp://example.gov.cn/feed.xml")


def test_the_feed_collector_is_registered_by_default() -> None:
    collector = collectors.get("feed")
    assert isinstance(collector, FeedCollector) and isinstance(collector, collectors.Collector)
    with pytest.raises(CollectorError, match="采集器“opinion”未配置"):
        collectors.get("opinion")


def test_collectors_come_from_the_setting_and_a_wrong_path_is_a_chinese_error(settings) -> None:  # type: ignore[no-untyped-def]
    settings.XINYONG_COLLECTORS = ["xinyong.feeds.feed.FeedCollector", "xinyong.nowhere.Reader"]
    collectors.registry.cache_clear()
    try:
        with pytest.raises(CollectorError, match="无法导入"):
            collectors.registry()
        settings.XINYONG_COLLECTORS = ["xinyong.feeds.feed.FeedCollector"] * 2
        with pytest.raises(CollectorError, match="名称“feed”重复"):
            collectors.registry()
    finally:
        collectors.registry.cache_clear()


# -- suggestion rules ---------------------------------------------------------------------------


def test_keywords_suggest_kinds_title_first_and_in_file_order() -> None:
    rule = rules.rule_on(dt.date(2026, 3, 1))
    found = rules.suggest_kind(rule, "水利局被列为失信被执行人", "拖欠工程款")
    assert found is not None and (found.kind, found.reason) == ("sxbzxr", "标题含“失信被执行人”")
    found = rules.suggest_kind(rule, "情况通报", "某镇发生群体性事件")
    assert found is not None and found.kind == "mass_incident" and found.where == "摘要"
    assert rules.suggest_kind(rule, "全县春季植树活动启动", "") is None


def test_body_names_are_matched_in_full_or_by_a_unique_short_name_of_this_county() -> None:
    rule = rules.rule_on(dt.date(2026, 3, 1))
    bodies = [(1, "示范县教育局"), (2, "示范县东城街道办事处"), (3, "示范县西湖镇人民政府")]
    found = rules.suggest_body(rule, bodies, "示范县教育局拖欠工程款", "")
    assert found is not None and (found.body_id, found.matched) == (1, "示范县教育局")
    found = rules.suggest_body(rule, bodies, "东城街道获评文明单位", "")
    assert found is not None and (found.body_id, found.matched) == (2, "东城街道")
    found = rules.suggest_body(rule, bodies, "情况通报", "我县教育局回应")
    assert found is not None and found.body_id == 1 and found.reason == "摘要出现“教育局”"
    assert rules.suggest_body(rule, bodies, "邻县教育局被约谈", "") is None
    assert rules.short_names(rule, "示范县教育局") == ["教育局"]
    twins = [(3, "示范县西湖镇人民政府"), (4, "示范县西湖镇办事处")]
    assert rules.suggest_body(rule, twins, "西湖镇群众聚集", "") is None  # shared short name
    found = rules.suggest_body(rule, twins, "西湖镇人民政府回应", "")
    assert found is not None and found.body_id == 3


def test_a_rule_file_with_a_kind_unknown_to_the_model_names_its_line(tmp_path: Path) -> None:
    text = (rules.DATA).read_text(encoding="utf-8").replace("kind: arrears,", "kind: arrear,")
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "kind: arrear," in row)
    with pytest.raises(FeedRuleError, match=f"feeds.yaml第{line}行：事件类别“arrear”不在"):
        rules.load(path)
    assert rules.load()[0].version == "2026.1"
