"""API of accounts: who am I (``GET /api/v1/me``)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["账号"])


class DepartmentOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    is_active: bool


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_display: str
    is_operator: bool
    department: DepartmentOut | None
    auth_method: Literal["token", "session"]
    token_prefix: str | None = None


@router.get(
    "/me", response=MeOut, summary="当前用户", description="返回调用者的账号、角色和所属部门。"
)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    token = getattr(request, "api_token", None)
    department = user.department  # type: ignore[union-attr]
    return MeOut(
        username=user.get_username(),
        name=f"{user.last_name}{user.first_name}",  # type: ignore[union-attr]
        role=user.role,  # type: ignore[union-attr]
        role_display=user.get_role_display(),  # type: ignore[union-attr]
        is_operator=user.is_operator,  # type: ignore[union-attr]
        department=DepartmentOut.model_validate(department) if department is not None else None,
        auth_method="token" if token is not None else "session",
        token_prefix=token.prefix if token is not None else None,
    )
