import io

from tests.ingest.factories import penalty, to_csv

from xinyong.ingest.services import submit_file
from xinyong.records.models import CreditRecord


def test_a_gbk_csv_is_collected(market_submitter, market_dept):
    rows = [penalty(n, market_dept.code) for n in range(1, 6)]
    rows.append(penalty(6, market_dept.code, **{"处罚决定日期": "2026-02-30"}))
    batch = submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv(rows)), "处罚.csv")
    assert (batch.submitted, batch.accepted, batch.rejected) == (6, 5, 1)
    assert CreditRecord.objects.count() == 5
    error = batch.row_errors.get()
    assert error.row_number == 7
    assert "2026-02-30" in error.errors[0]["message"]


def test_a_rejected_row_keeps_the_id_number_only_masked(market_submitter, market_dept):
    from tests.ingest.factories import person_id

    number = person_id(3)
    row = penalty(
        1,
        market_dept.code,
        **{
            "行政相对人类别": "自然人",
            "行政相对人代码": "",
            "法定代表人": "",
            "证件类型": "身份证",
            "证件号码": number,
            "处罚决定日期": "2026-02-30",
        },
    )
    batch = submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([row])), "a.csv")
    assert batch.rejected == 1
    stored = batch.row_errors.get().raw
    assert number not in str(stored)
    assert stored["id_number"] == number[:4] + "*" * 10 + number[-4:]


def test_a_penalty_is_shown_through_the_last_day_of_its_year(market_submitter, market_dept):
    import datetime as dt

    row = penalty(1, market_dept.code, **{"处罚决定日期": "2026-03-02"})
    submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([row])), "a.csv")
    record = CreditRecord.objects.get()
    # 一般 tier under 令第58号 (decided before 2026-04-01): one year at most.
    assert record.publicity_end == dt.date(2027, 3, 1)
    assert CreditRecord.objects.public(dt.date(2027, 3, 1)).exists()
    assert not CreditRecord.objects.public(dt.date(2027, 3, 2)).exists()


def test_a_correction_keeps_the_timeliness_of_the_first_receipt(market_submitter, market_dept):
    import datetime as dt

    from django.utils import timezone

    decided = timezone.localdate() - dt.timedelta(days=30)
    row = penalty(1, market_dept.code, **{"处罚决定日期": decided.isoformat()})
    submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([row])), "a.csv")
    # As if the decision had first arrived the day after it was made.
    first = decided + dt.timedelta(days=1)
    CreditRecord.objects.update(received_date=first)
    row["违法事实"] = "更正后的违法事实。"
    batch = submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([row])), "b.csv")
    record = CreditRecord.objects.get()
    assert (batch.updated, record.version) == (1, 2)
    assert record.received_date == first
    assert record.late is False


def test_rows_accepted_with_a_conversion_are_reported_on_the_batch(market_submitter, market_dept):
    row = penalty(
        1,
        market_dept.code,
        **{"处罚类别": "暂扣或者吊销许可证", "暂扣或吊销证照名称及编号": "食品经营许可证 JY1330"},
    )
    batch = submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([row])), "a.csv")
    assert batch.accepted == 1
    [note] = [w for w in batch.warnings if "有提示" in w]
    assert note.startswith("1行已接收但有提示")
    assert "第2行" in note


def test_listing_records_the_public_cannot_see_is_audited(client, market_submitter, market_dept):
    from xinyong.audit.models import AuditEvent
    from xinyong.ingest.services import revoke_record

    rows = [penalty(n, market_dept.code) for n in (1, 2)]
    submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv(rows)), "a.csv")
    revoked = CreditRecord.objects.order_by("pk").first()
    assert revoked is not None
    revoke_record(market_submitter, revoked, "复议撤销")
    client.force_login(market_submitter)
    assert client.get("/office/records/").status_code == 200
    assert client.get("/api/v1/records").status_code == 200
    reads = AuditEvent.objects.filter(action="read").order_by("pk")
    assert [e.detail["records"] for e in reads] == [[revoked.pk], [revoked.pk]]


def test_a_stored_record_reads_back_with_the_id_number_masked(market_submitter, market_dept):
    from tests.ingest.factories import person_id

    from xinyong.core.pii import PiiBox

    number = person_id(5)
    overrides = {"行政相对人类别": "自然人", "行政相对人代码": "", "法定代表人": ""}
    overrides |= {"证件类型": "身份证", "证件号码": number}
    row = penalty(1, market_dept.code, **overrides)
    submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([row])), "a.csv")
    record = CreditRecord.objects.get()
    assert record.data["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert record.data["decision_date"] == "2026-03-02"
    assert record.versions.get().data == record.data
    from django.conf import settings

    assert number in PiiBox(settings.PII_KEY).decrypt(record.pii_cipher)


def test_the_submission_deadline_comes_from_the_catalog(market_submitter, market_dept):
    from django.utils import timezone

    from xinyong.catalog.model import default_catalog
    from xinyong.workdays.services import get_calendar

    assert default_catalog().type("xzcf").timely_workdays == 7
    calendar = get_calendar()
    # the last working day up to today, so the count does not depend on today's weekday
    today = calendar.previous_workday(timezone.localdate(), inclusive=True)
    rows = [
        penalty(1, market_dept.code, **{"处罚决定日期": calendar.add(today, -7).isoformat()}),
        penalty(2, market_dept.code, **{"处罚决定日期": calendar.add(today, -8).isoformat()}),
    ]
    submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv(rows)), "a.csv")
    late = dict(CreditRecord.objects.values_list("row_number", "late"))
    assert late == {2: False, 3: True}


def test_a_repaired_decision_cannot_be_brought_back_by_resubmitting_it(
    market_submitter, market_dept
):
    from xinyong.records.models import RecordStatus

    row = penalty(1, market_dept.code)
    submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([row])), "a.csv")
    CreditRecord.objects.update(status=RecordStatus.REPAIRED)
    row["违法事实"] = "再次报送的违法事实。"
    batch = submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv([row])), "b.csv")
    assert (batch.submitted, batch.accepted, batch.rejected) == (1, 0, 1)
    assert "已完成信用修复" in batch.row_errors.get().errors[0]["message"]
    record = CreditRecord.objects.get()
    assert (record.status, record.version) == (RecordStatus.REPAIRED, 1)
