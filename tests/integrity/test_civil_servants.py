"""公职人员诚信档案 (R-GOV-1): civil servants' events, collected with their body's, read by the
credit office only, and never shown with their ID number or full name in a body's report."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.core import ric
from xinyong.departments.models import Department, User
from xinyong.ingest.models import Batch
from xinyong.integrity import pdf
from xinyong.integrity.archive import add_event
from xinyong.integrity.models import Evaluation, GovBody, IntegrityEvent, SourceChannel
from xinyong.integrity.reports import body_report
from xinyong.integrity.services import IntegrityError, body_score, evaluate_month
from xinyong.records.models import CreditRecord
from xinyong.subjects.identity import pii_box
from xinyong.subjects.models import Subject, SubjectKind

from .conftest import make_body
from .test_archive_collection import messages, row, upload, xlsx
from .test_reports import pdf_text

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

ZHANG = "11010519491231002X"
LI = "11010519800101123" + ric.calc_check_digit("11010519800101123")
PAGE = "/office/integrity/persons/"
DOC = "来源文件（文书号）"


@pytest.fixture(autouse=True)
def _inline_ingest(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.XINYONG_INGEST_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def stored(django_capture_on_commit_callbacks: Capture) -> Callable[[], Any]:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def water(db, market_dept: Department) -> GovBody:  # type: ignore[no-untyped-def]
    """The water bureau, whose department (for reading its report) is the market one."""
    body = make_body(3, "示范县水利局")
    body.department = market_dept
    body.save()
    return body


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def accountability(body: GovBody, **overrides: Any) -> dict[str, Any]:
    """A 问责 of the bureau's deputy head (kind criticism), naming him in the event name."""
    values = {
        "事件类别": "criticism",
        "荣誉级别": "",
        "事件名称": "对副局长张三防汛工作落实不力问责",
        "事件摘要": "县纪委监委通报。",
        DOC: "县纪委〔2026〕7号",
        "公职人员姓名": "张三",
        "公职人员身份证号码": ZHANG,
        "职务": "副局长",
    }
    values.update(overrides)
    return row(body, **values)


@pytest.fixture
def collected(market_submitter: User, water: GovBody, stored: Callable[[], Any]) -> Batch:
    return upload(market_submitter, xlsx([accountability(water)]), "问责.xlsx", stored)


def person() -> Subject:
    return Subject.objects.get(id_hash=pii_box().lookup_hash(ZHANG))


# -- collection ------------------------------------------------------------------------------


def test_a_civil_servant_row_becomes_an_event_of_the_body_naming_the_person(
    collected: Batch, water: GovBody
) -> None:
    assert (collected.accepted, collected.rejected) == (1, 0)
    event = IntegrityEvent.objects.get()
    zhang = person()
    assert (event.body, event.kind, event.person, event.person_role) == (
        water,
        "criticism",
        zhang,
        "副局长",
    )
    assert zhang.kind == SubjectKind.NATURAL and zhang.name == "张三"
    assert zhang.id_masked == "1101**********002X"
    assert ZHANG not in zhang.id_cipher and pii_box().decrypt(zhang.id_cipher) == ZHANG
    # The note is shown on the body's own pages: the name is masked there.
    assert "张三" not in event.note and "副局长张*防汛" in event.note
    record = CreditRecord.objects.get()
    assert record.data["person_id_number"] == "1101**********002X"
    assert ZHANG not in json.dumps(record.data, ensure_ascii=False)


def test_name_and_id_number_must_come_together_and_the_number_must_be_valid(
    market_submitter: User, water: GovBody, stored: Callable[[], Any]
) -> None:
    bad = ZHANG[:-1] + "1"
    rows = [
        accountability(water, 公职人员身份证号码=""),
        accountability(water, 公职人员姓名="", **{DOC: "县纪委〔2026〕8号"}),
        accountability(water, 公职人员身份证号码=bad, **{DOC: "县纪委〔2026〕9号"}),
        accountability(water, 公职人员身份证号码="12345", **{DOC: "县纪委10号"}),
        accountability(water, 公职人员姓名="", 公职人员身份证号码="", **{DOC: "县纪委11号"}),
    ]
    batch = upload(market_submitter, xlsx(rows), "问责.xlsx", stored)

    assert (batch.accepted, batch.rejected) == (0, 5)
    refused = messages(batch)
    assert refused[2] == "公职人员身份证号码：填写公职人员姓名时须同时填写其身份证号码"
    assert refused[3] == "公职人员姓名：填写公职人员身份证号码时须同时填写其姓名"
    assert "公职人员身份证号码" in refused[4] and "1101**********0021" in refused[4]
    assert "无效" in refused[5]
    assert refused[6] == "职务：填写职务时须同时填写公职人员姓名和身份证号码"
    assert bad not in json.dumps(refused, ensure_ascii=False)
    assert not IntegrityEvent.objects.exists()


def test_a_number_registered_under_another_name_is_refused_not_renamed(
    market_submitter: User, water: GovBody, collected: Batch, stored: Callable[[], Any]
) -> None:
    row2 = accountability(water, 公职人员姓名="张四", **{DOC: "县纪委〔2026〕12号"})
    batch = upload(market_submitter, xlsx([row2]), "问责.xlsx", stored)

    assert batch.rejected == 1
    assert "已登记为“张*”，与填写的姓名不符" in messages(batch)[2]
    assert person().name == "张三"


def test_the_archive_refuses_a_person_who_is_not_a_natural_person(water: GovBody) -> None:
    with pytest.raises(IntegrityError, match="不是自然人主体"):
        add_event(
            water,
            "criticism",
            this_month(),
            channel=SourceChannel.SHARED,
            person=water.subject,
            person_role="局长",
        )
    assert not IntegrityEvent.objects.exists()


