"""Importing national lists from the files their publishers put out (R-LST-1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from tests.lists.conftest import company, company_code, person, person_id, sx_row

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.core import ric
from xinyong.lists.importing import FileRejected, import_file
from xinyong.lists.models import EntryStatus, EventKind, ListEntry, ListEvent, ListImport
from xinyong.lists.services import ListError

MakeFile = Callable[..., Path]


def test_it_imports_a_gbk_csv_with_a_verdict_for_every_row(files: MakeFile, operator) -> None:
    rows = [
        sx_row("示范县甲贸易有限公司", company_code(1), "(2025)浙0102执1号", rep="王甲"),
        sx_row("李某某", person_id(2), "(2025)浙0102执2号"),
        sx_row("张某", "3301**********1234", "(2025)浙0102执3号"),
        sx_row("坏代码公司", "91330100MA00000XXX", "(2025)浙0102执4号"),
        sx_row("日期错", company_code(5), "(2025)浙0102执5号", start="2025-02-30"),
        sx_row("缺案号", company_code(6), ""),
    ]
    outcome = import_file(files(rows, encoding="gbk"), "sxbzxr", user=operator)
    li = outcome.list_import
    assert (li.submitted, li.accepted, li.rejected) == (6, 3, 3)
    assert li.accepted + li.rejected == li.submitted
    assert li.created == 3 and li.encoding == "GBK/GB18030"
    by_row = {e["row"]: e for e in li.errors}
    assert by_row[5]["field"] == "身份证号码/组织机构代码"
    assert "统一社会信用代码" in by_row[5]["message"]
    assert by_row[6]["field"] == "发布时间" and "不是有效日期" in by_row[6]["message"]
    assert by_row[7]["field"] == "案号" and by_row[7]["message"] == "必填，不能为空"
    entries = ListEntry.objects.filter(list_code="sxbzxr")
    assert entries.count() == 3
    company_entry = entries.get(doc_no="(2025)浙0102执1号")
    assert company_entry.subject is not None and company_entry.subject.uscc == company_code(1)
    assert company_entry.authority_name == "示范县人民法院"
    assert company_entry.status == EntryStatus.ACTIVE
    # an outsider with a masked number keeps the listed name and number, no subject
    masked = entries.get(doc_no="(2025)浙0102执3号")
    assert masked.subject is None and masked.listed_code == "3301**********1234"
    assert ListEvent.objects.filter(kind=EventKind.ENTER).count() == 3
    event = AuditEvent.objects.get(action=AuditAction.IMPORT, object_id=str(li.pk))
    assert "提交6行" in event.summary and event.actor == operator


def test_a_full_id_number_is_never_stored_in_clear(files: MakeFile) -> None:
    number = person_id(7)
    outcome = import_file(files([sx_row("赵某某", number, "(2025)浙0102执7号")]), "sxbzxr")
    entry = ListEntry.objects.get(pk=outcome.created[0])
    assert entry.listed_code == ric.mask(number)
    assert number not in entry.entry_key
    assert number not in str(entry.data)
    assert entry.subject is not None and entry.subject.id_masked == ric.mask(number)


def test_it_imports_an_xlsx_file_with_date_cells(files: MakeFile) -> None:
    rows = [
        {
            "被执行人姓名/名称": "示范县乙建材有限公司",
            "身份证号码/组织机构代码": company_code(11),
            "执行法院": "示范县人民法院",
            "案号": "(2024)浙0102执11号",
            "发布时间": dt.datetime(2024, 5, 6),
        }
    ]
    outcome = import_file(files(rows, fmt="xlsx"), "sxbzxr")
    entry = ListEntry.objects.get(pk=outcome.created[0])
    assert entry.start_date == dt.date(2024, 5, 6)
    # 失信被执行人 has no fixed length: the entry runs until the court removes it
    assert entry.end_date is None
    assert entry.reason == "依法列入失信被执行人名单"


def test_a_file_in_another_layout_is_refused_whole_and_nothing_is_stored(
    files: MakeFile,
) -> None:
    path = files([{"名称": "某公司", "代码": company_code(1)}], headers=["名称", "代码"])
    with pytest.raises(FileRejected) as caught:
        import_file(path, "sxbzxr")
    assert "缺少必需的列" in caught.value.message and "案号" in caught.value.message
    assert not ListImport.objects.exists() and not ListEntry.objects.exists()


def test_a_local_list_cannot_be_imported(files: MakeFile) -> None:
    with pytest.raises(ListError, match="由部门认定"):
        import_file(files([]), "serious")


def test_only_operators_import(files: MakeFile, market_submitter) -> None:
    with pytest.raises(PermissionDenied):
        import_file(
            files([sx_row("某公司", company_code(1), "案1")]), "sxbzxr", user=market_submitter
        )
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).exists()
    assert not ListEntry.objects.exists()


def test_reimporting_counts_unchanged_rows_and_updates_changed_ones(files: MakeFile) -> None:
    rows = [
        sx_row("示范县丙商贸有限公司", company_code(21), "(2025)浙0102执21号"),
        sx_row("示范县丁商贸有限公司", company_code(22), "(2025)浙0102执22号"),
    ]
    import_file(files(rows), "sxbzxr")
    rows[1] = sx_row(
        "示范县丁商贸有限公司", company_code(22), "(2025)浙0102执22号", duty="支付货款二十万元"
    )
    second = import_file(files(rows), "sxbzxr").list_import
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    assert ListEntry.objects.count() == 2
    changed = ListEntry.objects.get(doc_no="(2025)浙0102执22号")
    assert changed.legal_basis == "支付货款二十万元"
    update = ListEvent.objects.get(entry=changed, kind=EventKind.UPDATE)
    assert "依据" in update.reason
    third = import_file(files(rows), "sxbzxr").list_import
    assert (third.created, third.updated, third.unchanged) == (0, 0, 2)
    assert ListEvent.objects.count() == 3  # two entries, one update


def test_a_full_reimport_with_replace_takes_absent_entries_off_the_list(
    files: MakeFile, today: dt.date
) -> None:
    rows = [
        sx_row(f"示范县第{n}贸易有限公司", company_code(30 + n), f"(2025)浙0102执3{n}号")
        for n in range(3)
    ]
    import_file(files(rows), "sxbzxr")
    # without --replace a partial file removes nothing
    assert import_file(files(rows[:1]), "sxbzxr").list_import.removed == 0
    outcome = import_file(files(rows[:2]), "sxbzxr", replace=True)
    assert outcome.list_import.removed == 1
    gone = ListEntry.objects.get(doc_no="(2025)浙0102执32号")
    assert gone.status == EntryStatus.REMOVED
    leave = ListEvent.objects.get(entry=gone, kind=EventKind.LEAVE)
    assert leave.date == today and "已无此条目" in leave.reason
    assert ListEntry.objects.in_force(today).count() == 2
    # published again later: back on the list
    again = import_file(files(rows), "sxbzxr", replace=True).list_import
    assert again.removed == 0
    gone.refresh_from_db()
    assert gone.status == EntryStatus.ACTIVE


def test_an_entry_whose_end_has_passed_is_stored_expired(files: MakeFile) -> None:
    rows = [
        sx_row(
            "示范县戊有限公司",
            company_code(41),
            "(2020)浙0102执41号",
            start="2020-01-02",
            end="2023-01-02",
        ),
    ]
    outcome = import_file(files(rows), "sxbzxr")
    entry = ListEntry.objects.get(pk=outcome.created[0])
    assert entry.status == EntryStatus.EXPIRED
    assert list(entry.events.values_list("kind", flat=True)) == [EventKind.ENTER, EventKind.EXPIRE]


def test_duplicate_rows_in_one_file_are_rejected(files: MakeFile) -> None:
    row = sx_row("示范县己有限公司", company_code(51), "(2025)浙0102执51号")
    li = import_file(files([row, row]), "sxbzxr").list_import
    assert (li.accepted, li.rejected) == (1, 1)
    assert "与第2行重复" in li.errors[0]["message"]


def test_a_masked_number_links_only_the_person_whose_number_agrees(files: MakeFile) -> None:
    number = person_id(61, birth="19800101")
    known = person("张三丰", number)
    other = person("张三丰", person_id(62, birth="19900505"))
    rows = [
        # visible characters agree with `known` only
        sx_row("张三丰", number[:4] + "*" * 10 + number[-4:], "(2025)浙0102执61号"),
        # the same masked number under another name: not linked
        sx_row("张四丰", number[:4] + "*" * 10 + number[-4:], "(2025)浙0102执62号"),
        # middle masked as the courts do (birth date visible) with a different birth date
        sx_row("张三丰", number[:12] + "****" + number[-2:], "(2025)浙0102执63号"),
        sx_row("张三丰", "330102198001****" + "99", "(2025)浙0102执64号"),
    ]
    outcome = import_file(files(rows), "sxbzxr")
    entries = {e.doc_no: e for e in ListEntry.objects.all()}
    assert entries["(2025)浙0102执61号"].subject == known
    assert entries["(2025)浙0102执62号"].subject is None
    assert entries["(2025)浙0102执63号"].subject == known
    assert entries["(2025)浙0102执64号"].subject is None
    assert other.list_entries.count() == 0
    assert outcome.list_import.linked == 2


def test_a_masked_number_matching_two_people_links_neither(files: MakeFile) -> None:
    a = person_id(71, birth="19800101")
    # another person whose first four and last four characters are the same as a's
    b = next(
        n for day in range(2, 29) if (n := person_id(71, birth=f"198001{day:02d}"))[-4:] == a[-4:]
    )
    person("王五", a)
    person("王五", b)
    masked = ric.mask(a)
    assert ric.mask(b) == masked
    outcome = import_file(files([sx_row("王五", masked, "(2025)浙0102执71号")]), "sxbzxr")
    entry = ListEntry.objects.get(pk=outcome.created[0])
    assert entry.subject is None
    assert outcome.list_import.linked == 0


def test_a_known_company_is_not_renamed_by_the_list(files: MakeFile) -> None:
    subject = company("示范县庚科技有限公司", company_code(81))
    import_file(
        files([sx_row("示范县庚科技公司", company_code(81), "(2025)浙0102执81号")]), "sxbzxr"
    )
    subject.refresh_from_db()
    assert subject.name == "示范县庚科技有限公司"
    assert subject.list_entries.get().listed_name == "示范县庚科技公司"


def test_other_national_layouts_import(files: MakeFile) -> None:
    headers = [
        "纳税人名称",
        "纳税人识别号",
        "法定代表人或负责人及其证件",
        "主要违法事实",
        "相关法律依据及税务处理处罚情况",
        "公布日期",
        "案件编号",
        "税务机关",
    ]
    row = {
        "纳税人名称": "示范县辛贸易有限公司",
        "纳税人识别号": company_code(91),
        "法定代表人或负责人及其证件": f"李四，身份证{person_id(91)}",
        "主要违法事实": "虚开增值税专用发票",
        "相关法律依据及税务处理处罚情况": "依照《中华人民共和国税收征收管理法》处以罚款",
        "公布日期": "2025年6月1日",
        "案件编号": "示税稽〔2025〕1号",
        "税务机关": "国家税务总局示范县税务局",
    }
    outcome = import_file(files([row], headers=headers), "zdsswf")
    entry = ListEntry.objects.get(pk=outcome.created[0])
    assert entry.end_date == dt.date(2028, 5, 31)  # 36 months, last day
    assert person_id(91) not in str(entry.data)
