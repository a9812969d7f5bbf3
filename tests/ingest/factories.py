"""Rows and files as departments produce them, for the collection tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import openpyxl

from xinyong.catalog.model import default_catalog
from xinyong.core import ric, uscc

HEADERS = [f.label for f in default_catalog().type("xzcf").fields]


def company_code(n: int) -> str:
    return uscc.build("91330100", f"MA{n:06d}")


def person_id(n: int) -> str:
    body = f"330106198{n % 10}0{(n % 9) + 1}1{n % 10}{n % 1000:03d}"[:17]
    return body + ric.calc_check_digit(body)


def penalty(n: int, department_code: str, **overrides: Any) -> dict[str, Any]:
    """A valid 行政处罚 row (keys: Chinese labels, as in the template)."""
    row = {
        "行政相对人名称": f"示范县第{n}商贸有限公司",
        "行政相对人类别": "法人及非法人组织",
        "行政相对人代码": company_code(n),
        "法定代表人": "张三",
        "行政处罚决定书文号": f"示市监罚〔2026〕{n}号",
        "违法行为类型": "销售过期食品",
        "违法事实": "经查，当事人销售超过保质期的食品。",
        "处罚依据": "《中华人民共和国食品安全法》第一百二十四条",
        "处罚类别": "罚款",
        "处罚内容": "罚款人民币五千元",
        "罚款金额（万元）": "0.5",
        "处罚决定日期": "2026-03-02",
        "处罚有效期": "2027-03-02",
        "处罚机关": "示范县市场监督管理局",
        "处罚机关统一社会信用代码": department_code,
        "数据来源单位": "示范县市场监督管理局",
        "数据来源单位统一社会信用代码": department_code,
    }
    row.update(overrides)
    return row


def to_csv(rows: Iterable[dict[str, Any]], encoding: str = "gb18030") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([row.get(h, "") for h in HEADERS])
    return out.getvalue().encode(encoding)


def to_xlsx(rows: Iterable[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
