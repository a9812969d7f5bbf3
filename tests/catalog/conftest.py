"""Shared helpers for the catalog tests (plain pytest, no Django)."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import Any

import pytest

from xinyong.catalog.model import DATA_DIR, Catalog, load_catalog
from xinyong.catalog.validate import ValidationContext

TODAY = datetime.date(2026, 6, 1)
AUTHORITY = "11610100MB2950018N"
COMPANY = "91610000MA6TG1XX4D"
SOLE_TRADER = "92610102MA6UX1235J"
PERSON_ID = "11010519491231002X"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog([DATA_DIR])


@pytest.fixture
def ctx() -> ValidationContext:
    return ValidationContext(today=TODAY)


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data directory."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def penalty_row(**changes: Any) -> dict[str, Any]:
    """A valid 行政处罚 row keyed by Chinese labels, as a department would submit it."""
    row: dict[str, Any] = {
        "行政相对人名称": "西安某某食品有限公司",
        "行政相对人类别": "法人及非法人组织",
        "行政相对人代码": COMPANY,
        "法定代表人": "张三",
        "行政处罚决定书文号": "市监处罚〔2026〕15号",
        "违法行为类型": "销售不符合食品安全标准的食品",
        "违法事实": "经查，当事人销售的某批次食品经抽检不合格。",
        "处罚依据": "《中华人民共和国食品安全法》第一百二十四条",
        "处罚类别": "警告；罚款",
        "处罚内容": "警告，并处罚款人民币伍仟元整。",
        "罚款金额（万元）": "0.5",
        "处罚决定日期": "2026-03-05",
        "处罚有效期": "2027-03-04",
        "处罚机关": "西安市市场监督管理局",
        "处罚机关统一社会信用代码": AUTHORITY,
        "数据来源单位": "西安市市场监督管理局",
        "数据来源单位统一社会信用代码": AUTHORITY,
    }
    row.update(changes)
    return row


def licence_row(**changes: Any) -> dict[str, Any]:
    """A valid 行政许可 row keyed by Chinese labels."""
    row: dict[str, Any] = {
        "行政相对人名称": "西安某某食品有限公司",
        "行政相对人类别": "法人及非法人组织",
        "行政相对人代码": COMPANY,
        "法定代表人": "张三",
        "行政许可决定文书名称": "食品经营许可决定书",
        "行政许可决定文书号": "市监许字〔2026〕123号",
        "许可类别": "普通",
        "许可内容": "预包装食品销售",
        "许可决定日期": "2026-03-05",
        "有效期自": "2026-03-05",
        "有效期至": "2031-03-04",
        "许可机关": "西安市市场监督管理局",
        "许可机关统一社会信用代码": AUTHORITY,
        "当前状态": "有效",
        "数据来源单位": "西安市市场监督管理局",
        "数据来源单位统一社会信用代码": AUTHORITY,
    }
    row.update(changes)
    return row


@pytest.fixture
def make_penalty() -> Any:
    return penalty_row


@pytest.fixture
def make_licence() -> Any:
    return licence_row
