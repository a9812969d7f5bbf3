"""Departments update the archive (政务诚信档案, R-GOV-1) through collection, catalog type zwcx."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from tests.conftest import MARKET_CODE

from xinyong.catalog.model import CodeList, CodeValue, default_catalog
from xinyong.departments.models import ApiToken, Department, User
from xinyong.ingest.models import Batch, RowError
from xinyong.ingest.services import revoke_record, submit_file, submit_rows
from xinyong.ingest.signals import check_rows, listening, record_revoked, records_stored
from xinyong.integrity import collection
from xinyong.integrity.model import default_versions
from xinyong.integrity.models import (
    BodyLevel,
    DishonestItem,
    Evaluation,
    GovBody,
    IntegrityEvent,
    SourceChannel,
    Warning,
)
from xinyong.integrity.services import evaluate_month, register_body
from xinyong.records.models import CreditRecord
from xinyong.subjects.identity import SubjectRef, resolve
from xinyong.subjects.models import SubjectKind

from .conftest import body_code, make_body

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
LABELS = [f.label for f in default_catalog().type("zwcx").fields]
HONOUR = "表彰奖励、试点示范、创新认定"


@pytest.fixture(autouse=True)
def _inline_ingest(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.XINYONG_INGEST_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def own(market_dept: Department) -> GovBody:
    """The market department itself is a body under evaluation."""
    ref = SubjectRef(SubjectKind.GOVERNMENT, market_dept.name, uscc=market_dept.code)
    subject = next(iter(resolve([ref]).values()))
    return register_body(subject, BodyLevel.COUNTY_DEPT, department=market_dept)


@pytest.fixture
def other(db) -> GovBody:  # type: ignore[no-untyped-def]
    return make_body(3, "示范县水利局")


@pytest.fixture
def stored(django_capture_on_commit_callbacks: Capture) -> Callable[[], Iterator[Any]]:
    """Run the on-commit hooks of a submission, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)  # type: ignore[no-any-return]


def this_month(day: int = 1) -> str:
    return timezone.localdate().replace(day=day).isoformat()


def row(body: GovBody, **overrides: Any) -> dict[str, Any]:
    values = {
        "主体名称": body.name,
        "统一社会信用代码": body.subject.uscc,
        "事件类别": HONOUR,
        "事件名称": "获评全省政务公开工作先进单位",
        "事件摘要": "省政务公开办通报表彰。",
        "发生日期": this_month(),
        "荣誉级别": "省级",
        "来源文件（文书号）": f"省政务公开办〔2026〕{body.pk}号",
        "来源文件制发单位": "某某省人民政府办公厅",
        "报送部门": "示范县市场监督管理局",
        "报送部门统一社会信用代码": MARKET_CODE,
    }
    values.update(overrides)
    return values


