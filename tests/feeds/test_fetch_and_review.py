"""Fetching sources into the review queue, and the operator's review into the archive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from tests.feeds.conftest import DATA, FeedServer

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.permissions import PermissionDenied
from xinyong.feeds import services
from xinyong.feeds.models import FeedItem, FeedSource, FetchRun, ItemStatus
from xinyong.integrity.models import Evaluation, GovBody, IntegrityEvent, SourceChannel
from xinyong.integrity.services import evaluate_month

MARCH = dt.date(2026, 3, 1)
Source = Callable[..., FeedSource]


def item_titled(title: str) -> FeedItem:
    return FeedItem.objects.get(title=title)


def test_a_fetch_stores_new_items_with_suggestions_and_counts(
    bodies: dict[str, GovBody], source_for: Source
) -> None:
    source = source_for("rss_utf8.xml")
    run = services.fetch_source(source)
    assert run.ok and (run.new, run.seen, run.filtered, run.errors) == (3, 0, 0, 1)
    first = item_titled("示范县教育局拖欠工程款被企业投诉")
    assert first.status == ItemStatus.PENDING
    assert (first.suggested_body, first.suggested_kind) == (bodies["edu"], "arrears")
    assert first.suggestion_note == "标题出现“示范县教育局”；标题含“拖欠”"
    assert first.guid == "news-2026-0305-1" and first.rules_version == "2026.1"
    second = item_titled("西湖镇群众聚集反映征地补偿问题")
    assert second.guid == "http://news.example.gov.cn/2026/0306/2.html"  # no guid: the link
    assert (second.suggested_body, second.suggested_kind) == (bodies["west"], "mass_incident")
    third = item_titled("全县春季植树活动启动")
    assert third.suggested_body is None and third.suggested_kind == ""
    source.refresh_from_db()
    assert source.last_error == "" and source.last_fetched_at is not None
    assert (source.last_new, source.last_errors) == (3, 1)
    assert AuditEvent.objects.filter(
        action=AuditAction.IMPORT, summary__contains="新增3条"
    ).exists()


def test_fetching_again_never_duplicates_an_item(
    bodies: dict[str, GovBody], source_for: Source
) -> None:
    source = source_for("feed.json")
    services.fetch_source(source)
    again = services.fetch_source(source)
    assert (again.new, again.seen, again.errors) == (0, 2, 1)
    assert FeedItem.objects.filter(source=source).count() == 2
    assert FetchRun.objects.filter(source=source, ok=True).count() == 2
    assert item_titled("示范县水利局被列为失信被执行人").suggested_kind == "sxbzxr"


def test_the_same_item_in_another_source_is_kept_for_each(
    bodies: dict[str, GovBody], source_for: Source
) -> None:
    services.fetch_source(source_for("atom.xml", name="一"))
    services.fetch_source(source_for("atom.xml", name="二"))
    assert FeedItem.objects.filter(guid="urn:rmt:100").count() == 2


def test_a_gbk_feed_is_stored_in_chinese(bodies: dict[str, GovBody], source_for: Source) -> None:
    run = services.fetch_source(source_for("rss_gbk.xml"))
    assert run.new == 2
    item = item_titled("关于示范县财政局拖欠民营企业账款问题的通报")
    assert (item.suggested_body, item.suggested_kind) == (bodies["fin"], "arrears")
    assert item_titled("县政务服务中心“好差评”情况").suggested_kind == "rating_bad"


def test_a_source_with_keywords_keeps_only_matching_items(
    bodies: dict[str, GovBody], source_for: Source
) -> None:
    run = services.fetch_source(source_for("rss_utf8.xml", keywords="拖欠，聚集"))
    assert (run.new, run.filtered) == (2, 1)
    assert not FeedItem.objects.filter(title="全县春季植树活动启动").exists()


def test_a_malformed_feed_changes_nothing_and_records_its_error(
    bodies: dict[str, GovBody], source_for: Source
) -> None:
    source = source_for("rss_utf8.xml")
    services.fetch_source(source)
    before = list(FeedItem.objects.values_list("pk", "title", "status"))
    source.url = str(DATA / "malformed.xml")
    source.save()
    run = services.fetch_source(source)
    assert not run.ok and run.error.startswith("订阅源不是有效的XML：第7行")
    assert list(FeedItem.objects.values_list("pk", "title", "status")) == before
    source.refresh_from_db()
    assert source.last_error == run.error and source.last_new == 3  # counts of the last success
    assert "采集失败" in run.line()


def test_an_entity_attack_is_refused_and_stores_nothing(source_for: Source) -> None:
    run = services.fetch_source(source_for("doctype.xml"))
    assert not run.ok and "DOCTYPE" in run.error
    assert not FeedItem.objects.exists()


def test_accepting_an_item_puts_an_internet_event_in_the_archive_that_counts_that_month(
    bodies: dict[str, GovBody], source_for: Source, operator
) -> None:  # type: ignore[no-untyped-def]
    services.fetch_source(source_for("rss_utf8.xml"))
    evaluate_month(MARCH)
    before = Evaluation.objects.get(month=MARCH, body=bodies["west"]).score
    item = item_titled("西湖镇群众聚集反映征地补偿问题")
    assert services.default_day(item) == dt.date(2026, 3, 6)

    event = services.accept(
        operator, item, body=bodies["west"], kind="mass_incident", note="经核实属实"
    )
    assert event.channel == SourceChannel.INTERNET and event.origin == f"feed:{item.pk}"
    assert event.event_date == dt.date(2026, 3, 6) and event.body == bodies["west"]
    assert event.source_doc == item.link and event.created_by == operator
    item.refresh_from_db()
    assert (item.status, item.event, item.reviewed_by) == (ItemStatus.ACCEPTED, event, operator)
    assert item.review_note == "经核实属实"

    evaluate_month(MARCH)
    after = Evaluation.objects.get(month=MARCH, body=bodies["west"])
    assert before - after.score == Decimal("5")  # YFXZ-3: 5 points per incident
    counted = [i for i in after.contributions["items"] if event.pk in i["events"]]
    assert [i["item"] for i in counted] == ["YFXZ-3"]
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, summary__startswith="采纳互联网采集信息", reason="经核实属实"
    ).exists()

    with pytest.raises(services.FeedError, match="已采纳，不能重复采纳"):
        services.accept(operator, item, body=bodies["west"], kind="mass_incident")
    assert IntegrityEvent.objects.count() == 1


def test_an_honour_needs_its_level_and_a_refused_accept_changes_nothing(
    bodies: dict[str, GovBody], source_for: Source, operator
) -> None:  # type: ignore[no-untyped-def]
    services.fetch_source(source_for("atom.xml"))
    item = item_titled("东城街道获评省级文明单位")
    assert (item.suggested_body, item.suggested_kind) == (bodies["east"], "honour")
    with pytest.raises(services.FeedError, match="须注明级别"):
        services.accept(operator, item, body=bodies["east"], kind="honour")
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING and not IntegrityEvent.objects.exists()
    event = services.accept(operator, item, body=bodies["east"], kind="honour", level="省级")
    assert event.level == "省级" and event.event_date == dt.date(2026, 3, 10)


def test_rejecting_needs_a_reason_and_withdrawing_takes_the_event_out(
    bodies: dict[str, GovBody], source_for: Source, operator
) -> None:  # type: ignore[no-untyped-def]
    services.fetch_source(source_for("atom.xml"))
    item = item_titled("示范县财政局被市政府通报批评")
    with pytest.raises(services.FeedError, match="不采纳须说明理由"):
        services.reject(operator, item, "  ")
    services.reject(operator, item, "与本县无关")
    item.refresh_from_db()
    assert (item.status, item.review_note) == (ItemStatus.REJECTED, "与本县无关")
    with pytest.raises(services.FeedError, match="已决定不采纳"):
        services.reject(operator, item, "again")

    event = services.accept(operator, item, body=bodies["fin"], kind="criticism")
    with pytest.raises(services.FeedError, match="先撤回采纳"):
        services.reject(operator, item, "改主意")
    with pytest.raises(services.FeedError, match="撤回采纳须说明理由"):
        services.withdraw(operator, item, "")
    services.withdraw(operator, item, "原文已删除")
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING and item.event is None
    # the archive keeps a withdrawn event (marked, no longer counting) for the record
    assert not IntegrityEvent.objects.filter(pk=event.pk, withdrawn_on__isnull=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.REVOKE, reason="原文已删除").exists()


def test_department_users_may_not_review(
    bodies: dict[str, GovBody], source_for: Source, market_submitter, client
) -> None:  # type: ignore[no-untyped-def]
    services.fetch_source(source_for("atom.xml"))
    item = item_titled("示范县财政局被市政府通报批评")
    with pytest.raises(PermissionDenied, match="只有信用办管理员可以审核互联网采集信息"):
        services.accept(market_submitter, item, body=bodies["fin"], kind="criticism")
    with pytest.raises(PermissionDenied):
        services.reject(market_submitter, item, "无关")
    client.force_login(market_submitter)
    response = client.post(
        reverse("feeds:accept", args=[item.pk]), {"body": bodies["fin"].pk, "kind": "criticism"}
    )
    assert response.status_code == 403
    assert "只有信用办管理员可以审核互联网采集信息" in response.content.decode()
    assert client.get(reverse("feeds:queue")).status_code == 403
    assert client.get(reverse("feeds:sources")).status_code == 403
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING and not IntegrityEvent.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() >= 5


def test_the_review_page_escapes_a_script_in_a_title_and_drops_unsafe_links(
    bodies: dict[str, GovBody], source_for: Source, operator, client
) -> None:  # type: ignore[no-untyped-def]
    services.fetch_source(source_for("script_title.xml"))
    item = FeedItem.objects.get()
    assert item.link == "" and item.suggested_kind == "criticism"
    assert item.suggested_body == bodies["fin"]
    client.force_login(operator)
    page = client.get(reverse("feeds:queue")).content.decode()
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;示范县财政局被通报批评" in page
    assert "<script>alert" not in page and "javascript:" not in page
    assert "onerror" not in page


def test_operators_accept_and_reject_through_the_page(
    bodies: dict[str, GovBody], source_for: Source, operator, client
) -> None:  # type: ignore[no-untyped-def]
    services.fetch_source(source_for("rss_utf8.xml"))
    client.force_login(operator)
    page = client.get(reverse("feeds:queue")).content.decode()
    assert "系统建议：单位“示范县教育局”" in page
    item = item_titled("示范县教育局拖欠工程款被企业投诉")
    response = client.post(
        reverse("feeds:accept", args=[item.pk]),
        {"body": bodies["edu"].pk, "kind": "arrears", "day": "2026-03-04", "back": "?status=all"},
    )
    assert response.status_code == 302 and response["Location"].endswith(
        f"?status=all#item-{item.pk}"
    )
    event = IntegrityEvent.objects.get(origin=f"feed:{item.pk}")
    assert event.event_date == dt.date(2026, 3, 4) and event.kind == "arrears"
    other = item_titled("全县春季植树活动启动")
    response = client.post(reverse("feeds:reject", args=[other.pk]), {"reason": ""}, follow=True)
    assert "不采纳须说明理由" in response.content.decode()
    other.refresh_from_db()
    assert other.status == ItemStatus.PENDING
    page = client.get(reverse("feeds:queue"), {"status": "accepted"}).content.decode()
    assert "已记入示范县教育局政务诚信档案：拖欠民营企业账款或农民工工资" in page


def test_operators_add_sources_and_fetch_them_from_the_page(
    bodies: dict[str, GovBody], operator, client, intranet: FeedServer
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(operator)
    url = intranet.url("/feed.json")
    response = client.post(
        reverse("feeds:sources"), {"name": "舆情监测", "url": url, "collector": "feed"}
    )
    assert response.status_code == 302
    source = FeedSource.objects.get(name="舆情监测")
    response = client.post(reverse("feeds:fetch", args=[source.pk]), follow=True)
    assert "舆情监测：新增2条" in response.content.decode()
    assert intranet.requests == ["/feed.json"]
    response = client.post(
        reverse("feeds:sources"), {"name": "又一个", "url": url, "collector": "feed"}
    )
    assert "已登记为采集来源" in response.content.decode()
    response = client.post(
        reverse("feeds:sources"), {"name": "远程", "url": "ftp://x/y", "collector": "feed"}
    )
    assert "不支持的地址" in response.content.decode()
    assert FeedSource.objects.count() == 1


def test_the_command_prints_counts_per_source_and_fails_when_one_failed(
    bodies: dict[str, GovBody], source_for: Source, operator
) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command(
        "feeds",
        "add-source",
        "--name",
        "县政府网",
        "--url",
        str(DATA / "rss_gbk.xml"),
        "--user",
        operator.username,
        stdout=out,
    )
    assert "已登记采集来源" in out.getvalue()
    good = FeedSource.objects.get(name="县政府网")
    out = StringIO()
    call_command("feeds", "fetch", stdout=out)
    assert f"[{good.pk}] 县政府网：新增2条，已采集过0条，关键词筛除0条，无效0条" in out.getvalue()
    bad = source_for("malformed.xml", name="坏源")
    out = StringIO()
    with pytest.raises(CommandError, match="1个来源采集失败"):
        call_command("feeds", "fetch", stdout=out)
    assert "县政府网：新增0条，已采集过2条" in out.getvalue()
    assert "坏源：采集失败（订阅源不是有效的XML" in out.getvalue()
    out = StringIO()
    call_command("feeds", "fetch", "--source", str(good.pk), stdout=out)
    assert "坏源" not in out.getvalue()
    with pytest.raises(CommandError, match="不存在"):
        call_command("feeds", "fetch", "--source", str(bad.pk + 100))


def test_fetch_all_skips_inactive_sources(bodies: dict[str, GovBody], source_for: Source) -> None:
    source_for("atom.xml", name="停用的")
    FeedSource.objects.update(active=False)
    source_for("feed.json", name="启用的")
    runs = services.fetch_all()
    assert [r.source.name for r in runs] == ["启用的"]
    assert runs[0].actor_name == services.ACTOR