# -- the body's evaluation and report --------------------------------------------------------


def test_the_civil_servants_event_counts_in_the_bodys_month(
    collected: Batch, water: GovBody
) -> None:
    evaluate_month(this_month())
    evaluation = Evaluation.objects.get(body=water, month=this_month())
    item = next(i for i in evaluation.contributions["items"] if i["item"] == "QZGX-1")
    assert Decimal(item["points"]) == Decimal("-2")
    assert item["events"] == [IntegrityEvent.objects.get().pk]


def test_the_bodys_report_names_the_person_masked_with_role_and_never_the_id(
    client: Client, market_submitter: User, collected: Batch, water: GovBody
) -> None:
    evaluate_month(this_month())
    score = body_score(water.subject.uscc or "", this_month())
    event = next(e for i in score["items"] for e in i["events"])
    assert event["person"] == "公职人员（张*，副局长）"

    report = body_report(water, this_month())
    shown = json.dumps(report, ensure_ascii=False)
    assert "公职人员（张*，副局长）" in shown
    for secret in (ZHANG, ric.mask(ZHANG), "张三"):
        assert secret not in shown
        assert secret not in json.dumps(score, ensure_ascii=False)

    client.force_login(market_submitter)
    page = client.get(f"/office/integrity/report/{water.pk}/{this_month():%Y-%m}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "公职人员（张*，副局长）" in html
    assert ZHANG not in html and "张三" not in html and ric.mask(ZHANG) not in html

    text = pdf_text(pdf.render_pdf(report))
    assert "水利局" in text
    assert ZHANG not in text and "张三" not in text


# -- reading the archive ---------------------------------------------------------------------


def test_an_operator_reads_a_persons_archive_by_post_and_the_read_is_audited(
    client: Client, operator: User, collected: Batch, water: GovBody, stored: Callable[[], Any]
) -> None:
    other = make_body(5, "示范县西湖镇人民政府")
    add_event(
        other,
        "honour",
        this_month(),
        channel=SourceChannel.SHARED,
        level="县级",
        source_doc="县委〔2026〕1号",
        person=person(),
        person_role="镇长",
    )
    client.force_login(operator)
    response = client.post(PAGE, {"id_number": ZHANG.lower(), "reason": "干部任用前诚信审查"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "张三" in html and "1101**********002X" in html and ZHANG not in html
    assert "示范县水利局" in html and "示范县西湖镇人民政府" in html
    assert "副局长" in html and "镇长" in html and "县纪委〔2026〕7号" in html
    assert "工作或改革任务落实不力被通报批评、责令整改、问责" in html
    read = AuditEvent.objects.get(action=AuditAction.READ, actor=operator)
    assert read.reason == "干部任用前诚信审查"
    assert read.object_id == str(person().pk) and ZHANG not in json.dumps(read.detail)
    assert len(read.detail["events"]) == 2


def test_the_id_number_is_never_taken_from_the_url(
    client: Client, operator: User, collected: Batch
) -> None:
    client.force_login(operator)
    response = client.get(PAGE, {"id": ZHANG})
    assert response.status_code == 200
    assert "张三" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()


def test_a_bad_number_or_a_missing_reason_is_refused_with_a_chinese_message(
    client: Client, operator: User, collected: Batch
) -> None:
    client.force_login(operator)
    bad = client.post(PAGE, {"id_number": ZHANG[:-1] + "1", "reason": "核查"}).content.decode()
    assert "身份证号码“1101**********0021”无效" in bad
    missing = client.post(PAGE, {"id_number": ZHANG, "reason": " "}).content.decode()
    assert "张三" not in missing
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()


def test_an_unknown_person_is_read_as_no_record_and_still_audited(
    client: Client, operator: User, db: None
) -> None:
    client.force_login(operator)
    response = client.post(PAGE, {"id_number": LI, "reason": "核查"})
    assert "未找到该人员" in response.content.decode()
    read = AuditEvent.objects.get(action=AuditAction.READ)
    assert "无记录" in read.summary and LI not in read.summary


def test_a_department_user_is_refused_with_the_reason_and_the_refusal_audited(
    client: Client, market_submitter: User, collected: Batch
) -> None:
    client.force_login(market_submitter)
    for response in (
        client.get(PAGE),
        client.post(PAGE, {"id_number": ZHANG, "reason": "核查"}),
    ):
        assert response.status_code == 403
        html = response.content.decode()
        assert "只有信用办可以查阅" in html and "张三" not in html
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=market_submitter).count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()


def test_the_command_line_reads_the_archive_audited_as_the_command_line(
    collected: Batch,
) -> None:
    out = StringIO()
    call_command("integrity", "person", ZHANG, "--json", "--reason", "纪检核查", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["found"], data["name"], data["id_masked"]) == (True, "张三", "1101**********002X")
    assert [(e["kind"], e["body"], e["role"]) for e in data["events"]] == [
        ("criticism", "示范县水利局", "副局长")
    ]
    assert ZHANG not in out.getvalue()
    read = AuditEvent.objects.get(action=AuditAction.READ)
    assert (read.actor_name, read.reason) == ("命令行", "纪检核查")

    text = StringIO()
    call_command("integrity", "person", ZHANG, stdout=text)
    assert "张三（1101**********002X）：1条事件" in text.getvalue()
    assert "示范县水利局（副局长）" in text.getvalue()

    with pytest.raises(CommandError, match="无效"):
        call_command("integrity", "person", "12345", stdout=StringIO())
