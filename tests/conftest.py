"""Shared fixtures: personas for permissions (an operator, two departments' submitters)."""

from __future__ import annotations

import pytest

from xinyong.departments.models import Department, Role, User


@pytest.fixture
def market_dept(db) -> Department:  # type: ignore[no-untyped-def]
    return Department.objects.create(name="示范县市场监督管理局", code="11330100MB0000000X")


@pytest.fixture
def tax_dept(db) -> Department:  # type: ignore[no-untyped-def]
    return Department.objects.create(name="国家税务总局示范县税务局", code="11330100MB0000001Y")


@pytest.fixture
def operator(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user("xyb", password="pw-operator-1", role=Role.OPERATOR)


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
