"""互联网采集 (R-GOV-3, internet channel): fetching sources and reviewing what they bring.

* ``fetch_source`` / ``fetch_all`` — run a source's collector; new items are stored once per
  source (by their guid, else link, else a hash of title and date), with a suggested body and
  event kind (``data/feeds.yaml``); each fetch leaves a :class:`FetchRun` with its counts. A
  source that cannot be read keeps its items untouched and shows the Chinese error.
  ``fetch_all`` is the daily job's entry point.
* ``accept`` — an operator confirms body, kind, date (and honour level) and the item enters the
  integrity archive through ``integrity.archive.add_event`` (channel ``internet``, origin
  ``feed:<id>``); ``reject`` needs a reason; ``withdraw`` takes an accepted item's event out of
  the archive again and puts the item back in the queue.

Only operators of the credit office review; every review and every refusal is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import urllib.parse
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip, record
from xinyong.departments.permissions import ensure_operator
from xinyong.feeds import addresses, collectors, rules
from xinyong.feeds.collectors import CollectedItem, CollectorError
from xinyong.feeds.models import FeedItem, FeedSource, FetchRun, ItemStatus
from xinyong.integrity import archive
from xinyong.integrity.models import GovBody, IntegrityEvent, SourceChannel
from xinyong.integrity.services import IntegrityError, model_for

__all__ = [
    "ACTOR",
    "FeedError",
    "accept",
    "add_source",
    "check_url",
    "default_day",
    "fetch_all",
    "fetch_source",
    "reject",
    "withdraw",
]

log = logging.getLogger(__name__)
ACTOR = "系统（互联网采集）"


class FeedError(ValueError):
    """A source or a review step is refused; the message says why, in Chinese."""


def _actor_name(actor: Any) -> str:
    if getattr(actor, "pk", None):
        return str(actor.get_username())
    return actor if isinstance(actor, str) else ACTOR


# -- sources ------------------------------------------------------------------------------------


def check_url(url: str, *, allow_local: bool = False) -> str:
    """``url`` if it may be registered as a source; else FeedError.

    From the web pages and the admin only ``http(s)://`` to a host that is not this machine
    (``addresses``); local files (``file://`` or a path) only when ``allow_local`` (the command
    line), and only inside the feed directory.
    """
    url = url.strip()
    if not url:
        raise FeedError("请填写订阅源地址")
    try:
        if urllib.parse.urlsplit(url).scheme.lower() in addresses.WEB_SCHEMES:
            return addresses.check_web_url(url)
        path = addresses.local_path(url)
        if path is None:
            raise FeedError(f"不支持的地址“{url}”：只能是http://或https://地址")
        if not allow_local:
            raise FeedError(
                "网页上只能登记http://或https://地址；本机文件（file://地址或路径）出于安全原因"
                "只能用命令行 xinyong feeds add-source 登记，"
                f"且须位于订阅文件目录“{addresses.feed_dir()}”内"
            )
        addresses.check_local(path)
    except CollectorError as exc:
        raise FeedError(str(exc)) from None
    return url


def add_source(
    user: Any,
    *,
    name: str,
    url: str,
    collector: str = "feed",
    keywords: str = "",
    request: Any = None,
    allow_local: bool = False,
) -> FeedSource:
    """Register a source (operators only); ``allow_local`` only from the command line."""
    ensure_operator(user, what="登记采集来源", request=request)
    name = name.strip()
    if not name:
        raise FeedError("请填写来源名称")
    url = check_url(url, allow_local=allow_local)
    try:
        collectors.get(collector)
    except CollectorError as exc:
        raise FeedError(str(exc)) from None
    if FeedSource.objects.filter(url=url, collector=collector).exists():
        raise FeedError(f"地址“{url}”已登记为采集来源")
    with transaction.atomic():
        source = FeedSource.objects.create(
            name=name,
            url=url,
            collector=collector,
            keywords=keywords.strip(),
            created_by=user if getattr(user, "pk", None) else None,
        )
        record(
            user,
            AuditAction.CREATE,
            f"登记采集来源“{name}”（{url}）",
            obj=source,
            ip=client_ip(request),
        )
    return source


# -- fetching -----------------------------------------------------------------------------------


def _hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def guid_of(item: CollectedItem) -> str:
    """The item's identity within its source: guid, else link, else title and date."""
    guid = item.guid.strip() or item.link.strip()
    if not guid:
        when = item.published_at.isoformat() if item.published_at else ""
        guid = _hash(f"{item.title}|{when}")
    return guid if len(guid) <= 200 else _hash(guid)


