"""Admin for the holiday schedules: the loaded years with their days, and an upload page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from xinyong.audit.services import record
from xinyong.core.workdays import ScheduleError
from xinyong.workdays import services
from xinyong.workdays.models import DayKind, HolidaySchedule, ScheduleDay

EXAMPLE_FILE = Path(__file__).resolve().parent / "examples" / "2027-example.yaml"
MAX_SCHEDULE_BYTES = 1024 * 1024


def _is_operator(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or getattr(user, "is_operator", False))
    )


class OperatorAdminMixin:
    """Operators of the credit office (信用办) manage the calendar without per-model grants."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_operator(request) or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_operator(request) or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_operator(request) or super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_operator(request) or super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_operator(request) or super().has_delete_permission(request, obj)  # type: ignore[misc]


class ScheduleDayInline(OperatorAdminMixin, admin.TabularInline):
    model = ScheduleDay
    fields = ["date", "kind", "name"]
    extra = 0


class UploadScheduleForm(forms.Form):
    file = forms.FileField(
        label="安排文件",
        help_text="YAML 或 CSV 文件，格式见示例文件；同一年度已导入的安排将被整体替换。",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SCHEDULE_BYTES:
            raise forms.ValidationError("文件过大（节假日安排文件不应超过1MB）")
        return upload


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(OperatorAdminMixin, admin.ModelAdmin):
    list_display = ["year", "source", "holiday_count", "workday_count", "loaded_at", "loaded_by"]
    list_display_links = ["year", "source"]
    search_fields = ["source", "note", "=year"]
    readonly_fields = ["year", "loaded_at", "loaded_by", "updated_at"]
    fields = ["year", "source", "note", "loaded_at", "loaded_by", "updated_at"]
    inlines = [ScheduleDayInline]
    change_list_template = "admin/workdays/holidayschedule/change_list.html"
    actions = ["delete_schedules"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HolidaySchedule]:
        return (
            super()
            .get_queryset(request)
            .select_related("loaded_by")
            .annotate(
                n_holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
                n_workdays=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
            )
        )

    @admin.display(description="放假天数", ordering="n_holidays")
    def holiday_count(self, obj: HolidaySchedule) -> int:
        return getattr(obj, "n_holidays", 0)

    @admin.display(description="调休上班天数", ordering="n_workdays")
    def workday_count(self, obj: HolidaySchedule) -> int:
        return getattr(obj, "n_workdays", 0)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by delete_schedules (audited)
        return actions

    @admin.action(
        description="删除所选年度的节假日安排（恢复内置安排，如有）", permissions=["delete"]
    )
    def delete_schedules(self, request: HttpRequest, queryset: QuerySet[HolidaySchedule]) -> None:
        years = []
        for schedule in queryset:
            services.delete_schedule(schedule, request.user)
            years.append(str(schedule.year))
        self.message_user(request, f"已删除{'、'.join(years)}年的节假日安排。", messages.SUCCESS)

    # -- adding goes through the upload page; edits and deletions are audited --

    def add_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:workdays_holidayschedule_upload"))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        schedule = form.instance
        changed = form.has_changed() or any(fs.has_changed() for fs in formsets)
        if changed:
            record(
                request.user,
                "update",
                f"在管理后台修改{schedule.year}年节假日安排",
                obj=schedule,
                detail={"fields": form.changed_data},
            )
            services.touch(schedule)

    def delete_model(self, request: HttpRequest, obj: HolidaySchedule) -> None:
        services.delete_schedule(obj, request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HolidaySchedule]) -> None:
        for schedule in queryset:
            services.delete_schedule(schedule, request.user)

    # -- the upload page --

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="workdays_holidayschedule_upload",
            ),
            path(
                "example.yaml",
                self.admin_site.admin_view(self.example_view),
                name="workdays_holidayschedule_example",
            ),
        ]
        return extra + super().get_urls()

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        errors: list[str] = []
        if request.method == "POST":
            form = UploadScheduleForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    schedule = services.load_schedule(
                        upload.read(), request.user, filename=upload.name or ""
                    )
                except ScheduleError as exc:
                    errors = exc.messages
                else:
                    self.message_user(
                        request,
                        f"已导入{schedule.year}年节假日安排（来源：{schedule.source}）。",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:workdays_holidayschedule_change", args=[schedule.pk])
                    )
        else:
            form = UploadScheduleForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "上传节假日安排",
            "form": form,
            "schedule_errors": errors,
            "covered": services.covered_years(),
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/workdays/holidayschedule/upload.html", context)

    def example_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return FileResponse(
            EXAMPLE_FILE.open("rb"),
            as_attachment=True,
            filename="2027-example.yaml",
            content_type="text/yaml; charset=utf-8",
        )
