"""Admin of credit records (信用记录) and their versions: read-only for operators.

Records are revoked with a reason (撤销), never deleted, and never edited by hand: a change is a
new submission, which keeps the history. The back-office record page (/office/records/<id>/)
has the revocation form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from xinyong.audit.admin import AuditedAdminMixin, FieldValueFilter, ReadOnlyAdminMixin
from xinyong.audit.models import AuditAction
from xinyong.audit.services import record_request
from xinyong.catalog.model import default_catalog
from xinyong.departments.permissions import scope_to_user
from xinyong.records.models import (
    CreditRecord,
    RecordVersion,
    audit_record_read,
    hidden_fields,
)

_READ_ONLY_VERSION_FIELDS = (
    "version",
    "action",
    "received_at",
    "source",
    "submitter",
    "batch",
    "row_number",
    "reason",
    "content_hash",
)


class RecordVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RecordVersion
    fields = _READ_ONLY_VERSION_FIELDS
    readonly_fields = _READ_ONLY_VERSION_FIELDS
    extra = 0
    can_delete = False
    ordering = ("-version",)
    verbose_name_plural = "历史版本"


def catalog_type_name(code: str) -> str:
    """The name of the information type ``code`` in any catalog version, else the code."""
    names = {rt.code: rt.name for rt in default_catalog().all_types()}
    return names.get(code, code)


class TypeFilter(FieldValueFilter):
    """Filter a model with a ``type_code`` field by the current catalog's types."""

    title = "信息类型"
    parameter_name = "type_code"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return sorted((rt.code, rt.name) for rt in default_catalog().current())


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "doc_no",
        "subject",
        "type_name",
        "department",
        "decision_date",
        "status",
        "published",
        "late",
        "version",
        "received_at",
    )
    list_filter = (
        TypeFilter,
        "department",
        "status",
        "published",
        "late",
        "source",
        ("decision_date", admin.DateFieldListFilter),
    )
    search_fields = ("doc_no", "subject__name", "=subject__uscc", "authority_name")
    list_select_related = ("subject", "department")
    date_hierarchy = "decision_date"
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = (
        "office_link",
        "type_code",
        "catalog_version",
        "subject",
        "department",
        "authority_name",
        "authority_code",
        "doc_no",
        "decision_date",
        "data",
        "penalty_category",
        "fine_amount",
        "tier",
        "published",
        "publicity_start",
        "publicity_end",
        "publicity_rule",
        "status",
        "revoked_reason",
        "revoked_at",
        "batch",
        "row_number",
        "submitter",
        "source",
        "received_at",
        "workdays_taken",
        "late",
        "content_hash",
        "version",
    )
    fields = readonly_fields
    inlines = (RecordVersionInline,)
    actions = None

    @admin.display(description="信息类型", ordering="type_code")
    def type_name(self, record: CreditRecord) -> str:
        return catalog_type_name(record.type_code)

    @admin.display(description="工作台")
    def office_link(self, record: CreditRecord) -> str:
        url = reverse("office:record", args=[record.pk])
        return format_html('<a href="{}">记录页面（查看历史、撤销）</a>', url)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CreditRecord]:
        return scope_to_user(request.user, super().get_queryset(request))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        record = self.get_object(request, unquote(object_id))
        if record is not None and response.status_code == 200:
            audit_record_read(request, record, "管理后台查阅", "管理后台查看记录")
        return response


@admin.register(RecordVersion)
class RecordVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("record", "version", "action", "source", "submitter", "batch", "received_at")
    list_filter = ("action", "source")
    search_fields = ("record__doc_no", "content_hash")
    list_select_related = ("record", "submitter")
    raw_id_fields = ("record", "batch")
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = ("record", *_READ_ONLY_VERSION_FIELDS, "data")
    fields = readonly_fields
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecordVersion]:
        return scope_to_user(request.user, super().get_queryset(request), "record__department")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        version = self.get_object(request, unquote(object_id))
        if version is not None and response.status_code == 200:
            record = version.record
            keys = hidden_fields(record.type_code, record.catalog_version, version.data)
            if keys or not record.is_public_on(timezone.localdate()):
                record_request(
                    request,
                    AuditAction.READ,
                    f"管理后台查阅信用记录{record}的第{version.version}版",
                    obj=record,
                    reason="管理后台查看历史版本",
                    detail={"version": version.version, "fields": keys[:10]},
                )
        return response
