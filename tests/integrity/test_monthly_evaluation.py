"""The monthly evaluation service and commands (R-GOV-3): runs, re-runs, scores, model versions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xinyong.audit.models import AuditEvent
from xinyong.integrity.model import DATA
from xinyong.integrity.models import Evaluation, EvaluationRun, GovBody, ModelVersion
from xinyong.integrity.services import (
    IntegrityError,
    add_model_version,
    evaluate_month,
    model_for,
    register_body,
)
from xinyong.subjects.identity import SubjectRef, resolve
from xinyong.subjects.models import SubjectKind

APRIL = dt.date(2026, 4, 1)
MARCH = dt.date(2026, 3, 1)


def scores(month: dt.date) -> dict[str, tuple[str, str, int]]:
    return {
        e.body.name: (str(e.score), e.grade, e.rank)
        for e in Evaluation.objects.filter(month=month).select_related("body")
    }


def cli(*args: str) -> str:
    out = StringIO()
    call_command("integrity", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def archive(bodies: dict[str, GovBody], add_event: Callable[..., Any]) -> dict[str, Any]:
    return {
        "honour": add_event(bodies["edu"], "honour", "2025-03-15", level="省级"),
        "arrear": add_event(
            bodies["fin"], "arrears", "2026-02-01", repaired_on="2026-04-20", note="工程款"
        ),
        "report": add_event(bodies["water"], "fulfilment_report", "2026-04-09"),
        "incident": add_event(bodies["west"], "mass_incident", "2025-12-01"),
    }


def test_a_month_is_evaluated_for_every_body_with_score_grade_rank_and_change(
    bodies: dict[str, GovBody], archive: dict[str, Any]
) -> None:
    evaluate_month(MARCH)
    run = evaluate_month(APRIL)
    assert run.bodies == 5 and run.events == 4 and not run.unchanged
    assert scores(APRIL) == {
        "示范县教育局": ("102.00", "A", 1),
        "示范县水利局": ("100.25", "A", 2),
        "示范县财政局": ("97.00", "A", 3),
        "示范县东城街道办事处": ("100.00", "A", 1),
        "示范县西湖镇人民政府": ("95.00", "A", 2),
    }
    water = Evaluation.objects.get(month=APRIL, body=bodies["water"])
    assert water.delta == Decimal("0.25")  # March had no report yet
    assert water.contributions["items"][0]["events"] == [archive["report"].id]


def test_a_repaired_arrear_stops_counting_the_month_after_repair(
    bodies: dict[str, GovBody], archive: dict[str, Any]
) -> None:
    evaluate_month(APRIL)
    evaluate_month(dt.date(2026, 5, 1))
    assert scores(APRIL)["示范县财政局"][0] == "97.00"
    assert scores(dt.date(2026, 5, 1))["示范县财政局"][0] == "100.00"


def test_re_running_a_month_with_the_same_inputs_gives_the_same_result(
    bodies: dict[str, GovBody], archive: dict[str, Any]
) -> None:
    first = evaluate_month(APRIL)
    before = list(
        Evaluation.objects.filter(month=APRIL)
        .order_by("body")
        .values_list("body", "score", "grade", "rank", "contributions")
    )
    again = evaluate_month(APRIL)
    assert again.unchanged and again.digest == first.digest and again.changes == []
    after = list(
        Evaluation.objects.filter(month=APRIL)
        .order_by("body")
        .values_list("body", "score", "grade", "rank", "contributions")
    )
    assert after == before
    assert EvaluationRun.objects.filter(month=APRIL).count() == 2


def test_a_re_run_after_a_late_event_records_what_changed(
    bodies: dict[str, GovBody], archive: dict[str, Any], add_event: Callable[..., Any]
) -> None:
    first = evaluate_month(APRIL)
    late = add_event(bodies["edu"], "sxbzxr", "2026-04-28", channel="shared")
    run = evaluate_month(APRIL)
    assert not run.unchanged and run.digest != first.digest
    changed = {c["name"]: c for c in run.changes}
    assert changed["示范县教育局"]["before"] == {"score": "102.00", "grade": "A", "rank": 1}
    assert changed["示范县教育局"]["after"] == {"score": "92.00", "grade": "B", "rank": 3}
    # The others moved up one place.
    assert changed["示范县水利局"]["after"]["rank"] == 1
    assert "示范县东城街道办事处" not in changed
    assert Evaluation.objects.filter(month=APRIL).count() == 5
    evaluation = Evaluation.objects.get(month=APRIL, body=bodies["edu"])
    assert evaluation.run_id == run.pk
    assert any(late.id in item["events"] for item in evaluation.contributions["items"])
    assert AuditEvent.objects.filter(summary__contains="补录数据后重算").exists()


def test_the_score_command_prints_the_items_and_the_events_behind_them(
    bodies: dict[str, GovBody], archive: dict[str, Any]
) -> None:
    cli("evaluate", "--month", "2026-04")
    code = bodies["fin"].subject.uscc
    assert code is not None
    out = json.loads(cli("score", code, "--month", "2026-04", "--json"))
    assert out["score"] == "97.00" and out["grade"] == "A" and out["rank"] == 3 and out["of"] == 3
    assert out["level"] == "县直部门"
    (item,) = out["items"]
    assert item["item"] == "SXJN-3" and item["points"] == "-3.00"
    assert item["events"][0]["id"] == archive["arrear"].id
    assert item["events"][0]["repaired_on"] == "2026-04-20"
    assert item["events"][0]["kind_name"] == "拖欠民营企业账款或农民工工资"
    assert not any("整改或修复后" in line for line in item["explanation"])
    assert "每件事件按条目分值计分" in item["explanation"][-1]
    text = cli("score", code, "--month", "2026-04")
    assert "示范县财政局 2026-04：97.00分，A级" in text


def test_the_score_command_refuses_an_unknown_body_or_an_unevaluated_month(
    bodies: dict[str, GovBody],
) -> None:
    with pytest.raises(CommandError, match="不是政务诚信评价对象"):
        cli("score", "91330100MA0000001X", "--month", "2026-04")
    code = bodies["edu"].subject.uscc
    assert code is not None
    with pytest.raises(CommandError, match="尚无2026-04的评价结果"):
        cli("score", code, "--month", "2026-04")
    with pytest.raises(CommandError, match="不是有效月份"):
        cli("evaluate", "--month", "2026-13")


def test_the_evaluate_command_reports_an_unchanged_re_run(
    bodies: dict[str, GovBody], archive: dict[str, Any]
) -> None:
    first = json.loads(cli("evaluate", "--month", "2026-04", "--json"))
    assert first["grades"] == {"A": 5} and first["unchanged"] is False
    assert "结果未变" in cli("evaluate", "--month", "2026-04")


def test_only_government_subjects_can_be_evaluated(db: None) -> None:
    ref = SubjectRef(SubjectKind.LEGAL, "示范贸易有限公司", uscc="91330100MA27U0Y23F")
    company = next(iter(resolve([ref]).values()))
    with pytest.raises(IntegrityError, match="不是政府机构主体"):
        register_body(company, "county_dept")


def test_an_operator_issues_a_new_model_version_without_code(
    bodies: dict[str, GovBody], archive: dict[str, Any], tmp_path: Path, operator: Any
) -> None:
    text = DATA.read_text(encoding="utf-8")
    text = text.replace('version: "2026.1"', 'version: "2026.7"')
    text = text.replace("effective_from: 2020-01-01", "effective_from: 2026-07-01")
    text = text.replace(
        '{code: SXJN-3, name: 拖欠民营企业账款、农民工工资, sign: "-", points: 3,',
        '{code: SXJN-3, name: 拖欠民营企业账款、农民工工资, sign: "-", points: 4,',
    )
    path = tmp_path / "model-2026-07.yaml"
    path.write_text(text, encoding="utf-8")
    assert "已登记评价模型版本2026.7" in cli("model", "add", str(path), "--user", operator.username)
    assert ModelVersion.objects.get().created_by == operator
    assert model_for(dt.date(2026, 6, 1)).version == "2026.1"
    assert model_for(dt.date(2026, 7, 1)).version == "2026.7"
    with pytest.raises(IntegrityError, match="已存在"):
        add_model_version(text, path.name)
    archive["arrear"].event_date = dt.date(2026, 6, 10)
    archive["arrear"].repaired_on = None
    archive["arrear"].save()
    run = evaluate_month(dt.date(2026, 7, 1))
    assert run.model_version == "2026.7"
    assert scores(dt.date(2026, 7, 1))["示范县财政局"][0] == "96.00"
    shown = json.loads(cli("model", "show", "--json"))
    assert [m["version"] for m in shown] == ["2026.1", "2026.7"]


def test_a_new_version_must_agree_with_the_catalog_and_the_pledge_rules(db: None) -> None:
    base = DATA.read_text(encoding="utf-8")
    base = base.replace('version: "2026.1"', 'version: "2026.8"')
    base = base.replace("effective_from: 2020-01-01", "effective_from: 2026-08-01")
    new_kind = base.replace(
        "      complaint: 企业投诉政务失信经查属实\n",
        "      complaint: 企业投诉政务失信经查属实\n      drill: 应急演练不到位\n",
    )
    with pytest.raises(IntegrityError, match="缺少类别“drill”"):
        add_model_version(new_kind, "m.yaml")
    other_day = base.replace("due_day: 10 ", "due_day: 15 ")
    assert other_day != base
    with pytest.raises(IntegrityError, match="报送截止日"):
        add_model_version(other_day, "m.yaml")
    assert not ModelVersion.objects.exists()
