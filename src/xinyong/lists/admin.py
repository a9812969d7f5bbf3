"""Lists in the admin: criteria (认定标准) managed by their department, entries, events, imports.

Criteria: an operator manages every department's; a department's staff only its own (R-LST-2).
Entries are put on and taken off lists through ``services`` (the office pages at
/office/lists/ or the admin action below), never by editing rows, so every change is an event.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from xinyong.audit.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from xinyong.departments.permissions import (
    can_act_for,
    ensure_can_act_for,
    scope_to_user,
    visible_departments,
)
from xinyong.lists.models import ListCriterion, ListEntry, ListEvent, ListImport
from xinyong.lists.rules import definitions
from xinyong.lists.services import IN_FORCE, ListError, remove_entry


def local_list_choices() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in definitions().values() if d.scope == "local"]


class CriterionForm(forms.ModelForm):
    list_code = forms.ChoiceField(label="名单", choices=local_list_choices)

    class Meta:
        model = ListCriterion
        fields = (
            "department",
            "list_code",
            "code",
            "title",
            "text",
            "legal_basis",
            "effective_from",
            "effective_to",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", "废止日期早于施行日期")
        return data


@admin.register(ListCriterion)
class ListCriterionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = CriterionForm
    list_display = ("code", "title", "department", "list_name", "effective_from", "effective_to")
    list_filter = ("list_code", "department")
    search_fields = ("code", "title", "text")

    @admin.display(description="名单", ordering="list_code")
    def list_name(self, criterion: ListCriterion) -> str:
        d = definitions().get(criterion.list_code)
        return d.name if d else criterion.list_code

    def get_queryset(self, request: HttpRequest) -> QuerySet[ListCriterion]:
        return scope_to_user(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department":
            kwargs["queryset"] = visible_departments(request.user).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_act_for(request.user, obj.department))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A criterion some entry relies on is kept (give it a 废止日期 instead).
        if obj is not None and obj.listentry_set.exists():
            return False
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_act_for(request.user, obj.department))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        ensure_can_act_for(request.user, obj.department, what="维护认定标准", request=request)
        super().save_model(request, obj, form, change)


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ListEvent
    fields = ("date", "kind", "reason", "public", "actor", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(ListEntry)
class ListEntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "listed_name",
        "listed_code",
        "list_code",
        "status",
        "department",
        "authority_name",
        "doc_no",
        "start_date",
        "end_date",
        "public",
    )
    list_filter = ("list_code", "status", "source", "public")
    search_fields = ("listed_name", "listed_code", "doc_no", "name_key")
    date_hierarchy = "start_date"
    list_select_related = ("department",)
    raw_id_fields = ("subject", "record", "related_to", "list_import")
    inlines = (EventInline,)
    actions = ("remove_selected",)
    show_full_result_count = False
    readonly_fields = [
        f.name
        for f in ListEntry._meta.get_fields()
        if getattr(f, "concrete", False) and not f.many_to_many and f.name != "id"
    ] + ["criteria"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ListEntry]:
        qs = super().get_queryset(request)
        user: Any = request.user
        if getattr(user, "is_operator", False):
            return qs
        return scope_to_user(user, qs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # entries enter through the office page (criteria, events, audit)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an entry leaves its list with an event; it is never deleted

    @admin.action(description="移出所选条目（原因：信用办复核决定移出）")
    def remove_selected(self, request: HttpRequest, queryset: QuerySet[ListEntry]) -> None:
        done = 0
        for entry in queryset.filter(status__in=IN_FORCE, related_to__isnull=True):
            try:
                remove_entry(request.user, entry, "信用办复核决定移出")
            except (ListError, PermissionDenied) as exc:
                self.message_user(request, f"{entry}：{exc}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"已移出 {done} 条。", messages.SUCCESS)


@admin.register(ListImport)
class ListImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "list_code",
        "filename",
        "submitted",
        "accepted",
        "rejected",
        "created",
        "updated",
        "unchanged",
        "removed",
        "actor_name",
    )
    list_filter = ("list_code",)
