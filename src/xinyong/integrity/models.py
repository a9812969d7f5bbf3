"""政务诚信: evaluated bodies, their archive events (R-GOV-1), monthly evaluations (R-GOV-3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BodyLevel(models.TextChoices):
    COUNTY_DEPT = "county_dept", "县直部门"
    TOWNSHIP = "township", "乡镇街道"
    OTHER = "other", "其他单位"


class GovBody(models.Model):
    """A government body under evaluation (被评价的政府机构)."""

    subject = models.OneToOneField(
        "subjects.Subject",
        verbose_name="主体",
        on_delete=models.PROTECT,
        related_name="gov_body",
        limit_choices_to={"kind": "government"},
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name="对应平台部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField("名称", max_length=200)
    level = models.CharField("层级", max_length=16, choices=BodyLevel.choices, db_index=True)
    active = models.BooleanField("参加评价", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价对象"
        verbose_name_plural = "评价对象"
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class HonourLevel(models.TextChoices):
    NATIONAL = "国家级", "国家级"
    PROVINCIAL = "省级", "省级"
    CITY = "市级", "市级"
    COUNTY = "县级", "县级"


class SourceChannel(models.TextChoices):
    SELF = "self", "本单位报送"
    SHARED = "shared", "部门共享"
    INTERNET = "internet", "互联网采集"


class IntegrityEvent(models.Model):
    """One event of a body's integrity archive (政务诚信档案), scored by the monthly evaluation."""

    body = models.ForeignKey(
        GovBody, verbose_name="评价对象", on_delete=models.PROTECT, related_name="events"
    )
    item = models.CharField(
        "监测事项", max_length=20, blank=True, help_text="留空则按事件类别归入评价模型的条目"
    )
    kind = models.CharField("事件类别", max_length=40)
    event_date = models.DateField("发生日期")
    level = models.CharField(
        "级别", max_length=8, choices=HonourLevel.choices, blank=True, help_text="荣誉的级别"
    )
    channel = models.CharField("信息来源", max_length=10, choices=SourceChannel.choices)
    source_doc = models.CharField("来源文件", max_length=300, blank=True)
    points = models.DecimalField("指定分值", max_digits=6, decimal_places=2, null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    repaired_on = models.DateField("信用修复日期", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "政务诚信事件"
        verbose_name_plural = "政务诚信事件"
        ordering = ["-event_date", "-id"]
        # No index on the date alone: the monthly evaluation reads the last 24 months, most of
        # the archive, in id order — a table scan beats a range scan plus a sort (SQLite).
        indexes = [models.Index(fields=["body", "event_date"])]

    def __str__(self) -> str:
        return f"{self.body_id} {self.kind} {self.event_date}"


class ModelVersion(models.Model):
    """An evaluation-model version issued by the credit office (same YAML as data/model.yaml)."""

    version = models.CharField("版本", max_length=40, unique=True)
    effective_from = models.DateField("施行日期")
    text = models.TextField("模型定义（YAML）")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价模型版本"
        verbose_name_plural = "评价模型版本"
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return self.version


class EvaluationRun(models.Model):
    """One run of a month's evaluation; a re-run records what changed."""

    month = models.DateField("评价月份", db_index=True)
    model_version = models.CharField("模型版本", max_length=40)
    started_at = models.DateTimeField("运行时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="运行人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bodies = models.PositiveIntegerField("评价对象数", default=0)
    events = models.PositiveIntegerField("读取事件数", default=0)
    digest = models.CharField("输入摘要", max_length=64)
    unchanged = models.BooleanField("结果未变", default=False)
    changes = models.JSONField("变化", default=list, blank=True)

    class Meta:
        verbose_name = "评价运行"
        verbose_name_plural = "评价运行"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.pk}"


class Evaluation(models.Model):
    """A body's evaluation for a month: score, grade, rank within level, and why."""

    month = models.DateField("评价月份")
    body = models.ForeignKey(
        GovBody, verbose_name="评价对象", on_delete=models.CASCADE, related_name="evaluations"
    )
    run = models.ForeignKey(
        EvaluationRun, verbose_name="运行", on_delete=models.PROTECT, related_name="+"
    )
    model_version = models.CharField("模型版本", max_length=40)
    level = models.CharField("层级", max_length=16, choices=BodyLevel.choices)
    score = models.DecimalField("得分", max_digits=7, decimal_places=2)
    grade = models.CharField("等级", max_length=8)
    rank = models.PositiveIntegerField("层级内排名")
    delta = models.DecimalField("较上月变化", max_digits=7, decimal_places=2, null=True, blank=True)
    contributions = models.JSONField("计分明细", default=dict)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "月度评价"
        verbose_name_plural = "月度评价"
        ordering = ["month", "level", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["month", "body"], name="integrity_eval_month_body")
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.month:%Y-%m} {self.score}"
