"""Admin of submission batches (报送批次): read-only, for operators of the credit office.

Batches are evidence of what each department sent: nobody adds, changes or deletes them here.
The back-office page of a batch (/office/batches/<id>/) shows every rejected row and offers the
verdict workbook.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import flatten
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from xinyong.audit.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from xinyong.departments.permissions import scope_to_user
from xinyong.ingest.models import BATCH_COUNTS, Batch, RowError
from xinyong.records.admin import TypeFilter, catalog_type_name

#: rejected rows shown inline; the batch page has them all, paginated
INLINE_ROWS = 200


class _FirstRows(BaseInlineFormSet):
    def get_queryset(self) -> QuerySet[RowError]:
        return super().get_queryset()[:INLINE_ROWS]


class RowErrorInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RowError
    formset = _FirstRows
    fields = ("row_number", "errors_text")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = "被拒绝的行"
    verbose_name_plural = f"被拒绝的行（最多显示前 {INLINE_ROWS} 行，完整列表见批次页面）"

    @admin.display(description="错误")
    def errors_text(self, row: RowError) -> str:
        return format_html_join(
            "",
            "<div>{}：{}</div>",
            ((e.get("field", ""), e.get("message", "")) for e in row.errors),
        )


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "department",
        "type_name",
        "source",
        "status",
        *BATCH_COUNTS,
        "office_link",
    )
    list_display_links = ("id", "created_at")
    list_filter = (
        "status",
        "source",
        TypeFilter,
        "department",
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("=id", "filename", "file_sha256", "department__name", "submitter__username")
    date_hierarchy = "created_at"
    list_select_related = ("department", "submitter")
    list_per_page = 50
    show_full_result_count = False
    fields = (
        "office_link",
        "department",
        "submitter",
        "type_code",
        "catalog_version",
        "source",
        "status",
        "error",
        "warnings",
        "filename",
        "file_size",
        "file_sha256",
        "encoding",
        "stored_file",
        ("submitted", "accepted", "rejected"),
        ("created", "updated", "unchanged", "late"),
        ("created_at", "started_at", "finished_at"),
    )
    readonly_fields = flatten(fields)
    inlines = (RowErrorInline,)
    actions = None

    @admin.display(description="信息类型", ordering="type_code")
    def type_name(self, batch: Batch) -> str:
        return catalog_type_name(batch.type_code)

    @admin.display(description="工作台")
    def office_link(self, batch: Batch) -> str:
        url = reverse("office:batch", args=[batch.pk])
        if batch.status == "done" and batch.stored_file:
            verdict = reverse("office:batch_verdict", args=[batch.pk])
            return format_html(
                '<a href="{}">批次页面</a> · <a href="{}">处理结果</a>', url, verdict
            )
        return format_html('<a href="{}">批次页面</a>', url)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Batch]:
        return scope_to_user(request.user, super().get_queryset(request))
