"""R-SEC-1: a department sees and changes only its own records; the operator sees everything."""

from __future__ import annotations

import django.core.exceptions
import pytest
from django.contrib.auth.models import AnonymousUser

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.models import Department, Role, User
from xinyong.departments.permissions import (
    PermissionDenied,
    can_act_for,
    ensure_can_act_for,
    ensure_operator,
    scope_to_user,
    visible_departments,
)


def test_the_operator_can_act_for_every_department_and_sees_them_all(
    operator: User, market_dept: Department, tax_dept: Department
) -> None:
    ensure_can_act_for(operator, market_dept)
    ensure_can_act_for(operator, tax_dept)
    assert set(visible_departments(operator)) == {market_dept, tax_dept}
    assert not AuditEvent.objects.filter(action=AuditAction.DENIED).exists()


def test_a_submitter_can_act_for_its_own_department_only(
    market_submitter: User, market_dept: Department, tax_dept: Department
) -> None:
    ensure_can_act_for(market_submitter, market_dept)
    assert list(visible_departments(market_submitter)) == [market_dept]
    assert can_act_for(market_submitter, market_dept)
    assert not can_act_for(market_submitter, tax_dept)


def test_the_market_submitter_is_refused_tax_data_with_the_reason_and_the_refusal_is_audited(
    market_submitter: User, tax_dept: Department
) -> None:
    with pytest.raises(PermissionDenied) as caught:
        ensure_can_act_for(market_submitter, tax_dept, what="上传批次")

    message = "您属于“示范县市场监督管理局”，无权操作“国家税务总局示范县税务局”的数据"
    assert str(caught.value) == message
    assert isinstance(caught.value, django.core.exceptions.PermissionDenied)
    event = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert event.actor == market_submitter
    assert event.actor_name == "scjg"
    assert message in event.summary and "上传批次" in event.summary
    assert (event.object_type, event.object_id) == ("departments.department", str(tax_dept.pk))
    assert event.detail["user_department"] == "示范县市场监督管理局"
    assert event.detail["target_department"] == "国家税务总局示范县税务局"


def test_a_submitter_of_a_disabled_department_is_refused_its_own_data(
    market_submitter: User, market_dept: Department
) -> None:
    market_dept.is_active = False
    market_dept.save()
    market_submitter.refresh_from_db()
    with pytest.raises(PermissionDenied, match="已停用"):
        ensure_can_act_for(market_submitter, market_dept)


def test_anonymous_and_inactive_users_are_refused_and_see_no_department(
    market_submitter: User, market_dept: Department
) -> None:
    with pytest.raises(PermissionDenied, match="请先登录"):
        ensure_can_act_for(AnonymousUser(), market_dept)
    assert not visible_departments(AnonymousUser()).exists()
    market_submitter.is_active = False
    market_submitter.save()
    with pytest.raises(PermissionDenied, match="账号已停用"):
        ensure_can_act_for(market_submitter, market_dept)
    assert not visible_departments(market_submitter).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 2


def test_only_operators_pass_ensure_operator(operator: User, market_submitter: User) -> None:
    ensure_operator(operator, what="维护目录")
    with pytest.raises(PermissionDenied, match="只有信用办管理员可以维护目录"):
        ensure_operator(market_submitter, what="维护目录")


def test_querysets_are_scoped_to_the_users_departments(
    operator: User, market_submitter: User, tax_submitter: User
) -> None:
    every_user = User.objects.filter(department__isnull=False)
    assert set(scope_to_user(operator, every_user)) == {market_submitter, tax_submitter}
    assert list(scope_to_user(market_submitter, every_user)) == [market_submitter]
    assert list(scope_to_user(AnonymousUser(), every_user)) == []


def test_a_superuser_counts_as_an_operator(db, market_dept: Department) -> None:  # type: ignore[no-untyped-def]
    root = User.objects.create_superuser("root", password="pw-root-1")
    assert root.role == Role.OPERATOR
    ensure_can_act_for(root, market_dept)
