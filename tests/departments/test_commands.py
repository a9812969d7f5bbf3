"""``xinyong department|user|token``: Chinese output, idempotent, every change audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.models import ApiToken, Department, Role, User, hash_token

CODE = "11330100MB00000359"


def run(*args: str, stdin: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    extra = {"stdin": io.StringIO(stdin)} if stdin is not None else {}
    call_command(*args, stdout=out, stderr=err, **extra)
    return out.getvalue(), err.getvalue()


def test_department_add_creates_the_department_and_audits_it_as_the_command_line(db) -> None:  # type: ignore[no-untyped-def]
    out, _ = run(
        "department", "add", "--name", "示范县教育局", "--code", CODE, "--short-name", "教育局"
    )
    assert "已新增部门“示范县教育局”（11330100MB00000359）" in out
    department = Department.objects.get(code=CODE)
    assert department.short_name == "教育局"
    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert event.actor is None and event.actor_name == "命令行"
    assert event.object_id == str(department.pk)
    assert event.detail["command"] == "xinyong department add"


def test_department_add_again_with_the_same_code_and_name_says_it_exists(db) -> None:  # type: ignore[no-untyped-def]
    run("department", "add", "--name", "示范县教育局", "--code", CODE)
    out, _ = run("department", "add", "--name", "示范县教育局", "--code", CODE)
    assert "已存在" in out
    assert Department.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def test_department_add_with_the_same_code_and_another_name_is_an_error(db) -> None:  # type: ignore[no-untyped-def]
    run("department", "add", "--name", "示范县教育局", "--code", CODE)
    with pytest.raises(
        CommandError, match="已属于部门“示范县教育局”，与给定名称“示范县教育体育局”不符"
    ):
        run("department", "add", "--name", "示范县教育体育局", "--code", CODE)


def test_department_add_with_an_invalid_code_is_refused_in_chinese(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError) as caught:
        run("department", "add", "--name", "示范县教育局", "--code", "11330100MB0000035X")
    assert str(caught.value) == (
        "统一社会信用代码“11330100MB0000035X”无效：第18位校验码应为“9”，实为“X”"
    )
    assert not Department.objects.exists()
    assert not AuditEvent.objects.exists()


def test_department_list_shows_codes_names_and_user_counts(
    market_submitter: User, tax_dept: Department
) -> None:
    out, _ = run("department", "list")
    assert "统一社会信用代码" in out
    assert "11330100MB0000019K  示范县市场监督管理局" in out
    assert "国家税务总局示范县税务局" in out


def test_user_add_creates_a_submitter_of_a_department_with_a_password_from_stdin(
    market_dept: Department,
) -> None:
    out, _ = run(
        "user",
        "add",
        "zhangsan",
        "--role",
        "submitter",
        "--department",
        market_dept.code,
        "--password-stdin",
        stdin="Xinyong-2026-pw\n",
    )
    assert "已新增用户“zhangsan”（部门报送员，示范县市场监督管理局）" in out
    user = User.objects.get(username="zhangsan")
    assert user.department == market_dept and user.check_password("Xinyong-2026-pw")
    assert not user.is_staff
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="departments.user")
    assert event.actor_name == "命令行"
    assert "Xinyong-2026-pw" not in str(event.detail)


def test_user_add_makes_operators_staff_and_without_password_token_only(db) -> None:  # type: ignore[no-untyped-def]
    out, _ = run("user", "add", "admin2", "--role", "operator")
    user = User.objects.get(username="admin2")
    assert user.role == Role.OPERATOR and user.is_staff and not user.has_usable_password()
    assert "只能使用接口令牌" in out
    again, _ = run("user", "add", "admin2", "--role", "operator")
    assert "已存在" in again


def test_user_add_refuses_a_submitter_without_department_and_weak_passwords(
    market_dept: Department,
) -> None:
    with pytest.raises(CommandError, match="部门报送员必须"):
        run("user", "add", "lisi", "--role", "submitter")
    with pytest.raises(CommandError, match="找不到统一社会信用代码为“11330100MB00000359”的部门"):
        run("user", "add", "lisi", "--role", "submitter", "--department", CODE)
    with pytest.raises(CommandError, match="密码不符合要求"):
        run(
            "user",
            "add",
            "lisi",
            "--role",
            "submitter",
            "--department",
            market_dept.code,
            "--password",
            "123",
        )
    assert not User.objects.filter(username="lisi").exists()


def test_user_list_shows_roles_and_departments(operator: User, market_submitter: User) -> None:
    out, _ = run("user", "list")
    assert "xyb" in out and "信用办管理员" in out
    assert "scjg" in out and "示范县市场监督管理局" in out


def test_token_issue_prints_the_token_once_and_token_revoke_revokes_it(
    market_submitter: User,
) -> None:
    out, err = run("token", "issue", "scjg", "--name", "处罚系统对接")
    raw = out.strip()
    token = ApiToken.objects.get()
    assert token.key_hash == hash_token(raw)
    assert "只显示这一次" in err and raw not in err
    listed, _ = run("token", "list")
    assert token.prefix in listed and raw not in listed

    out, _ = run("token", "revoke", token.prefix)
    assert f"已吊销用户“scjg”的令牌 {token.prefix}" in out
    token.refresh_from_db()
    assert not token.is_active
    again, _ = run("token", "revoke", token.prefix)
    assert "早已吊销" in again
    summaries = list(
        AuditEvent.objects.filter(action=AuditAction.TOKEN).values_list("summary", flat=True)
    )
    assert len(summaries) == 2
    assert all(raw not in summary for summary in summaries)


def test_token_issue_for_an_unknown_or_inactive_user_is_an_error(market_submitter: User) -> None:
    with pytest.raises(CommandError, match="找不到用户“nobody”"):
        run("token", "issue", "nobody", "--name", "x")
    market_submitter.is_active = False
    market_submitter.save()
    with pytest.raises(CommandError, match="已停用"):
        run("token", "issue", "scjg", "--name", "x")
