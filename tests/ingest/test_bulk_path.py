"""The fast storing path: new records written as plain rows, remembered windows and working
days, and the quick ID-number check must give what the general code gives."""

import datetime as dt
import io
import random

from tests.ingest.factories import penalty, person_id, to_csv

from xinyong.catalog.model import default_catalog
from xinyong.catalog.validate.converters import _ric_is_valid_fast
from xinyong.core import publicity, ric
from xinyong.ingest.derived import WINDOW_ROLES, Windows
from xinyong.ingest.services import submit_file, submit_rows
from xinyong.records.models import CreditRecord, RecordStatus, RecordVersion
from xinyong.subjects.models import Subject, SubjectName


def test_the_same_decision_twice_in_one_file_is_created_then_updated(market_submitter, market_dept):
    rows = [
        penalty(1, market_dept.code),
        penalty(1, market_dept.code, **{"罚款金额（万元）": "0.6"}),
        penalty(1, market_dept.code, **{"罚款金额（万元）": "0.6"}),
    ]
    batch = submit_file(market_submitter, market_dept, "xzcf", io.BytesIO(to_csv(rows)), "a.csv")
    assert (batch.created, batch.updated, batch.unchanged) == (1, 1, 1)
    record = CreditRecord.objects.get()
    assert record.version == 2
    assert record.status == RecordStatus.ACTIVE and record.revoked_reason == ""
    assert str(record.fine_amount) == "0.600000"
    assert record.data["fine_amount"] == "0.6"
    history = list(record.versions.values_list("version", "action", "row_number"))
    assert history == [(1, "create", 2), (2, "update", 3), (2, "unchanged", 4)]
    assert record.row_number == 3


def test_new_records_hold_what_the_orm_would_store(market_submitter, market_dept):
    number = person_id(5)
    person = penalty(
        2,
        market_dept.code,
        **{
            "行政相对人名称": "王五",
            "行政相对人类别": "自然人",
            "行政相对人代码": "",
            "法定代表人": "",
            "证件类型": "身份证",
            "证件号码": number,
        },
    )
    _, verdicts = submit_rows(
        market_submitter, market_dept, "xzcf", [penalty(1, market_dept.code), person]
    )
    assert [v.action for v in verdicts] == ["create", "create"]
    assert all(v.record_id for v in verdicts)
    record = CreditRecord.objects.get(pk=verdicts[1].record_id)
    assert record.data["id_number"] == ric.mask(number)
    assert number not in str(record.data) and record.pii_cipher
    assert record.tier == "一般" and record.publicity_rule and record.published
    subject = record.subject
    assert subject.id_hash and subject.id_masked == ric.mask(number) and not subject.uscc
    assert SubjectName.objects.get(subject=subject).name == "王五"
    assert subject.created_at is not None and subject.name_pinyin.startswith("wangwu")
    version = RecordVersion.objects.get(record=record)
    assert version.data == record.data and version.content_hash == record.content_hash


def test_a_known_subject_under_a_new_name_is_renamed(market_submitter, market_dept):
    submit_rows(market_submitter, market_dept, "xzcf", [penalty(1, market_dept.code)])
    renamed = penalty(2, market_dept.code, **{"行政相对人代码": penalty(1, "")["行政相对人代码"]})
    renamed["行政相对人名称"] = "示范县新名称有限公司"
    submit_rows(market_submitter, market_dept, "xzcf", [renamed])
    subject = Subject.objects.get()
    assert subject.name == "示范县新名称有限公司"
    assert SubjectName.objects.filter(subject=subject).count() == 2


def test_a_remembered_window_is_the_window_publicity_gives() -> None:
    rng = random.Random(3)
    windows = Windows("xzcf", True)
    categories = [["罚款"], ["警告"], ["警告", "通报批评"], ["罚款", "没收违法所得"]]
    for _ in range(500):
        decided = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(700))
        roles = {
            "penalty_category": rng.choice(categories),
            "procedure": rng.choice([None, "简易程序"]),
            "tier": rng.choice([None, None, "严重"]),
            "valid_to": decided + dt.timedelta(days=365),
            "subject_name": "不相关",
        }
        window = publicity.publicity_window("xzcf", decided, None, roles)
        end = window.longest_end - dt.timedelta(days=1) if window.longest_end else None
        expected = (window.tier or "", window.published, window.start, end, window.rule_id)
        assert windows.fields(roles, decided) == expected
    assert set(WINDOW_ROLES) <= set(default_catalog().type("xzcf").roles)


def test_the_quick_id_check_only_passes_numbers_the_full_check_passes() -> None:
    rng = random.Random(5)
    today = dt.date(2026, 11, 22)
    addresses = ["110105", "330106", "110199", "830000", "990101"]
    passed = 0
    for _ in range(5000):
        body = (
            rng.choice(addresses)
            + f"{rng.randrange(1850, 2030)}{rng.randrange(14):02d}{rng.randrange(33):02d}"
            + f"{rng.randrange(1000):03d}"
        )
        check = ric.calc_check_digit(body) if rng.random() < 0.7 else rng.choice("0123456789X")
        code = body + check
        if _ric_is_valid_fast(code, today):
            passed += 1
            result = ric.explain(code, today)
            assert not result.errors and not result.warnings and result.code == code
    assert passed > 500
