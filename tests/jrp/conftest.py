"""Fixtures for checks: a county with list entries of every kind the checks must find."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from xinyong.core import ric, uscc
from xinyong.departments.models import Department, Role, User
from xinyong.lists.models import EntrySource, ListCriterion, ListEntry
from xinyong.lists.services import add_entry, name_key
from xinyong.subjects.identity import SubjectRef, resolve
from xinyong.subjects.models import Subject, SubjectKind

MARKET_CODE_FOR_TESTS = "11330100MB0000019K"
FINANCE_CODE = "11330100MB00000434"
BAD_COMPANY = uscc.build("91330110", "MA0000B1")
GOOD_COMPANY = uscc.build("91330110", "MA0000C2")
CLEAN_COMPANY = uscc.build("91330110", "MA0000D3")


def person_id(body: str) -> str:
    return body + ric.calc_check_digit(body)


DEBTOR_ID = person_id("33010219800101123")


@dataclass
class County:
    bad: Subject
    good: Subject
    clean: Subject
    serious: ListEntry
    red: ListEntry
    debtor: ListEntry


@pytest.fixture(autouse=True)
def _calendar(schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    pass


@pytest.fixture
def finance_dept(db) -> Department:  # type: ignore[no-untyped-def]
    return Department.objects.create(name="示范县财政局", code=FINANCE_CODE)


@pytest.fixture
def finance_submitter(finance_dept: Department) -> User:
    return User.objects.create_user(
        "cz", password="pw-finance-1", role=Role.SUBMITTER, department=finance_dept
    )


def criterion(department: Department, list_code: str) -> ListCriterion:
    return ListCriterion.objects.create(
        department=department,
        list_code=list_code,
        code=f"{list_code.upper()}-01",
        title="认定标准",
        text="依法认定",
        legal_basis="《示范县信用管理办法》",
        effective_from=dt.date(2020, 1, 1),
    )


@pytest.fixture
def county(market_dept: Department, operator: User) -> County:
    subjects = resolve(
        [
            SubjectRef(SubjectKind.LEGAL, "示范县黑心食品有限公司", uscc=BAD_COMPANY),
            SubjectRef(SubjectKind.LEGAL, "示范县诚信商贸有限公司", uscc=GOOD_COMPANY),
            SubjectRef(SubjectKind.LEGAL, "示范县普通建材有限公司", uscc=CLEAN_COMPANY),
        ]
    )
    bad, good, clean = (
        subjects[("uscc", code)] for code in (BAD_COMPANY, GOOD_COMPANY, CLEAN_COMPANY)
    )
    today = dt.date.today()
    serious = add_entry(
        operator,
        list_code="serious",
        subject=bad,
        department=market_dept,
        reason="销售病死畜禽肉，情节严重",
        legal_basis="《食品安全法》第一百二十三条",
        criteria=[criterion(market_dept, "serious")],
        doc_no="示市监严失〔2026〕1号",
        start_date=today - dt.timedelta(days=30),
    )
    red = add_entry(
        operator,
        list_code="red",
        subject=good,
        department=market_dept,
        reason="连续三年守合同重信用",
        legal_basis="《示范县守信激励办法》",
        criteria=[criterion(market_dept, "red")],
        doc_no="示市监红〔2026〕1号",
        start_date=today - dt.timedelta(days=10),
    )
    debtor = ListEntry.objects.create(
        list_code="sxbzxr",
        rules_version="test",
        subject=None,
        listed_name="王某某",
        listed_code=ric.mask(DEBTOR_ID),
        name_key=name_key("王某某"),
        entry_key="（2026）浙0110执1号|王某某",
        reason="有履行能力而拒不履行生效法律文书确定义务",
        authority_name="示范县人民法院",
        doc_no="（2026）浙0110执1号",
        start_date=today - dt.timedelta(days=5),
        source=EntrySource.IMPORT,
    )
    return County(bad=bad, good=good, clean=clean, serious=serious, red=red, debtor=debtor)
