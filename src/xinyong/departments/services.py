"""Managing departments, users and API tokens; every change is written to the audit log.

The ``xinyong department|user|token`` commands are thin wrappers around these functions.
Errors are ``django.core.exceptions.ValidationError`` with Chinese messages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from xinyong.audit.models import AuditAction
from xinyong.audit.services import record
from xinyong.core import uscc
from xinyong.departments.models import ApiToken, Department, Role, User

#: the actor name of changes made from the command line
CLI_ACTOR = "命令行"


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "；".join(
            message for messages in error.message_dict.values() for message in messages
        )
    return "；".join(error.messages)


def find_department(code: str) -> Department:
    """The department with this 统一社会信用代码 (typed loosely), or a ValidationError."""
    compact = uscc.compact(code or "")
    department = Department.objects.filter(code=compact).first()
    if department is None:
        raise ValidationError(
            f"找不到统一社会信用代码为“{compact}”的部门（可先用 xinyong department add 添加）"
        )
    return department


@transaction.atomic
def add_department(
    *,
    name: str,
    code: str,
    short_name: str = "",
    actor: Any = CLI_ACTOR,
    detail: dict[str, Any] | None = None,
) -> tuple[Department, bool]:
    """Add a department; return it and whether it was created.

    Adding a department that exists with the same code and name changes nothing; the same
    code with another name, or the same name with another code, is an error.
    """
    name = (name or "").strip()
    code = uscc.compact(code or "")
    if not name:
        raise ValidationError("部门名称不能为空")
    result = uscc.explain(code)
    if not result.valid:
        raise ValidationError(
            f"统一社会信用代码“{code}”无效：" + "；".join(result.messages), code="invalid_uscc"
        )
    existing = Department.objects.filter(code=code).first()
    if existing is not None:
        if existing.name == name:
            return existing, False
        raise ValidationError(
            f"统一社会信用代码“{code}”已属于部门“{existing.name}”，与给定名称“{name}”不符"
        )
    same_name = Department.objects.filter(name=name).first()
    if same_name is not None:
        raise ValidationError(
            f"部门“{name}”已存在，其统一社会信用代码为“{same_name.code}”，与给定代码“{code}”不符"
        )
    department = Department(name=name, code=code, short_name=(short_name or "").strip())
    department.full_clean()
    department.save()
    record(
        actor,
        AuditAction.CREATE,
        f"新增部门“{department.name}”（{department.code}）",
        obj=department,
        detail={
            "values": {
                "name": department.name,
                "code": department.code,
                "short_name": department.short_name,
            },
            **(detail or {}),
        },
    )
    return department, True


@transaction.atomic
def add_user(
    username: str,
    *,
    role: str,
    department_code: str | None = None,
    password: str | None = None,
    staff: bool = False,
    actor: Any = CLI_ACTOR,
    detail: dict[str, Any] | None = None,
) -> tuple[User, bool]:
    """Add a user; return it and whether it was created.

    An operator needs no department and is staff (it works in the admin); a submitter must
    belong to a department. Without a password the account can only use API tokens. Adding a
    user that exists with the same role and department changes nothing (not even the password).
    """
    username = (username or "").strip()
    if role not in Role.values:
        choices = "、".join(f"{value}（{label}）" for value, label in Role.choices)
        raise ValidationError(f"角色“{role}”无效，可选：{choices}")
    department = find_department(department_code) if department_code else None
    if role == Role.SUBMITTER and department is None:
        raise ValidationError("部门报送员必须用 --department 指定所属部门的统一社会信用代码")
    existing = User.objects.filter(username=username).select_related("department").first()
    if existing is not None:
        if existing.role == role and existing.department_id == (department and department.pk):
            return existing, False
        where = existing.department.name if existing.department else "无所属部门"
        raise ValidationError(
            f"用户“{username}”已存在（{existing.get_role_display()}，{where}），与给定的角色或部门不符"
        )
    user = User(
        username=username,
        role=role,
        department=department,
        is_staff=staff or role == Role.OPERATOR,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError("密码不符合要求：" + _messages(exc)) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as exc:
        raise ValidationError(_messages(exc)) from exc
    user.save()
    record(
        actor,
        AuditAction.CREATE,
        f"新增用户“{username}”（{user.get_role_display()}"
        + (f"，{department.name}" if department else "")
        + "）",
        obj=user,
        detail={
            "values": {
                "username": username,
                "role": role,
                "department": department.name if department else None,
                "is_staff": user.is_staff,
                "password": "已设置" if password else "未设置（只能使用接口令牌）",
            },
            **(detail or {}),
        },
    )
    return user, True


@transaction.atomic
def issue_token(
    username: str,
    *,
    name: str,
    actor: Any = CLI_ACTOR,
    created_by: User | None = None,
    detail: dict[str, Any] | None = None,
) -> tuple[ApiToken, str]:
    """Issue an API token for a user; return it and its raw value (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("请用 --name 说明令牌的用途")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError(f"找不到用户“{username}”")
    if not user.is_active:
        raise ValidationError(f"用户“{username}”已停用，不能签发令牌")
    token, raw = ApiToken.issue(user, name, created_by=created_by)
    record(
        actor,
        AuditAction.TOKEN,
        f"为用户“{username}”签发接口令牌 {token.prefix}…（用途：{name}）",
        obj=token,
        detail={"user": username, "prefix": token.prefix, "name": name, **(detail or {})},
    )
    return token, raw


@transaction.atomic
def revoke_token(
    prefix: str, *, actor: Any = CLI_ACTOR, detail: dict[str, Any] | None = None
) -> tuple[ApiToken, bool]:
    """Revoke the token whose prefix (or raw value) is given; return it and whether it was
    active until now."""
    prefix = (prefix or "").strip().rstrip("…").rstrip(".")
    if len(prefix) > len(ApiToken.PREFIX) + 7:
        prefix = prefix[:10]  # a whole raw token was given
    if len(prefix) < 6:
        raise ValidationError("令牌前缀太短，请给出列表中显示的前缀（如 xy_Ab3dE5f）")
    matches = list(ApiToken.objects.filter(prefix__startswith=prefix).select_related("user"))
    if not matches:
        raise ValidationError(f"找不到前缀为“{prefix}”的令牌")
    if len(matches) > 1:
        listed = "、".join(f"{t.prefix}（{t.user}，{t.name}）" for t in matches)
        raise ValidationError(f"前缀“{prefix}”对应多个令牌：{listed}，请给出更长的前缀")
    token = matches[0]
    if not token.is_active:
        return token, False
    token.revoke()
    record(
        actor,
        AuditAction.TOKEN,
        f"吊销用户“{token.user}”的接口令牌 {token.prefix}…（用途：{token.name}）",
        obj=token,
        detail={"user": token.user.get_username(), "prefix": token.prefix, **(detail or {})},
    )
    return token, True
