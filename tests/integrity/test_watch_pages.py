"""Pages of warnings and the dishonest-bodies list: scope, steps, and the public list."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.integrity import archive, dishonest
from xinyong.integrity.models import (
    DishonestItem,
    GovBody,
    SourceChannel,
    Warning,
    WarningStatus,
)
from xinyong.integrity.services import register_body
from xinyong.subjects.models import Subject, SubjectKind

SHARED = SourceChannel.SHARED


@pytest.fixture
def market_body(market_dept) -> GovBody:  # type: ignore[no-untyped-def]
    subject = Subject.objects.create(
        kind=SubjectKind.GOVERNMENT, name=market_dept.name, uscc=market_dept.code
    )
    return register_body(subject, "county_dept", department=market_dept)


def test_a_department_sees_and_closes_only_its_own_warnings(
    client, market_body, market_submitter, tax_submitter, bodies
) -> None:  # type: ignore[no-untyped-def]
    mine = archive.add_event(market_body, "mass_incident", dt.date(2026, 10, 9), channel=SHARED)
    other = archive.add_event(bodies["edu"], "mass_incident", dt.date(2026, 10, 9), channel=SHARED)
    warning = Warning.objects.get(event=mine)
    client.force_login(market_submitter)
    page = client.get("/office/integrity/warnings/").content.decode()
    assert "不履职引发群体性事件" in page and bodies["edu"].name not in page
    assert "剩余" in page
    theirs = Warning.objects.get(event=other)
    assert client.get(f"/office/integrity/warnings/{theirs.pk}/").status_code == 404
    response = client.post(
        f"/office/integrity/warnings/{warning.pk}/", {"response": "已召开专题会议处置"}
    )
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED

    client.force_login(tax_submitter)
    assert client.get(f"/office/integrity/warnings/{warning.pk}/").status_code == 404


def test_the_operator_sees_every_warning(client, operator, bodies) -> None:  # type: ignore[no-untyped-def]
    for body in (bodies["edu"], bodies["east"]):
        archive.add_event(body, "fraud", dt.date(2026, 10, 9), channel=SHARED)
    client.force_login(operator)
    page = client.get("/office/integrity/warnings/").content.decode()
    assert bodies["edu"].name in page and bodies["east"].name in page


def test_the_body_reports_progress_and_the_credit_office_confirms_rectification(
    client, market_body, market_submitter, operator
) -> None:  # type: ignore[no-untyped-def]
    event = archive.add_event(market_body, "fraud", dt.date(2026, 9, 1), channel=SHARED)
    item = DishonestItem.objects.get(event=event)
    client.force_login(market_submitter)
    url = f"/office/integrity/dishonest/{item.pk}/"
    bad = client.post(url, {"action": "progress", "text": "在办"})
    assert "不少于5个字" in bad.content.decode()
    client.post(url, {"action": "progress", "text": "已追回资金，责任人110101199003071234已处理"})
    mine = client.post(url, {"action": "rectify", "day": "2026-10-20", "text": "已整改"})
    assert "整改完成由信用办确认" in mine.content.decode()
    item.refresh_from_db()
    assert item.rectified_on is None
    assert "110101199003071234" not in item.progress and "1101" in item.progress  # masked

    client.force_login(operator)
    late = client.post(url, {"action": "rectify", "day": "2099-01-01", "text": "已整改"})
    assert "晚于今天" in late.content.decode()
    client.post(url, {"action": "rectify", "day": "2026-10-20", "text": "核实资金已全部追回"})
    item.refresh_from_db()
    event.refresh_from_db()
    assert item.rectified_on == dt.date(2026, 10, 20) == event.rectified_on
    assert "已追回资金" in item.progress and "核实资金已全部追回" in item.progress


def test_an_item_kept_by_a_register_is_rectified_there_not_by_hand(
    client, bodies, operator
) -> None:  # type: ignore[no-untyped-def]
    event = archive.add_event(
        bodies["edu"], "arrears", dt.date(2026, 7, 1), channel=SHARED, origin="arrear:999"
    )
    item = DishonestItem.objects.get(event=event)
    client.force_login(operator)
    url = f"/office/integrity/dishonest/{item.pk}/"
    assert "拖欠账款台账（全部清偿后自动整改完成）" in client.get(url).content.decode()
    refused = client.post(url, {"action": "rectify", "day": "2026-10-20", "text": "已还清"})
    assert "由拖欠账款台账" in refused.content.decode()
    item.refresh_from_db()
    assert item.rectified_on is None


def test_the_public_list_shows_bodies_items_and_progress_escaped(client, bodies) -> None:  # type: ignore[no-untyped-def]
    body = bodies["water"]
    archive.add_event(body, "breach_ruling", dt.date(2026, 3, 15), channel=SHARED)
    item = DishonestItem.objects.get()
    item.progress = "<script>alert(1)</script>整改中"
    item.save()
    dishonest.escalate_due(dt.date(2026, 9, 16))
    page = client.get("/integrity/dishonest/").content.decode()
    assert body.name in page and "已升级为严重失信" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    lists_page = client.get("/lists/zfsx/").content.decode()
    assert "严重失信政府机构名单" in lists_page and body.name in lists_page