def xlsx(rows: list[dict[str, Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(LABELS)
    for r in rows:
        ws.append([r.get(label) for label in LABELS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def gbk_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LABELS)
    for r in rows:
        writer.writerow([r.get(label, "") for label in LABELS])
    return out.getvalue().encode("gbk")


def upload(user: User, data: bytes, name: str, stored: Callable[[], Any]) -> Batch:
    with stored():
        return submit_file(user, user.department, "zwcx", io.BytesIO(data), name)  # type: ignore[arg-type]


def messages(batch: Batch) -> dict[int, str]:
    return {
        e.row_number: "；".join(f"{i['field']}：{i['message']}" for i in e.errors)
        for e in RowError.objects.filter(batch=batch)
    }


def event_of(record: CreditRecord) -> IntegrityEvent:
    return IntegrityEvent.objects.get(origin=f"record:{record.pk}")


# -- files ----------------------------------------------------------------------------------


def test_an_uploaded_workbook_becomes_archive_events_with_their_origins_and_channels(
    market_submitter: User, own: GovBody, other: GovBody, stored: Callable[[], Any]
) -> None:
    stranger = body_code(9)
    rows = [
        row(own),
        row(other, 事件类别="criticism", 荣誉级别="", 事件名称="被县政府通报批评"),
        row(other, 荣誉级别="", **{"来源文件（文书号）": "县政府〔2026〕9号"}),
        row(own, 统一社会信用代码=stranger, 主体名称="某某县未登记局"),
    ]
    batch = upload(market_submitter, xlsx(rows), "政务诚信.xlsx", stored)

    assert (batch.submitted, batch.accepted, batch.rejected) == (4, 2, 2)
    assert batch.accepted + batch.rejected == batch.submitted
    honour = event_of(CreditRecord.objects.get(subject=own.subject))
    assert (honour.body, honour.kind, honour.level) == (own, "honour", "省级")
    assert honour.channel == SourceChannel.SELF and honour.created_by == market_submitter
    assert honour.source_doc == f"某某省人民政府办公厅 省政务公开办〔2026〕{own.pk}号"
    assert honour.note.startswith("获评全省政务公开工作先进单位：")
    criticism = event_of(CreditRecord.objects.get(subject=other.subject))
    assert (criticism.kind, criticism.channel) == ("criticism", SourceChannel.SHARED)
    refused = messages(batch)
    assert refused[4] == f"荣誉级别：事件类别为“{HONOUR}”时必填"
    assert refused[5] == (
        f"统一社会信用代码：“{stranger}”（某某县未登记局）不是政务诚信评价对象，"
        "请先由信用办将该单位纳入评价"
    )
    assert IntegrityEvent.objects.count() == 2


def test_a_gbk_csv_file_is_collected_the_same_way(
    market_submitter: User, own: GovBody, other: GovBody, stored: Callable[[], Any]
) -> None:
    rows = [row(own, 事件类别="honour", 荣誉级别="国家"), row(other, 事件类别="mass_incident")]
    batch = upload(market_submitter, gbk_csv(rows), "政务诚信.csv", stored)

    assert (batch.submitted, batch.accepted, batch.rejected) == (2, 2, 0)
    assert batch.encoding == "GBK/GB18030"
    events = IntegrityEvent.objects.order_by("body__subject__uscc")
    assert [(e.body, e.kind, e.level, e.channel) for e in events] == [
        (own, "honour", "国家级", SourceChannel.SELF),
        (other, "mass_incident", "", SourceChannel.SHARED),
    ]
    assert all(e.origin.startswith("record:") for e in events)


def test_the_import_command_feeds_the_archive(
    market_dept: Department, other: GovBody, tmp_path: Path, stored: Callable[[], Any]
) -> None:
    path = tmp_path / "zwcx.xlsx"
    path.write_bytes(xlsx([row(other, 事件类别="target_excellent", 荣誉级别="")]))
    with stored():
        call_command(
            "import", str(path), "--type", "zwcx", "--department", MARKET_CODE, "--no-progress"
        )
    event = IntegrityEvent.objects.get()
    assert (event.body, event.kind, event.channel) == (other, "target_excellent", "shared")


# -- the checks a row meets before it is stored ---------------------------------------------


def test_a_channel_the_department_cannot_claim_and_a_wrong_name_are_refused(
    market_submitter: User, own: GovBody, other: GovBody, stored: Callable[[], Any]
) -> None:
    rows = [
        row(other, 信息来源渠道="本单位报送"),
        row(own, 信息来源渠道="部门共享"),
        row(other, 主体名称="水利局"),
        row(own, 信息来源渠道="本单位"),
    ]
    batch = upload(market_submitter, xlsx(rows), "x.xlsx", stored)

    assert (batch.accepted, batch.rejected) == (1, 3)
    refused = messages(batch)
    assert refused[2] == (
        "信息来源渠道：“示范县市场监督管理局”不是示范县水利局本身，其报送的信息应为“部门共享”"
    )
    assert "其报送的信息应为“本单位报送”" in refused[3]
    assert (
        refused[4] == "主体名称：“水利局”与评价对象登记的名称“示范县水利局”不符，请按登记名称填写"
    )
    assert IntegrityEvent.objects.get().channel == SourceChannel.SELF


def test_kinds_another_register_feeds_are_refused_so_nothing_counts_twice(
    market_submitter: User, other: GovBody, stored: Callable[[], Any]
) -> None:
    rows = [row(other, 事件类别=kind, 荣誉级别="") for kind in ("arrears", "sxbzxr", "complaint")]
    batch = upload(market_submitter, xlsx(rows), "x.xlsx", stored)

    assert (batch.accepted, batch.rejected) == (0, 3)
    refused = messages(batch)
    assert "由拖欠账款台账自动计入政务诚信档案" in refused[2]
    assert "由失信被执行人名单自动计入" in refused[3] and "由政务失信投诉办理" in refused[4]
    assert not IntegrityEvent.objects.exists()


def test_the_code_list_of_kinds_agrees_with_the_model_and_a_difference_is_named() -> None:
    shipped = default_catalog().codelists[collection.KIND_LIST]
    assert collection.kind_mismatches(shipped, default_versions()) == []
    model = default_versions()[-1]
    assert {v.aliases[0] for v in shipped.values} == set(model.kinds)

    values = [v for v in shipped.values if "honour" not in v.aliases]
    values.append(CodeValue("闲聊", ("gossip",)))
    values.append(CodeValue("无代码"))
    broken = CodeList("zwcx_kind", "政务诚信事件类别", tuple(values))
    assert collection.kind_mismatches(broken, default_versions()) == sorted(
        [
            f"缺少类别“honour”（{HONOUR}）",
            "类别“gossip”（闲聊）不在评价模型中",
            "“无代码”应有且只有一个小写英文的类别代码别名",
        ]
    )


def test_only_types_with_receivers_pay_for_the_hooks() -> None:
    for signal in (check_rows, records_stored, record_revoked):
        assert listening(signal, "zwcx") and not listening(signal, "xzcf")


# -- resubmission and revocation -------------------------------------------------------------


def test_submitting_the_same_body_and_document_again_updates_its_one_event(
    market_submitter: User, market_dept: Department, other: GovBody, stored: Callable[[], Any]
) -> None:
    first = row(other, 事件类别="violation", 荣誉级别="")
    with stored():
        submit_rows(market_submitter, market_dept, "zwcx", [first])
    day = this_month()
    with stored():
        _batch, verdicts = submit_rows(
            market_submitter, market_dept, "zwcx", [dict(first, 整改完成日期=day)]
        )
    assert verdicts[0].action == "update"
    with stored():
        submit_rows(market_submitter, market_dept, "zwcx", [dict(first, 整改完成日期=day)])

    record = CreditRecord.objects.get()
    event = IntegrityEvent.objects.get()
    assert event.origin == f"record:{record.pk}" and record.version == 2
    assert event.rectified_on == dt.date.fromisoformat(day)


def test_revoking_the_record_withdraws_its_event_from_the_score(
    market_submitter: User, market_dept: Department, other: GovBody, stored: Callable[[], Any]
) -> None:
    with stored():
        submit_rows(
            market_submitter, market_dept, "zwcx", [row(other, 事件类别="violation", 荣誉级别="")]
        )
    record = CreditRecord.objects.get()
    assert IntegrityEvent.objects.filter(origin=f"record:{record.pk}").exists()
    with stored():
        revoke_record(market_submitter, record, "文书号填错")
    event = IntegrityEvent.objects.get()  # kept in the archive, marked withdrawn
    assert event.withdrawn_on is not None and "文书号填错" in event.withdraw_reason


# -- what an event sets off -----------------------------------------------------------------


def test_an_event_of_a_warning_kind_raises_a_warning(
    market_submitter: User, market_dept: Department, other: GovBody, stored: Callable[[], Any]
) -> None:
    with stored():
        submit_rows(
            market_submitter,
            market_dept,
            "zwcx",
            [row(other, 事件类别="不履职引发群体性事件或重大舆情", 荣誉级别="")],
        )
    warning = Warning.objects.get()
    assert warning.body == other and warning.event == IntegrityEvent.objects.get()
    assert warning.kind == "mass_incident"


def test_an_event_of_a_dishonest_kind_opens_a_dishonest_item(
    market_submitter: User, market_dept: Department, other: GovBody, stored: Callable[[], Any]
) -> None:
    with stored():
        submit_rows(
            market_submitter,
            market_dept,
            "zwcx",
            [row(other, 事件类别="承诺未兑现", 荣誉级别="")],
        )
    item = DishonestItem.objects.get()
    assert (item.body, item.kind, item.event) == (
        other,
        "commitment_unkept",
        IntegrityEvent.objects.get(),
    )


def test_a_fulfilment_report_counts_from_the_day_it_was_received(
    market_submitter: User, market_dept: Department, own: GovBody, stored: Callable[[], Any]
) -> None:
    early = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    with stored():
        submit_rows(
            market_submitter,
            market_dept,
            "zwcx",
            [row(own, 事件类别="fulfilment_report", 荣誉级别="", 发生日期=early)],
        )
    assert IntegrityEvent.objects.get().event_date == timezone.localdate()


# -- API, templates, evaluation -------------------------------------------------------------


def test_rows_posted_to_the_api_enter_the_archive_and_count_in_the_month(
    client: Client,
    market_submitter: User,
    own: GovBody,
    other: GovBody,
    stored: Callable[[], Any],
) -> None:
    token = ApiToken.issue(market_submitter, "政务诚信对接")[1]
    keys = {f.label: f.key for f in default_catalog().type("zwcx").fields}
    rows = [
        {keys[k]: v for k, v in row(own, 事件类别="honour").items()},
        row(other, 荣誉级别=""),
    ]
    with stored():
        response = client.post(
            "/api/v1/records/zwcx",
            {"rows": rows},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["submitted"], body["accepted"], body["rejected"]) == (2, 1, 1)
    verdicts = {v["row"]: v for v in body["rows"]}
    assert {"field": "荣誉级别", "message": f"事件类别为“{HONOUR}”时必填"} in verdicts[2]["errors"]
    event = IntegrityEvent.objects.get()
    assert event.origin == f"record:{verdicts[1]['record_id']}"

    month = timezone.localdate().replace(day=1)
    evaluate_month(month)
    evaluation = Evaluation.objects.get(month=month, body=own)
    counted = {e for item in evaluation.contributions["items"] for e in item["events"]}
    assert event.pk in counted
    assert evaluation.score > Evaluation.objects.get(month=month, body=other).score


def test_the_excel_template_of_zwcx_is_offered_on_the_portal_and_the_office(
    client: Client, market_submitter: User
) -> None:
    response = client.get("/templates/zwcx.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == LABELS
    client.force_login(market_submitter)
    page = client.get("/office/upload/").content.decode()
    assert "/templates/zwcx.xlsx" in page and "政务诚信信息" in page
    form = client.get("/office/form/zwcx/").content.decode()
    assert "事件类别" in form and HONOUR in form


def test_start_up_stops_when_the_model_has_a_kind_the_code_list_lacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collection.check_catalog()
    model = default_versions()[-1]
    changed = dataclasses.replace(model, kinds={**model.kinds, "gossip": "闲聊"})
    monkeypatch.setattr(collection, "default_versions", lambda: (changed,))
    with pytest.raises(ImproperlyConfigured, match="缺少类别“gossip”（闲聊）"):
        collection.check_catalog()


# -- repair and the daily reconciliation ----------------------------------------------------


def submit_one(
    user: User, department: Department, values: dict[str, Any], stored: Callable[[], Any]
) -> CreditRecord:
    with stored():
        _batch, verdicts = submit_rows(user, department, "zwcx", [values])
    return CreditRecord.objects.get(pk=verdicts[0].record_id)


def repair(user: User, record: CreditRecord, stored: Callable[[], Any]) -> None:
    """Approve a credit repair of ``record`` through the repair service (zwcx is not in the
    shipped repair rules, so the application is filed directly)."""
    from xinyong.repair import services as repair_services
    from xinyong.repair.models import RepairApplication

    today = timezone.localdate()
    application = RepairApplication.objects.create(
        tracking_no=f"XF{record.pk:08d}",
        access_hash="x",
        record=record,
        subject=record.subject,
        department=record.department,
        tier="一般",
        condition_rule="test",
        procedure_rule="test",
        rules_version="test",
        earliest_date=today,
        applicant_name="张经办",
        applicant_phone="0570-1234567",
        statement="已整改到位",
        submitted_at=timezone.now(),
        submitted_date=today,
        accept_due=today,
        review_due=today,
    )
    with stored():
        repair_services.approve(user, application, "整改到位，准予修复")


def failing_once(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """Make ``archive.<name>`` fail on its next call only; the list records the failure."""
    from xinyong.integrity import archive

    real = getattr(archive, name)
    failed: list[str] = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if not failed:
            failed.append(name)
            raise RuntimeError("数据库暂时不可用")
        return real(*args, **kwargs)

    monkeypatch.setattr(archive, name, flaky)
    return failed


def test_a_record_whose_receiver_failed_enters_the_archive_at_the_next_reconciliation(
    market_submitter: User,
    market_dept: Department,
    other: GovBody,
    stored: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failed = failing_once(monkeypatch, "add_event")
    record = submit_one(
        market_submitter, market_dept, row(other, 事件类别="violation", 荣誉级别=""), stored
    )
    assert failed == ["add_event"] and not IntegrityEvent.objects.exists()

    counts = collection.reconcile(timezone.localdate())

    assert (counts.records, counts.added, counts.repaired, counts.removed) == (1, 1, 0, 0)
    assert counts.problems == []
    assert "补记事件1条" in counts.explain()
    event = event_of(record)
    assert (event.body, event.kind, event.channel) == (other, "violation", SourceChannel.SHARED)


def test_approving_a_repair_of_a_zwcx_record_sets_its_events_repair_date(
    market_submitter: User, market_dept: Department, other: GovBody, stored: Callable[[], Any]
) -> None:
    record = submit_one(
        market_submitter, market_dept, row(other, 事件类别="承诺未兑现", 荣誉级别=""), stored
    )
    assert event_of(record).repaired_on is None

    repair(market_submitter, record, stored)

    event = event_of(record)
    assert event.repaired_on == timezone.localdate()
    # the body's dishonest item closes with the repair (archive.clear_event → dishonest.py)
    assert DishonestItem.objects.get(event=event).rectified_on == timezone.localdate()
    assert collection.reconcile(timezone.localdate()).repaired == 0


def test_a_repair_whose_receiver_failed_is_caught_up_by_the_reconciliation(
    market_submitter: User,
    market_dept: Department,
    other: GovBody,
    stored: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = submit_one(
        market_submitter, market_dept, row(other, 事件类别="violation", 荣誉级别=""), stored
    )
    failed = failing_once(monkeypatch, "clear_event")
    repair(market_submitter, record, stored)
    record.refresh_from_db()
    assert failed == ["clear_event"] and record.status == "repaired"
    assert event_of(record).repaired_on is None

    counts = collection.reconcile(timezone.localdate())

    assert (counts.added, counts.repaired, counts.removed) == (0, 1, 0)
    assert event_of(record).repaired_on == timezone.localdate()


def test_a_revoked_record_whose_event_stayed_is_taken_out_by_the_reconciliation(
    market_submitter: User,
    market_dept: Department,
    other: GovBody,
    stored: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = submit_one(
        market_submitter, market_dept, row(other, 事件类别="violation", 荣誉级别=""), stored
    )
    warned = submit_one(
        market_submitter,
        market_dept,
        row(
            other,
            事件类别="mass_incident",
            荣誉级别="",
            **{"来源文件（文书号）": "县政府〔2026〕77号"},
        ),
        stored,
    )
    failed = failing_once(monkeypatch, "remove_event")
    with stored():
        revoke_record(market_submitter, plain, "文书号填错")
    failed.clear()  # and fail again for the second one
    with stored():
        revoke_record(market_submitter, warned, "重复报送")
    assert IntegrityEvent.objects.count() == 2

    counts = collection.reconcile(timezone.localdate())

    assert (counts.added, counts.repaired, counts.removed) == (0, 0, 2)
    assert all(e.withdrawn_on == timezone.localdate() for e in IntegrityEvent.objects.all())
    assert event_of(plain).withdraw_reason == "文书号填错"
    assert "补记撤销2条" in counts.explain()


def test_a_record_the_archive_cannot_take_is_named_and_the_others_still_reconciled(
    market_submitter: User,
    market_dept: Department,
    other: GovBody,
    own: GovBody,
    stored: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xinyong.integrity import archive

    monkeypatch.setattr(archive, "add_event", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    lost = submit_one(
        market_submitter, market_dept, row(other, 事件类别="violation", 荣誉级别=""), stored
    )
    fine = submit_one(market_submitter, market_dept, row(own), stored)
    monkeypatch.undo()
    GovBody.objects.filter(pk=other.pk).delete()

    counts = collection.reconcile(timezone.localdate())

    assert (counts.added, len(counts.problems)) == (1, 1)
    assert counts.problems[0] == (
        f"记录{lost.pk}（{lost.doc_no}）：“{other.subject.uscc}”（示范县水利局）"
        "已不是政务诚信评价对象"
    )
    assert "1条未能处理" in counts.explain() and event_of(fine).body == own


def test_reconciling_again_changes_nothing_with_a_bounded_number_of_queries(
    market_submitter: User,
    market_dept: Department,
    other: GovBody,
    own: GovBody,
    stored: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    records = [
        submit_one(
            market_submitter,
            market_dept,
            row(body, 事件类别=kind, 荣誉级别="", **{"来源文件（文书号）": f"县政府〔2026〕{n}号"}),
            stored,
        )
        for n, (body, kind) in enumerate(
            [(other, "violation"), (other, "mass_incident"), (own, "criticism")] * 2
        )
    ]
    repair(market_submitter, records[0], stored)
    with stored():
        revoke_record(market_submitter, records[1], "文书号填错")
    failing_once(monkeypatch, "remove_event")
    with stored():
        revoke_record(market_submitter, records[4], "重复报送")
    first = collection.reconcile(timezone.localdate())
    assert (first.records, first.added, first.repaired, first.removed) == (6, 0, 0, 1)
    before = list(IntegrityEvent.objects.order_by("pk").values())

    with django_assert_max_num_queries(2):
        again = collection.reconcile(timezone.localdate())

    assert (again.records, again.added, again.repaired, again.removed) == (6, 0, 0, 0)
    assert again.problems == [] and list(IntegrityEvent.objects.order_by("pk").values()) == before
    assert again.explain() == (
        "政务诚信信息核对：6条记录，补记事件0条、补记信用修复0条、补记撤销0条"
    )


def test_only_zwcx_listens_for_repairs() -> None:
    from xinyong.ingest.signals import record_repaired

    assert listening(record_repaired, "zwcx") and not listening(record_repaired, "xzcf")
