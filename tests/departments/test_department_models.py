"""Departments are identified by a valid 统一社会信用代码; a submitter belongs to a department."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from xinyong.departments.models import ApiToken, Department, Role, User, hash_token


def test_a_department_with_an_invalid_code_is_refused_in_chinese(db) -> None:  # type: ignore[no-untyped-def]
    department = Department(name="示范县某局", code="11330100MB0000019X")
    with pytest.raises(ValidationError) as caught:
        department.full_clean()
    (message,) = caught.value.message_dict["code"]
    assert message == "统一社会信用代码“11330100MB0000019X”无效：第18位校验码应为“K”，实为“X”"


def test_a_department_code_typed_with_spaces_and_full_width_characters_is_stored_compact(
    db,  # type: ignore[no-untyped-def]
) -> None:
    department = Department(name="示范县某局", code="１１３３ ０１００-mb０００００３５９")
    department.full_clean()
    assert department.code == "11330100MB00000359"


def test_a_submitter_without_a_department_is_refused_by_clean_and_by_the_database(
    db,  # type: ignore[no-untyped-def]
) -> None:
    user = User(username="nobody", role=Role.SUBMITTER)
    with pytest.raises(ValidationError) as caught:
        user.full_clean(exclude=["password"])
    assert caught.value.message_dict["department"] == ["部门报送员必须指定所属部门"]
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("nobody", role=Role.SUBMITTER)


def test_an_operator_needs_no_department(db) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create_user("op2", role=Role.OPERATOR)
    user.full_clean(exclude=["password"])
    assert user.is_operator


def test_operators_hold_every_admin_permission_and_submitters_none(
    operator: User, market_submitter: User
) -> None:
    assert operator.has_perm("departments.add_department")
    assert operator.has_module_perms("audit")
    assert not market_submitter.has_perm("departments.add_department")
    assert not market_submitter.has_module_perms("departments")


def test_an_issued_token_is_stored_only_as_its_hash(market_submitter: User) -> None:
    token, raw = ApiToken.issue(market_submitter, "测试")
    assert raw.startswith("xy_") and len(raw) > 40
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash
    assert token.prefix == raw[:10]
    assert ApiToken.lookup(raw) == token
    token.revoke()
    assert ApiToken.lookup(raw) is None
