"""Admin for departments, users and API tokens (operators of the credit office).

Every change made here is written to the audit log through ``AuditedAdminMixin``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse

from xinyong.audit.admin import AuditedAdminMixin
from xinyong.audit.models import AuditAction
from xinyong.core import uscc
from xinyong.departments.models import ApiToken, Department, Role, User

# ---------------------------------------------------------------------------
# departments
# ---------------------------------------------------------------------------


class DepartmentForm(forms.ModelForm):
    # Longer than 18 so that a code pasted with spaces or hyphens reaches clean_code.
    code = forms.CharField(
        label="统一社会信用代码",
        max_length=40,
        help_text="部门（机关）的18位统一社会信用代码，按 GB 32100-2015 校验",
    )

    class Meta:
        model = Department
        fields = ("name", "short_name", "code", "is_active")

    def clean_code(self) -> str:
        # Typed with spaces, hyphens or full-width characters: keep the compact form.
        return uscc.compact(self.cleaned_data.get("code") or "")


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = DepartmentForm
    list_display = ("name", "short_name", "code", "is_active", "user_count", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name", "code")
    ordering = ("name",)
    readonly_fields = ("created_at",)
    actions = ("activate", "deactivate")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return super().get_queryset(request).annotate(_user_count=Count("users"))

    @admin.display(description="用户数", ordering="_user_count")
    def user_count(self, department: Department) -> int:
        return getattr(department, "_user_count", 0)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[Department], on: bool) -> int:
        count = 0
        for department in queryset.filter(is_active=not on):
            department.is_active = on
            department.save(update_fields=["is_active"])
            self.audit(
                request,
                AuditAction.UPDATE,
                f"{'启用' if on else '停用'}部门“{department}”",
                obj=department,
                detail={"changes": {"is_active": {"old": not on, "new": on}}},
            )
            count += 1
        return count

    @admin.action(description="启用所选部门")
    def activate(self, request: HttpRequest, queryset: QuerySet[Department]) -> None:
        count = self._set_active(request, queryset, True)
        self.message_user(request, f"已启用 {count} 个部门。", messages.SUCCESS)

    @admin.action(description="停用所选部门（其报送员将不能再操作数据）")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Department]) -> None:
        count = self._set_active(request, queryset, False)
        self.message_user(request, f"已停用 {count} 个部门。", messages.SUCCESS)


# ---------------------------------------------------------------------------
# users
# ---------------------------------------------------------------------------


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "role", "department")


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = (
        "username",
        "full_name",
        "role",
        "department",
        "is_active",
        "is_staff",
        "last_login",
    )
    list_filter = ("role", "department", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "department__name")
    list_select_related = ("department",)
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("角色与部门", {"fields": ("role", "department")}),
        ("个人信息", {"fields": ("last_name", "first_name", "email")}),
        (
            "权限",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": "信用办管理员可进入管理后台并看到全部部门的数据；"
                "部门报送员必须指定所属部门，只能操作本部门的数据。",
                "fields": (
                    "username",
                    "role",
                    "department",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description="姓名")
    def full_name(self, user: User) -> str:
        return f"{user.last_name}{user.first_name}"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # An operator manages accounts but cannot hand out powers beyond the roles.
            readonly += ["is_superuser", "groups", "user_permissions"]
        if obj is not None:
            readonly += ["last_login", "date_joined"]
        return readonly

    def _protects_superuser(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._protects_superuser(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._protects_superuser(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change and obj.role == Role.OPERATOR:
            obj.is_staff = True  # operators work in the admin
        super().save_model(request, obj, form, change)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:
                self.audit(request, AuditAction.UPDATE, f"修改用户“{user}”的密码", obj=user)
        return response


# ---------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name")
        help_texts = {"name": "例如“市场监管局行政处罚系统对接”；令牌只在签发时显示一次。"}


class TokenStatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "有效"), ("revoked", "已吊销")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Issue and revoke API tokens. A token is never edited or deleted, only revoked; its raw
    value is shown once, right after it is issued, and only its hash is stored."""

    form = ApiTokenForm
    list_display = (
        "prefix_display",
        "user",
        "name",
        "created_at",
        "created_by",
        "status",
        "revoked_at",
        "last_used_at",
    )
    list_filter = (TokenStatusFilter, "user")
    search_fields = ("prefix", "name", "user__username")
    list_select_related = ("user", "created_by")
    ordering = ("-created_at",)
    actions = ("revoke_tokens",)
    # The detail page shows what the list shows: a token has nothing else worth seeing.
    view_fields = list_display

    @admin.display(description="前缀", ordering="prefix")
    def prefix_display(self, token: ApiToken) -> str:
        return f"{token.prefix}…"

    @admin.display(description="状态", boolean=False)
    def status(self, token: ApiToken) -> str:
        return "有效" if token.is_active else "已吊销"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("user", "name") if obj is None else self.view_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.view_fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(is_active=True).select_related("department")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_operator", False))

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:  # tokens are never edited; has_change_permission refuses it too
            return
        raw = obj.set_new_key()
        obj.created_by = request.user  # type: ignore[assignment]
        obj.save()
        self.audit(
            request,
            AuditAction.TOKEN,
            f"为用户“{obj.user}”签发接口令牌 {obj.prefix}…（用途：{obj.name}）",
            obj=obj,
            detail={"user": obj.user.get_username(), "prefix": obj.prefix, "name": obj.name},
        )
        messages.warning(
            request,
            f"已为用户“{obj.user}”签发接口令牌。令牌只显示这一次，关闭本页后无法再查看，"
            f"请立即复制并妥善保存：{raw}",
        )

    @admin.action(description="吊销所选令牌", permissions=["revoke"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            token.revoke()
            self.audit(
                request,
                AuditAction.TOKEN,
                f"吊销用户“{token.user}”的接口令牌 {token.prefix}…（用途：{token.name}）",
                obj=token,
                detail={"user": token.user.get_username(), "prefix": token.prefix},
            )
            count += 1
        self.message_user(request, f"已吊销 {count} 个令牌。", messages.SUCCESS)