def safe_link(link: str) -> str:
    """Only web addresses are kept as links (never ``javascript:`` and the like)."""
    link = link.strip()
    scheme = urllib.parse.urlsplit(link).scheme.lower()
    return link[:500] if scheme in ("http", "https") else ""


def _digest(items: Iterable[CollectedItem]) -> str:
    h = hashlib.sha256()
    for item in items:
        when = item.published_at.isoformat() if item.published_at else ""
        h.update(f"{item.guid}\x1f{item.link}\x1f{item.title}\x1f{when}\x1e".encode())
    return h.hexdigest()


def _fail(source: FeedSource, run: FetchRun, error: str, actor: Any) -> FetchRun:
    now = timezone.now()
    run.error = error[:500]
    run.finished_at = now
    run.save()
    source.last_fetched_at = now
    source.last_error = error[:500]
    source.save(update_fields=["last_fetched_at", "last_error"])
    record(
        actor,
        AuditAction.IMPORT,
        f"采集“{source.name}”失败：{error}",
        obj=source,
        detail={"run": run.pk},
    )
    return run


def fetch_source(source: FeedSource, *, actor: Any = ACTOR) -> FetchRun:
    """Collect one source; never raises for a bad source (the run and the source say why)."""
    run = FetchRun.objects.create(source=source, actor_name=_actor_name(actor))
    try:
        found = list(collectors.get(source.collector).collect(source))
    except CollectorError as exc:
        return _fail(source, run, str(exc), actor)
    except Exception as exc:  # a collector's bug must not stop the other sources
        log.exception("collector %s failed on source %s", source.collector, source.pk)
        return _fail(source, run, f"采集器“{source.collector}”出错（{type(exc).__name__}）", actor)
    today = timezone.localdate()
    rule = rules.rule_on(today)
    bodies = list(GovBody.objects.filter(active=True).values_list("pk", "name"))
    keywords = source.keyword_list()
    guids = {guid_of(item) for item in found}
    with transaction.atomic():
        known = set(
            FeedItem.objects.filter(source=source, guid__in=guids).values_list("guid", flat=True)
        )
        for item in found:
            if not item.title.strip():
                run.errors += 1
                continue
            guid = guid_of(item)
            if guid in known:
                run.seen += 1
                continue
            text = f"{item.title}\n{item.summary}"
            if keywords and not any(word in text for word in keywords):
                run.filtered += 1
                continue
            body = rules.suggest_body(rule, bodies, item.title, item.summary)
            kind = rules.suggest_kind(rule, item.title, item.summary)
            FeedItem.objects.create(
                source=source,
                guid=guid,
                title=item.title[:300],
                link=safe_link(item.link),
                published_at=item.published_at,
                summary=item.summary,
                suggested_body_id=body.body_id if body else None,
                suggested_kind=kind.kind if kind else "",
                suggestion_note="；".join(s.reason for s in (body, kind) if s is not None)[:300],
                rules_version=rule.version,
            )
            known.add(guid)
            run.new += 1
        now = timezone.now()
        run.ok = True
        run.finished_at = now
        run.digest = _digest(found)
        run.rules_version = rule.version
        run.save()
        source.last_fetched_at = now
        source.last_error = ""
        source.last_new, source.last_seen = run.new, run.seen
        source.last_filtered, source.last_errors = run.filtered, run.errors
        source.save(
            update_fields=[
                "last_fetched_at",
                "last_error",
                "last_new",
                "last_seen",
                "last_filtered",
                "last_errors",
            ]
        )
        record(
            actor,
            AuditAction.IMPORT,
            f"采集“{source.name}”：新增{run.new}条，已有{run.seen}条，"
            f"筛除{run.filtered}条，无效{run.errors}条",
            obj=source,
            detail={"run": run.pk, "digest": run.digest},
        )
    return run


def fetch_all(actor: Any = ACTOR, *, source_id: int | None = None) -> list[FetchRun]:
    """Fetch every active source (or only ``source_id``): the daily job's entry point."""
    chosen = {"pk": source_id} if source_id is not None else {"active": True}
    sources = FeedSource.objects.filter(**chosen).order_by("pk")
    return [fetch_source(source, actor=actor) for source in sources]


