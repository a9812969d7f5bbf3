"""Admin of 政府公开承诺: read-only records. Pledges are published, reported on and withdrawn on
the staff pages or through the API, so that every change reaches the integrity archive and the
audit log the same way."""

from __future__ import annotations

from django.contrib import admin

from xinyong.audit.admin import ReadOnlyAdminMixin
from xinyong.pledges.models import FulfilmentReport, Pledge, ReportFile


class ReportInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = FulfilmentReport
    fields = ("period", "status", "text", "reported_on", "reported_by", "event")
    readonly_fields = fields
    extra = 0
    verbose_name = "履约情况报送"
    verbose_name_plural = "履约情况报送"


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "number",
        "body",
        "title",
        "category",
        "signed_on",
        "due_date",
        "status",
        "public",
    )
    list_filter = ("status", "category", "public")
    search_fields = ("number", "title", "body__name", "signer_name")
    date_hierarchy = "signed_on"
    inlines = [ReportInline]


class FileInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = ReportFile
    fields = ("filename", "kind", "size", "sha256")
    readonly_fields = fields
    extra = 0


@admin.register(FulfilmentReport)
class FulfilmentReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("pledge", "period", "status", "reported_on", "reported_by")
    list_filter = ("status",)
    search_fields = ("pledge__number", "pledge__title", "pledge__body__name")
    inlines = [FileInline]
