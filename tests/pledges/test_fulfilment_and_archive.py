"""Fulfilment reports and unkept pledges in the integrity archive, scored by the monthly
evaluation: the on-time bonus, the unkept deduction and its rectification."""

from __future__ import annotations

import datetime as dt
import doctest
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from xinyong.departments.models import User
from xinyong.integrity.models import DishonestItem, Evaluation, GovBody, IntegrityEvent
from xinyong.integrity.services import body_score, evaluate_month
from xinyong.pledges import rules, services
from xinyong.pledges.models import FulfilmentReport, Pledge, PledgeStatus, ReportFile
from xinyong.uploads import MaterialError

from .conftest import PDF, publish

D = dt.date


def monthly(
    user: User, pledge: Pledge, period: str, status: str, text: str, day: dt.date
) -> FulfilmentReport:
    """A fulfilment report of ``period`` made on ``day``, without evidence files."""
    return services.report(user, pledge, period=period, status=status, text=text, today=day)


def score(body: GovBody, month: str) -> Decimal:
    return Evaluation.objects.get(month=D.fromisoformat(f"{month}-01"), body=body).score


def test_last_months_report_is_an_archive_event_and_an_on_time_one_earns_the_bonus(
    market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    on_time = services.report(
        market_submitter,
        pledge,
        period="2026-03",
        status="ongoing",
        text="补助资金已完成审核，正在拨付",
        uploads=[SimpleUploadedFile("拨付通知.pdf", PDF)],
        today=D(2026, 4, 8),
    )
    late = monthly(
        market_submitter, pledge, "2026-04", "ongoing", "已拨付第一批补助资金", D(2026, 5, 15)
    )
    event = on_time.event
    assert event is not None and event.origin == f"pledge-report:{on_time.pk}"
    assert event.kind == "fulfilment_report" and event.channel == "self"
    assert event.event_date == D(2026, 4, 8)
    assert event.source_doc == f"公开承诺{pledge.number}《兑现年度中小企业技术改造补助》"
    assert on_time.on_time and not late.on_time
    (stored,) = ReportFile.objects.filter(report=on_time)
    assert stored.filename == "拨付通知.pdf" and Path(stored.stored_path).read_bytes() == PDF

    for month in ("2026-04", "2026-05"):
        evaluate_month(D.fromisoformat(f"{month}-01"))
    # April: the report of 8 April is on time (+0.25); May: the report of 15 May is not.
    assert score(market_body, "2026-04") == Decimal("100.25")
    assert score(market_body, "2026-05") == Decimal("100.25")
    code = market_body.subject.uscc
    assert code is not None
    april = body_score(code, D(2026, 4, 1))
    (item,) = april["items"]
    assert item["item"] == "SXJN-6" and item["points"] == "0.25"
    assert [e["id"] for e in item["events"]] == [event.pk]
    assert any("10日前" in line for line in item["explanation"])
    may = body_score(code, D(2026, 5, 1))
    assert [e["id"] for e in may["items"][0]["events"]] == [event.pk]  # the late one is not


def test_an_overdue_pledge_becomes_unkept_with_a_dishonest_item_then_fulfilment_clears_it(
    market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    assert services.check_overdue(D(2026, 6, 30)).marked == []  # due today: not yet overdue
    run = services.check_overdue(D(2026, 7, 1))
    assert len(run.marked) == 1
    pledge.refresh_from_db()
    event = pledge.unkept_event
    assert pledge.status == PledgeStatus.UNFULFILLED and event is not None
    assert (event.kind, event.event_date, event.origin, event.channel) == (
        "commitment_unkept",
        D(2026, 7, 1),
        f"pledge:{pledge.pk}",
        "self",
    )
    assert "未报送履约情况" in event.note
    item = DishonestItem.objects.get(event=event)
    assert item.found_on == D(2026, 7, 1) and item.rectify_by == D(2027, 1, 1)
    assert item.rectified_on is None

    evaluate_month(D(2026, 7, 1))
    assert score(market_body, "2026-07") == Decimal("97.00")

    monthly(market_submitter, pledge, "2026-07", "done", "补助资金已全部拨付到位", D(2026, 8, 5))
    pledge.refresh_from_db()
    event.refresh_from_db()
    item.refresh_from_db()
    assert pledge.status == PledgeStatus.FULFILLED and pledge.fulfilled_on == D(2026, 8, 5)
    assert event.rectified_on == D(2026, 8, 5) and item.rectified_on == D(2026, 8, 5)
    for month in ("2026-08", "2026-09"):
        evaluate_month(D.fromisoformat(f"{month}-01"))
    # August still deducts (rectified during the month) and earns the on-time bonus;
    # from September the unkept pledge stops counting.
    assert score(market_body, "2026-08") == Decimal("97.25")
    assert score(market_body, "2026-09") == Decimal("100.25")


def test_the_overdue_job_run_twice_changes_nothing_the_second_time(
    market_submitter: User, market_body: GovBody
) -> None:
    publish(market_submitter, market_body)
    publish(market_submitter, market_body, title="企业开办一个工作日内办结", due_date=None)
    out = io.StringIO()
    call_command("pledges", "check-overdue", "--date", "2026-07-01", stdout=out)
    assert "新认定逾期未兑现1项" in out.getvalue()
    events = list(IntegrityEvent.objects.values_list("pk", "origin", "event_date"))
    out = io.StringIO()
    call_command("pledges", "check-overdue", "--date", "2026-07-01", stdout=out)
    call_command("pledges", "check-overdue", "--date", "2026-07-02", stdout=out)
    assert "新认定逾期未兑现0项" in out.getvalue()
    assert list(IntegrityEvent.objects.values_list("pk", "origin", "event_date")) == events
    assert DishonestItem.objects.count() == 1


def test_a_late_fulfilment_is_recorded_unkept_then_rectified_whether_or_not_the_job_ran(
    market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body)
    monthly(market_submitter, pledge, "2026-05", "ongoing", "正在审核申报材料", D(2026, 6, 5))
    monthly(market_submitter, pledge, "2026-07", "done", "补助资金已全部拨付", D(2026, 7, 20))
    pledge.refresh_from_db()
    event = pledge.unkept_event
    assert event is not None and event.event_date == D(2026, 7, 1)
    assert "最近一次报送为“履行中”" in event.note and event.rectified_on == D(2026, 7, 20)
    assert pledge.status == PledgeStatus.FULFILLED
    assert services.check_overdue(D(2026, 7, 21)).marked == []


def test_an_undone_report_after_the_due_date_marks_the_pledge_unkept_at_once(
    market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body, due_date=D(2026, 4, 30))
    monthly(market_submitter, pledge, "2026-04", "undone", "资金未到位，尚未拨付", D(2026, 5, 6))
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.UNFULFILLED
    assert pledge.unkept_event is not None and pledge.unkept_event.event_date == D(2026, 5, 1)


def test_a_standing_pledge_reported_undone_is_unkept_and_each_new_breach_counts_again(
    market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body, title="企业开办一个工作日内办结", due_date=None)

    monthly(market_submitter, pledge, "2026-03", "ongoing", "全部按时办结", D(2026, 4, 8))
    assert services.check_overdue(D(2026, 12, 31)).marked == []  # no deadline to miss
    monthly(market_submitter, pledge, "2026-04", "undone", "系统故障，3件超时", D(2026, 5, 6))
    pledge.refresh_from_db()
    first = pledge.unkept_event
    assert first is not None and pledge.status == PledgeStatus.UNFULFILLED
    assert (first.kind, first.event_date, first.channel) == (
        "commitment_unkept",
        D(2026, 5, 6),
        "self",
    )
    assert "长期承诺，报送2026年04月履约情况为“未履行”" in first.note
    assert DishonestItem.objects.filter(event=first, rectified_on__isnull=True).exists()
    # a second 未履行 while the breach is open is the same breach
    monthly(market_submitter, pledge, "2026-05", "undone", "仍有2件超时", D(2026, 6, 5))
    assert IntegrityEvent.objects.filter(kind="commitment_unkept").count() == 1
    # 已履行 rectifies it and the pledge stays in force (it has no end)
    monthly(market_submitter, pledge, "2026-06", "done", "全部按时办结", D(2026, 7, 6))
    pledge.refresh_from_db()
    first.refresh_from_db()
    assert pledge.status == PledgeStatus.IN_FORCE and pledge.fulfilled_on is None
    assert first.rectified_on == D(2026, 7, 6)
    # a later 未履行 is a new breach with its own event
    monthly(market_submitter, pledge, "2026-07", "undone", "窗口人员不足，1件超时", D(2026, 8, 5))
    pledge.refresh_from_db()
    second = pledge.unkept_event
    assert second is not None and second.pk != first.pk and second.event_date == D(2026, 8, 5)
    assert IntegrityEvent.objects.filter(kind="commitment_unkept").count() == 2
    evaluate_month(D(2026, 8, 1))
    # August: the open breach deducts 3, the first (rectified in July) no longer does; the five
    # on-time reports in the window earn 0.25 each
    assert score(market_body, "2026-08") == Decimal("98.25")


def test_a_bad_report_changes_nothing(market_submitter: User, market_body: GovBody) -> None:
    pledge = publish(market_submitter, market_body)
    cases: list[tuple[dict[str, object], type[Exception], str]] = [
        ({"period": "2026-13"}, services.PledgeError, "报送月份“2026-13”无效"),
        ({"period": "2026-02"}, services.PledgeError, "早于承诺签署月份2026-03"),
        ({"period": "2026-05"}, services.PledgeError, "晚于本月"),
        ({"status": "maybe"}, services.PledgeError, "请选择履行情况"),
        ({"text": ""}, services.PledgeError, "请填写履行情况说明"),
        (
            {"uploads": [SimpleUploadedFile("假的.pdf", b"MZ\x90")]},
            MaterialError,
            "内容不是PDF文件",
        ),
    ]
    for changes, error, message in cases:
        args: dict[str, object] = {
            "period": "2026-03",
            "status": "ongoing",
            "text": "正在审核申报材料",
            "today": D(2026, 4, 8),
            **changes,
        }
        with pytest.raises(error, match=message):
            services.report(market_submitter, pledge, **args)  # type: ignore[arg-type]
    assert not FulfilmentReport.objects.exists() and not IntegrityEvent.objects.exists()


def test_the_rule_file_must_agree_with_the_evaluation_models_due_day(tmp_path: Path) -> None:
    from dataclasses import replace

    from xinyong.integrity.model import default_versions

    (model,) = default_versions()[:1]
    with pytest.raises(rules.PledgeRuleError, match=r"截止日（report\.due_day）为10日.*为12日"):
        rules.check_against_model(rules.load(), [replace(model, due_day=12)])
    rules.check_against_model(rules.load(), default_versions())
    broken = tmp_path / "pledges.yaml"
    broken.write_text(
        rules.DATA.read_text(encoding="utf-8").replace(
            "statuses: [未履行, 履行中]", "statuses: [不知道]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(rules.PledgeRuleError, match="履行情况“不知道”未知"):
        rules.load(broken)
    broken.write_text(
        rules.DATA.read_text(encoding="utf-8").replace(
            "standing_statuses: [未履行]", "standing_statuses: [已履行]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(rules.PledgeRuleError, match="“已履行”不能认定为承诺未兑现"):
        rules.load(broken)


def test_the_rule_modules_examples_hold() -> None:
    assert doctest.testmod(rules).failed == 0


def test_the_demo_pledges_are_reproducible_and_go_through_the_archive(
    market_body: GovBody, tax_body: GovBody
) -> None:
    import random

    from xinyong.pledges.demo import make_demo_pledges

    made = make_demo_pledges([market_body, tax_body], random.Random(7), D(2026, 11, 20))
    assert len(made) == 4
    reports = FulfilmentReport.objects.filter(pledge__in=made)
    assert reports.exists()
    assert IntegrityEvent.objects.filter(origin__startswith="pledge-report:").count() == (
        reports.count()
    )
    for pledge in made:
        pledge.refresh_from_db()
        if pledge.status == PledgeStatus.UNFULFILLED:
            assert pledge.unkept_event is not None
    assert services.check_overdue(D(2026, 11, 20)).marked == []


def test_only_a_report_of_last_month_is_an_archive_event_and_can_earn_the_bonus(
    client: Client, market_submitter: User, market_body: GovBody
) -> None:
    pledge = publish(market_submitter, market_body, due_date=None)
    old = publish(
        market_submitter,
        market_body,
        title="涉企投诉五个工作日内答复",
        signed_on=D(2023, 3, 2),
        due_date=None,
    )

    def on_6_may(which: Pledge, period: str, text: str) -> FulfilmentReport:
        return services.report(
            market_submitter, which, period=period, status="ongoing", text=text, today=D(2026, 5, 6)
        )

    stale = on_6_may(old, "2023-03", "补报2023年3月的履行情况")
    current = on_6_may(pledge, "2026-05", "本月正在拨付补助资金")
    old_month = on_6_may(pledge, "2026-03", "补报3月的履行情况")
    for item in (stale, current, old_month):
        assert item.event is None and not item.on_time
    assert not IntegrityEvent.objects.filter(kind="fulfilment_report").exists()
    evaluate_month(D(2026, 5, 1))
    assert score(market_body, "2026-05") == Decimal("100.00")  # no bonus for May

    last = monthly(
        market_submitter, pledge, "2026-04", "ongoing", "4月已拨付第一批补助资金", D(2026, 5, 9)
    )
    assert last.event is not None and last.event.kind == "fulfilment_report" and last.on_time
    assert last.event.event_date == D(2026, 5, 9)
    evaluate_month(D(2026, 5, 1))
    assert score(market_body, "2026-05") == Decimal("100.25")
    # Every report is still recorded and published; only last month's one is marked on time.
    page = client.get(f"/integrity/pledges/{pledge.number}/").content.decode()
    assert "补报3月的履行情况" in page and "本月正在拨付补助资金" in page
    assert page.count("按时报送</span>") == 1
