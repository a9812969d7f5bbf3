"""The audit log in the admin (read-only, for operators) and the mixin that audits other admins.

Every admin of the platform that changes data mixes in ``AuditedAdminMixin`` so that each add,
change and delete made through the admin is written to the audit log (R-SEC-2)::

    @admin.register(Thing)
    class ThingAdmin(AuditedAdminMixin, admin.ModelAdmin):
        audit_secret_fields = ("api_secret",)   # values never written to the log

        @admin.action(description="停用所选")
        def disable(self, request, queryset):
            for thing in queryset:
                thing.disable()
                self.audit(request, AuditAction.UPDATE, f"停用“{thing}”", obj=thing)
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.http import HttpRequest
from django.utils.html import format_html

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.audit.services import client_ip, record

__all__ = ["AuditEventAdmin", "AuditedAdminMixin", "FieldValueFilter", "ReadOnlyAdminMixin"]

_SECRET = "（已隐去）"  # noqa: S105 - shown instead of a secret value


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


def _object_type(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _named_fields(
    obj: models.Model, names: list[str]
) -> Iterator[tuple[str, models.Field[Any, Any] | ForeignObjectRel]]:
    """The fields of ``obj``'s model among ``names``, with their names; other names skipped."""
    for name in names:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        yield name, field


