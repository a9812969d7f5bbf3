"""Admin of 政务诚信: the credit office keeps the bodies under evaluation and their archive
events here (every change audited); model versions, runs and evaluations are read-only records
(versions are issued with ``xinyong integrity model add``, evaluations by the monthly run)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from xinyong.audit.admin import AuditedAdminMixin, FieldValueFilter, ReadOnlyAdminMixin
from xinyong.integrity.model import default_versions
from xinyong.integrity.models import (
    Evaluation,
    EvaluationRun,
    GovBody,
    IntegrityEvent,
    ModelVersion,
)
from xinyong.integrity.services import stored_versions


def _known() -> tuple[dict[str, str], set[str]]:
    """Event kinds (code → name) and item codes of every model version, bundled and stored."""
    from xinyong.integrity.services import stored_versions

    kinds: dict[str, str] = {}
    items: set[str] = set()
    for model in (*default_versions(), *stored_versions()):
        kinds.update(model.kinds)
        items.update(model.items)
    return kinds, items


class EventForm(forms.ModelForm):
    class Meta:
        model = IntegrityEvent
        fields = (
            "body",
            "kind",
            "item",
            "event_date",
            "level",
            "channel",
            "source_doc",
            "points",
            "rectified_on",
            "repaired_on",
            "note",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds, _ = _known()
        self.fields["kind"] = forms.ChoiceField(
            label="事件类别", choices=[(k, f"{k} {name}") for k, name in kinds.items()]
        )

    def clean_item(self) -> str:
        item = (self.cleaned_data.get("item") or "").strip()
        if item and item not in _known()[1]:
            raise forms.ValidationError(f"监测事项“{item}”不在评价模型中")
        return item

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("event_date")
        for key in ("rectified_on", "repaired_on"):
            if day and data.get(key) and data[key] < day:
                self.add_error(key, "早于事件发生日期")
        if data.get("kind") == "honour" and not data.get("level"):
            self.add_error("level", "荣誉须注明级别")
        return data


@admin.register(GovBody)
class GovBodyAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "level", "department", "active")
    list_filter = ("level", "active")
    search_fields = ("name", "subject__uscc")
    raw_id_fields = ("subject",)


def kind_names() -> dict[str, str]:
    """Every event kind's name, over the bundled and the stored model versions (a later
    version's name wins). Read once per admin page: each stored version is parsed from text."""
    names: dict[str, str] = {}
    for version in (*default_versions(), *stored_versions()):
        names.update(version.kinds)
    return names


class KindFilter(FieldValueFilter):
    """Events of one kind, offered by the kinds' names."""

    title = "类别"
    parameter_name = "kind"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return sorted(kind_names().items(), key=lambda item: item[1])


@admin.register(IntegrityEvent)
class IntegrityEventAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = EventForm
    list_display = (
        "event_date",
        "body",
        "kind_name",
        "level",
        "channel",
        "rectified_on",
        "repaired_on",
    )
    list_filter = ("channel", "level", KindFilter)
    search_fields = ("body__name", "source_doc")
    date_hierarchy = "event_date"
    raw_id_fields = ("body",)

    def changelist_view(self, request: Any, extra_context: Any = None) -> Any:
        # The names are read once for the page, not once per row.
        self._kind_names = kind_names()
        return super().changelist_view(request, extra_context)

    @admin.display(description="类别", ordering="kind")
    def kind_name(self, event: IntegrityEvent) -> str:
        names = getattr(self, "_kind_names", None) or kind_names()
        return names.get(event.kind, event.kind)

    def save_model(self, request: Any, obj: IntegrityEvent, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("version", "effective_from", "created_by", "created_at")


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("month", "model_version", "started_at", "bodies", "events", "unchanged")
    list_filter = ("month",)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("month", "body", "level", "score", "grade", "rank", "delta")
    list_filter = ("month", "level", "grade")
    search_fields = ("body__name",)
