"""Departments (部门), staff users and their API tokens.

Permissions follow one rule everywhere (R-SEC-1): an operator of the credit office (信用办) sees
everything; a department submitter sees and changes only its own department's records.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from xinyong.core import uscc
from xinyong.departments.validators import validate_uscc


class Department(models.Model):
    name = models.CharField("部门名称", max_length=100, unique=True)
    code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        help_text="部门（机关）的18位统一社会信用代码，按 GB 32100-2015 校验",
    )
    short_name = models.CharField("简称", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude: Any = None) -> None:
        # Accept codes typed with spaces, hyphens or full-width characters; store them compact.
        if self.code:
            self.code = uscc.compact(self.code)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        self.name = (self.name or "").strip()
        self.short_name = (self.short_name or "").strip()


class Role(models.TextChoices):
    OPERATOR = "operator", "信用办管理员"
    SUBMITTER = "submitter", "部门报送员"


class UserManager(DjangoUserManager):  # type: ignore[type-arg]
    def create_superuser(  # type: ignore[override]
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        # A superuser runs the platform: it is an operator, not a department's submitter.
        extra.setdefault("role", Role.OPERATOR)
        return super().create_superuser(username, email, password, **extra)  # type: ignore[return-value]


class User(AbstractUser):
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.SUBMITTER)
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.OPERATOR) | Q(department__isnull=False),
                name="submitter_needs_department",
                violation_error_message="部门报送员必须指定所属部门",
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.SUBMITTER and self.department_id is None:
            raise ValidationError({"department": "部门报送员必须指定所属部门"})

    def validate_constraints(self, exclude: Any = None) -> None:
        # clean() already reports a submitter without a department, on the field itself.
        super().validate_constraints(exclude={*(exclude or ()), "department"})

    @property
    def is_operator(self) -> bool:
        return self.is_superuser or self.role == Role.OPERATOR

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # Operators of the credit office run the platform: in the admin they hold every model
        # permission (admins that must stay read-only, like the audit log, refuse by themselves).
        if self.is_active and self.role == Role.OPERATOR:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role == Role.OPERATOR:
            return True
        return super().has_module_perms(app_label)

    def can_act_for(self, department: Department | None) -> bool:
        """Operators act for every department; a submitter only for its own."""
        if self.is_operator:
            return True
        return department is not None and self.department_id == department.pk


#: Tokens already looked up in this process, by key hash (see ``ApiToken.lookup``).
_TOKENS: dict[str, ApiToken] = {}
_MAX_CACHED_TOKENS = 10_000


def _rights(token_id: int) -> tuple[tuple[Any, ...], dt.datetime | None] | None:
    """What decides a token's rights, read fresh — (active, user active, superuser, role,
    department, department active) — and when it was last used; None when it is gone."""
    from xinyong.dbbulk import driver_cursor, driver_sql

    with driver_cursor() as cursor:
        cursor.execute(driver_sql(_rights_sql()), [token_id])
        row = cursor.fetchone()
    if row is None:
        return None
    revoked_ok, active, superuser, role, department_id, department_active, last_used = row
    if isinstance(last_used, str):  # SQLite without a declared type conversion
        last_used = dt.datetime.fromisoformat(last_used)
    if last_used is not None and timezone.is_naive(last_used):
        last_used = last_used.replace(tzinfo=dt.UTC)  # stored in UTC (USE_TZ)
    rights = (
        bool(revoked_ok),
        bool(active),
        bool(superuser),
        role,
        department_id,
        None if department_active is None else bool(department_active),
    )
    return rights, last_used


@functools.cache
def _rights_sql() -> str:
    from django.db import connection

    quote = connection.ops.quote_name
    token_table = quote(ApiToken._meta.db_table)
    user_table = quote(User._meta.db_table)
    department_table = quote(Department._meta.db_table)
    # Table names come from the models; the id is a parameter.
    return (
        "SELECT t.revoked_at IS NULL, u.is_active, u.is_superuser, u.role, u.department_id,"  # noqa: S608
        f" d.is_active, t.last_used_at FROM {token_table} t"
        f" JOIN {user_table} u ON u.id = t.user_id"
        f" LEFT JOIN {department_table} d ON d.id = u.department_id WHERE t.id = %s"
    )


def _rights_of(token: ApiToken) -> tuple[Any, ...]:
    user = token.user
    department = user.department
    return (
        token.revoked_at is None,
        user.is_active,
        user.is_superuser,
        user.role,
        user.department_id,
        None if department is None else department.is_active,
    )


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A per-user API token; only its hash is stored, the raw value is shown once."""

    PREFIX = "xy_"

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def set_new_key(self) -> str:
        """Give this (unsaved) token a fresh random key; return the raw key, which is not kept."""
        raw = self.PREFIX + secrets.token_urlsafe(32)
        self.prefix = raw[:10]
        self.key_hash = hash_token(raw)
        return raw

    @classmethod
    def issue(cls, user: User, name: str, created_by: User | None = None) -> tuple[ApiToken, str]:
        token = cls(user=user, name=name, created_by=created_by)
        raw = token.set_new_key()
        token.save()
        return token, raw

    @classmethod
    def lookup(cls, raw: str) -> ApiToken | None:
        """The active token with this raw key, if its user is active; None otherwise.

        A token seen before is served from memory after one small query confirms that
        nothing deciding its rights changed (revocation, the user's state, role and department,
        the department's state): building the ORM query with its joins cost more than the rest
        of a one-subject check (R-JRP-5)."""
        if not raw or not raw.startswith(cls.PREFIX):
            return None
        key = hash_token(raw)
        cached = _TOKENS.get(key)
        if cached is not None:
            fresh = _rights(cached.pk)
            if fresh is not None and fresh[0] == _rights_of(cached):
                cached.last_used_at = fresh[1]  # another process may have noted a use
                return cached
            _TOKENS.pop(key, None)
        token = (
            cls.objects.select_related("user", "user__department")
            .filter(key_hash=key, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is not None and len(_TOKENS) < _MAX_CACHED_TOKENS:
            _TOKENS[key] = token
        return token

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