class AuditedAdminMixin:
    """Write an audit event for every add, change and delete made through a ModelAdmin.

    Put it before ``admin.ModelAdmin`` in the bases. Changed fields are logged with their old
    and new values, except the fields named in ``audit_secret_fields`` (logged as changed, value
    hidden). Use ``self.audit(request, action, summary, obj=…)`` inside custom admin actions.
    """

    audit_secret_fields: tuple[str, ...] = ("password", "key_hash", "pii_cipher")

    # -- helpers ----------------------------------------------------------------------------

    def audit(
        self,
        request: HttpRequest,
        action: str,
        summary: str,
        *,
        obj: Any = None,
        reason: str = "",
        detail: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> AuditEvent:
        """Record an event by the request's user, from the request's address."""
        return record(
            request.user,
            action,
            summary,
            obj=obj,
            reason=reason,
            detail=detail,
            ip=client_ip(request),
            **kwargs,
        )

    def audit_values(self, obj: models.Model | None, names: list[str]) -> dict[str, Any]:
        """The values of the named model fields of ``obj``, as JSON, secrets hidden."""
        values: dict[str, Any] = {}
        if obj is None:
            return values
        for name, field in _named_fields(obj, names):
            if name in self.audit_secret_fields:
                values[name] = _SECRET
            elif field.many_to_many or field.one_to_many:
                if obj.pk is None:
                    continue
                values[name] = [str(item) for item in getattr(obj, name).all()]
            elif field.is_relation:
                values[name] = _jsonable(getattr(obj, name, None))
            elif field.concrete:
                values[name] = _jsonable(field.value_from_object(obj))  # type: ignore[union-attr]
        return values

    def _verbose_names(self, obj: models.Model, names: list[str]) -> list[str]:
        labels = []
        for name in names:
            try:
                labels.append(str(getattr(obj._meta.get_field(name), "verbose_name", name)))
            except FieldDoesNotExist:
                labels.append(name)
        return labels

    def _model_label(self, obj: models.Model) -> str:
        return str(obj._meta.verbose_name)

    # -- ModelAdmin hooks -------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changed = list(form.changed_data) if form is not None else []
        before: dict[str, Any] = {}
        if change and obj.pk is not None:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = self.audit_values(old, changed)
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._audit_saved(request, obj, change, changed, before, form)

    def _audit_saved(
        self,
        request: HttpRequest,
        obj: Any,
        change: bool,
        changed: list[str],
        before: dict[str, Any],
        form: Any = None,
    ) -> None:
        label = self._model_label(obj)
        if not change:
            names = changed or [f.name for f in obj._meta.concrete_fields]
            self.audit(
                request,
                AuditAction.CREATE,
                f"新增{label}“{obj}”",
                obj=obj,
                detail={"values": self._after_values(obj, names, form)},
            )
            return
        if not changed:
            return
        after = self._after_values(obj, changed, form)
        changes = {
            name: {"old": before.get(name), "new": after.get(name)}
            for name in changed
            if name in after or name in before
        }
        fields = "、".join(self._verbose_names(obj, changed))
        self.audit(
            request,
            AuditAction.UPDATE,
            f"修改{label}“{obj}”：{fields}",
            obj=obj,
            detail={"changes": changes},
        )

    def _after_values(self, obj: Any, names: list[str], form: Any) -> dict[str, Any]:
        # Many-to-many values are saved after save_model (save_related): take them from the form.
        values = self.audit_values(obj, names)
        cleaned = getattr(form, "cleaned_data", {}) if form is not None else {}
        for name, field in _named_fields(obj, names):
            if field.many_to_many and name in cleaned and name not in self.audit_secret_fields:
                values[name] = [str(item) for item in cleaned[name] or []]
        return values

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        deleted = [
            (f.instance, _object_type(f.instance), f.instance.pk, str(f.instance))
            for f in getattr(formset, "deleted_forms", [])
            if f.instance.pk is not None
        ]
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for instance in getattr(formset, "new_objects", []):
            self.audit(
                request,
                AuditAction.CREATE,
                f"新增{self._model_label(instance)}“{instance}”",
                obj=instance,
            )
        for instance, names in getattr(formset, "changed_objects", []):
            self.audit(
                request,
                AuditAction.UPDATE,
                f"修改{self._model_label(instance)}“{instance}”："
                + "、".join(self._verbose_names(instance, list(names))),
                obj=instance,
                detail={"values": self.audit_values(instance, list(names))},
            )
        for instance, object_type, pk, text in deleted:
            self.audit(
                request,
                AuditAction.DELETE,
                f"删除{self._model_label(instance)}“{text}”",
                object_type=object_type,
                object_id=pk,
            )

    def _audit_delete(self, request: HttpRequest, obj: Any, snapshot: dict[str, Any]) -> None:
        self.audit(
            request,
            AuditAction.DELETE,
            f"删除{self._model_label(obj)}“{snapshot['repr']}”",
            object_type=snapshot["type"],
            object_id=snapshot["pk"],
            detail={"values": snapshot["values"]},
        )

    def _snapshot(self, obj: Any) -> dict[str, Any]:
        return {
            "type": _object_type(obj),
            "pk": obj.pk,
            "repr": str(obj),
            "values": self.audit_values(obj, [f.name for f in obj._meta.concrete_fields]),
        }

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        snapshot = self._snapshot(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        self._audit_delete(request, obj, snapshot)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        snapshots = [(obj, self._snapshot(obj)) for obj in queryset]
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        for obj, snapshot in snapshots:
            self._audit_delete(request, obj, snapshot)


class ReadOnlyAdminMixin:
    """Nobody — not even a superuser — adds, changes or deletes through this admin or inline.

    Put it before ``admin.ModelAdmin`` (or the inline class) in the bases."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FieldValueFilter(admin.SimpleListFilter):
    """A list filter that keeps the rows whose field ``parameter_name`` equals the chosen value;
    subclasses set ``title``, ``parameter_name`` and ``lookups``."""

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value():
            return queryset.filter(**{str(self.parameter_name): self.value()})
        return queryset


class _EventValueFilter(FieldValueFilter):
    """Filter audit events by one field, offering every value the log holds."""

    def label(self, value: str) -> str:
        return value

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        field = str(self.parameter_name)
        values = AuditEvent.objects.order_by(field).values_list(field, flat=True).distinct()
        return [(value, self.label(value)) for value in values if value]


class ObjectTypeFilter(_EventValueFilter):
    title = "对象类型"
    parameter_name = "object_type"

    def label(self, value: str) -> str:
        return _object_type_label(value)


class ActorFilter(_EventValueFilter):
    title = "操作人"
    parameter_name = "actor_name"


def _object_type_label(value: str) -> str:
    try:
        model = apps.get_model(value)
    except (LookupError, ValueError):
        return value
    return f"{model._meta.verbose_name}（{value}）"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Browse the audit log. Nobody — not even a superuser — adds, changes or deletes here."""

    list_display = ("at", "actor_name", "action", "object_label", "object_id", "summary", "ip")
    list_display_links = ("at", "summary")
    list_filter = ("action", ("at", admin.DateFieldListFilter), ObjectTypeFilter, ActorFilter)
    search_fields = ("summary", "reason", "actor_name", "object_type", "object_id", "ip")
    date_hierarchy = "at"
    list_per_page = 50
    show_full_result_count = False
    fields = (
        "at",
        "actor_name",
        "actor",
        "action",
        "object_type",
        "object_id",
        "summary",
        "reason",
        "detail_pretty",
        "ip",
    )
    readonly_fields = fields
    actions = None

    @admin.display(description="对象类型", ordering="object_type")
    def object_label(self, event: AuditEvent) -> str:
        return _object_type_label(event.object_type) if event.object_type else ""

    @admin.display(description="详情")
    def detail_pretty(self, event: AuditEvent) -> str:
        text = json.dumps(event.detail or {}, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)
