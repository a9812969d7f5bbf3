"""Shared fixtures: personas for permissions (an operator, two departments' submitters).

The departments carry valid 统一社会信用代码 (机关, 浙江杭州 330100), so that code checks pass.
"""

from __future__ import annotations

import pytest

from xinyong.departments.models import Department, Role, User

#: valid 统一社会信用代码 of the two demo departments (category 11 = 机构编制/机关)
MARKET_CODE = "11330100MB0000019K"
TAX_CODE = "11330100MB0000027E"
#: a third valid code, free for tests that add a department
SPARE_CODE = "11330100MB00000359"


@pytest.fixture
def market_dept(db) -> Department:  # type: ignore[no-untyped-def]
    return Department.objects.create(
        name="示范县市场监督管理局", short_name="市场监管局", code=MARKET_CODE
    )


@pytest.fixture
def tax_dept(db) -> Department:  # type: ignore[no-untyped-def]
    return Department.objects.create(
        name="国家税务总局示范县税务局", short_name="税务局", code=TAX_CODE
    )


@pytest.fixture
def operator(db) -> User:  # type: ignore[no-untyped-def]
    """An operator of the credit office (信用办): sees everything, works in the admin."""
    return User.objects.create_user(
        "xyb", password="pw-operator-1", role=Role.OPERATOR, is_staff=True
    )


@pytest.fixture
def market_submitter(market_dept: Department) -> User:
    return User.objects.create_user(
        "scjg", password="pw-market-1", role=Role.SUBMITTER, department=market_dept
    )


@pytest.fixture
def tax_submitter(tax_dept: Department) -> User:
    return User.objects.create_user(
        "sw", password="pw-tax-1", role=Role.SUBMITTER, department=tax_dept
    )


@pytest.fixture
def superuser(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser("root", password="pw-root-1")


@pytest.fixture
def schedule_for_today(db) -> None:  # type: ignore[no-untyped-def]
    """Tests that compute timeliness against today need today's year in the calendar. The
    bundled years end with the chinese_calendar release; after that an operator loads each
    year. When the suite runs in such a year, load a stand-in schedule (元旦 only, clearly
    marked as test data) so the tests measure the code, not the calendar's coverage."""
    from django.utils import timezone

    from xinyong.workdays.services import get_calendar, load_schedule

    year = timezone.localdate().year
    if not get_calendar(refresh=True).covers(year):
        load_schedule(
            f"year: {year}\nsource: 测试数据（非官方安排）\n"
            f"holidays:\n  - name: 元旦\n    dates: [{year}-01-01]\n"
        )
        get_calendar(refresh=True)
