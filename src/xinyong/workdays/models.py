"""The operator-maintained holiday schedules (节假日安排) for years the bundled data lacks.

A year loaded here replaces the bundled schedule of the same year.  The working-day calendar
itself is :func:`xinyong.workdays.services.get_calendar`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from xinyong.core.workdays import WEEKDAY_NAMES, YearSchedule
from xinyong.departments.fields import user_ref


class HolidaySchedule(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField(
        "来源", max_length=300, help_text="例如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    note = models.TextField("备注", blank=True)
    loaded_at = models.DateTimeField("导入时间", default=timezone.now)
    loaded_by = user_ref("导入人")
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"

    def to_year_schedule(self) -> YearSchedule:
        holidays: dict[Any, str] = {}
        workdays: dict[Any, str] = {}
        for day in sorted(self.days.all(), key=lambda d: d.date):
            (holidays if day.kind == DayKind.HOLIDAY else workdays)[day.date] = day.name
        return YearSchedule(
            self.year, holidays, workdays, source=self.source, note=self.note, origin="loaded"
        )


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class ScheduleDay(models.Model):
    schedule = models.ForeignKey(
        HolidaySchedule, verbose_name="节假日安排", on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("名称", max_length=100, help_text="例如：国庆节、春节调休")

    class Meta:
        verbose_name = "节假日/调休日"
        verbose_name_plural = "节假日/调休日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        schedule_year = self.schedule.year if self.schedule_id else None
        if self.date and schedule_year and self.date.year != schedule_year:
            errors["date"] = f"日期{self.date.isoformat()}不在{schedule_year}年内"
        elif self.date and self.kind == DayKind.WORKDAY and self.date.weekday() < 5:
            errors["date"] = (
                f"{self.date.isoformat()}是{WEEKDAY_NAMES[self.date.weekday()]}，"
                "调休上班日必须是周六或周日"
            )
        if errors:
            raise ValidationError(errors)