# -- review -------------------------------------------------------------------------------------


def default_day(item: FeedItem) -> dt.date:
    """The event date proposed for an item: its publication day (never after today)."""
    when = item.published_at or item.fetched_at or timezone.now()
    return min(timezone.localdate(when), timezone.localdate())


def _locked(item: FeedItem) -> FeedItem:
    return FeedItem.objects.select_for_update().select_related("source").get(pk=item.pk)


def accept(
    user: Any,
    item: FeedItem,
    *,
    body: GovBody,
    kind: str,
    day: dt.date | None = None,
    level: str = "",
    note: str = "",
    request: Any = None,
) -> IntegrityEvent:
    """Accept an item: it enters the integrity archive as a reviewed internet event."""
    ensure_operator(user, what="审核互联网采集信息", request=request)
    day = day or default_day(item)
    note = note.strip()
    with transaction.atomic():
        item = _locked(item)
        if item.status == ItemStatus.ACCEPTED:
            raise FeedError("该信息已采纳，不能重复采纳")
        try:
            event = archive.add_event(
                body,
                kind,
                day,
                channel=SourceChannel.INTERNET,
                source_doc=item.link or item.title,
                level=level,
                note=note or f"互联网采集：{item.title}",
                origin=item.origin,
                actor=user,
            )
        except IntegrityError as exc:
            raise FeedError(str(exc)) from None
        item.status = ItemStatus.ACCEPTED
        item.event = event
        item.reviewed_by = user
        item.reviewed_at = timezone.now()
        item.review_note = note[:500]
        item.save(update_fields=["status", "event", "reviewed_by", "reviewed_at", "review_note"])
        record(
            user,
            AuditAction.UPDATE,
            f"采纳互联网采集信息“{item.title}”，记入{body.name}："
            f"{model_for(day).kinds.get(kind, kind)}（{day}）",
            obj=item,
            reason=note,
            detail={"event": event.pk, "kind": kind, "day": day.isoformat(), "body": body.pk},
            ip=client_ip(request),
        )
    return event


def reject(user: Any, item: FeedItem, reason: str, *, request: Any = None) -> FeedItem:
    """Decide an item does not count; the reason is required."""
    ensure_operator(user, what="审核互联网采集信息", request=request)
    reason = reason.strip()
    if not reason:
        raise FeedError("不采纳须说明理由")
    with transaction.atomic():
        item = _locked(item)
        if item.status == ItemStatus.ACCEPTED:
            raise FeedError("该信息已采纳；如需更正，请先撤回采纳")
        if item.status == ItemStatus.REJECTED:
            raise FeedError("该信息已决定不采纳")
        item.status = ItemStatus.REJECTED
        item.reviewed_by = user
        item.reviewed_at = timezone.now()
        item.review_note = reason[:500]
        item.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        record(
            user,
            AuditAction.UPDATE,
            f"不采纳互联网采集信息“{item.title}”",
            obj=item,
            reason=reason,
            ip=client_ip(request),
        )
    return item


def withdraw(user: Any, item: FeedItem, reason: str, *, request: Any = None) -> FeedItem:
    """Take an accepted item's event out of the archive; the item returns to the queue."""
    ensure_operator(user, what="撤回互联网采集信息的采纳", request=request)
    reason = reason.strip()
    if not reason:
        raise FeedError("撤回采纳须说明理由")
    with transaction.atomic():
        item = _locked(item)
        if item.status != ItemStatus.ACCEPTED:
            raise FeedError("只有已采纳的信息可以撤回")
        archive.remove_event(item.origin, reason, actor=user)
        event_id = item.event_id
        item.status = ItemStatus.PENDING
        item.event = None
        item.reviewed_by = user
        item.reviewed_at = timezone.now()
        item.review_note = f"撤回采纳：{reason}"[:500]
        item.save(update_fields=["status", "event", "reviewed_by", "reviewed_at", "review_note"])
        record(
            user,
            AuditAction.REVOKE,
            f"撤回互联网采集信息“{item.title}”的采纳",
            obj=item,
            reason=reason,
            detail={"event": event_id},
            ip=client_ip(request),
        )
    return item
