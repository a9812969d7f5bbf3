"""Admin of 互联网采集: sources are kept here (every change audited); collected items and fetch
runs are read-only records — items are reviewed on /office/integrity/feeds/ only, so that every
accepted item enters the archive through ``integrity.archive``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from xinyong.audit.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from xinyong.feeds import collectors
from xinyong.feeds.models import FeedItem, FeedSource, FetchRun
from xinyong.feeds.services import FeedError, check_url


class SourceForm(forms.ModelForm):
    class Meta:
        model = FeedSource
        fields = ("name", "url", "collector", "keywords", "active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collector"] = forms.ChoiceField(label="采集器", choices=collectors.choices())

    def clean_url(self) -> str:
        url = (self.cleaned_data.get("url") or "").strip()
        if self.instance.pk and url == self.instance.url:
            # A local source registered from the command line stays editable (name, active …);
            # the fetch checks its address again anyway.
            return url
        try:
            return check_url(url)
        except FeedError as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(FeedSource)
class FeedSourceAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = SourceForm
    list_display = ("name", "collector", "active", "last_fetched_at", "last_new", "last_error")
    list_filter = ("active", "collector")
    search_fields = ("name", "url")
    readonly_fields = (
        "last_fetched_at",
        "last_error",
        "last_new",
        "last_seen",
        "last_filtered",
        "last_errors",
    )

    def save_model(self, request: Any, obj: FeedSource, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(FeedItem)
class FeedItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "source", "published_at", "status", "suggested_body", "reviewed_by")
    list_filter = ("status", "source")
    search_fields = ("title", "summary", "link")


@admin.register(FetchRun)
class FetchRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("source", "started_at", "ok", "new", "seen", "filtered", "errors", "error")
    list_filter = ("ok", "source")
