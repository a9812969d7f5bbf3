"""Lists fixtures: national list files as publishers produce them, criteria, subjects."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from xinyong.core import ric, uscc
from xinyong.departments.models import Department
from xinyong.lists.models import ListCriterion
from xinyong.subjects.identity import SubjectRef, resolve
from xinyong.subjects.models import Subject, SubjectKind

SXBZXR_HEADERS = [
    "被执行人姓名/名称",
    "身份证号码/组织机构代码",
    "法定代表人或者负责人姓名",
    "执行法院",
    "案号",
    "失信被执行人行为具体情形",
    "生效法律文书确定的义务",
    "发布时间",
    "屏蔽时间",
]


@pytest.fixture(autouse=True)
def _calendar(schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    """Lists use today's date; the calendar must cover it."""


def company_code(n: int) -> str:
    return uscc.build("91330100", f"MA{n:06d}")


def person_id(n: int, birth: str = "19800101") -> str:
    body = f"330102{birth}{n % 1000:03d}"
    return body + ric.calc_check_digit(body)


def sx_row(
    name: str, code: str, case: str, *, start: str = "2025-03-01", end: str = "", **extra: str
) -> dict[str, str]:
    row = {
        "被执行人姓名/名称": name,
        "身份证号码/组织机构代码": code,
        "法定代表人或者负责人姓名": extra.get("rep", ""),
        "执行法院": extra.get("court", "示范县人民法院"),
        "案号": case,
        "失信被执行人行为具体情形": extra.get("reason", "有履行能力而拒不履行生效法律文书确定义务"),
        "生效法律文书确定的义务": extra.get("duty", "支付货款人民币十万元"),
        "发布时间": start,
        "屏蔽时间": end,
    }
    return row


def write_csv(
    path: Path,
    rows: Sequence[dict[str, str]],
    headers: Sequence[str] = SXBZXR_HEADERS,
    encoding: str = "gb18030",
) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path, rows: Sequence[dict[str, Any]], headers: Sequence[str] = SXBZXR_HEADERS
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    wb.save(path)
    return path


@pytest.fixture
def files(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def make(rows: Sequence[dict[str, Any]], fmt: str = "csv", **kwargs: Any) -> Path:
        path = tmp_path / f"list{next(counter)}.{fmt}"
        if fmt == "xlsx":
            return write_xlsx(path, rows, **kwargs)
        return write_csv(path, rows, **kwargs)

    return make


def person(name: str, number: str) -> Subject:
    ref = SubjectRef(SubjectKind.NATURAL, name, id_number=number)
    return next(iter(resolve([ref]).values()))


def company(name: str, code: str) -> Subject:
    return next(iter(resolve([SubjectRef(SubjectKind.LEGAL, name, uscc=code)]).values()))


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def criterion(market_dept: Department) -> ListCriterion:
    return ListCriterion.objects.create(
        department=market_dept,
        list_code="serious",
        code="SCJG-YZ-01",
        title="食品安全严重违法",
        text="因食品安全违法行为受到较重行政处罚的",
        legal_basis="《市场监督管理严重违法失信名单管理办法》第九条",
        effective_from=dt.date(2021, 9, 1),
    )


@pytest.fixture
def red_criterion(market_dept: Department) -> ListCriterion:
    return ListCriterion.objects.create(
        department=market_dept,
        list_code="red",
        code="SCJG-HM-01",
        title="守合同重信用企业",
        text="连续三年被评为守合同重信用企业的",
        legal_basis="《示范县守信激励对象认定办法》第五条",
        effective_from=dt.date(2020, 1, 1),
    )
