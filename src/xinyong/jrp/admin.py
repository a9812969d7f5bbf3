"""Admin of joint reward and punishment: webhooks are configured here; checks, feedback and
deliveries are read-only records."""

from __future__ import annotations

from django.contrib import admin

from xinyong.audit.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from xinyong.jrp.models import Check, Clearance, Delivery, Feedback, Webhook


@admin.register(Webhook)
class WebhookAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("department", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("secret",)
    audit_secret_fields = ("secret",)


@admin.register(Check)
class CheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "department", "user", "scenario", "via", "queries", "hits")
    list_filter = ("scenario", "via", "department")
    date_hierarchy = "created_at"


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "item", "measure_code", "applied", "reason", "user")
    list_filter = ("applied", "measure_code")


@admin.register(Clearance)
class ClearanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "department", "query_key", "entry", "reason", "user")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("notice", "webhook", "attempts", "delivered_at", "next_attempt_at")
    list_filter = ("delivered_at",)
