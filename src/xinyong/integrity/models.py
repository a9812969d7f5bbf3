"""政务诚信: evaluated bodies, their archive events (R-GOV-1), monthly evaluations (R-GOV-3)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from xinyong.departments.fields import user_ref


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
    # An event about one of the body's civil servants (问责、处分、表彰 of an official) names the
    # person too, so the civil servants' own archive (R-GOV-1) is a query over the bodies'
    # events. It still belongs to the body and counts in the body's monthly score under the
    # item its kind maps to (an official's 问责 is the body's ``criticism``): the evaluation
    # holds the body answerable for its staff, so the engine needs no person-specific rule.
    person = models.ForeignKey(
        "subjects.Subject",
        verbose_name="公职人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integrity_events",
        limit_choices_to={"kind": "natural"},
    )
    person_role = models.CharField("职务", max_length=100, blank=True)
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
    withdrawn_on = models.DateField(
        "撤销日期", null=True, blank=True, help_text="来源被撤销或更正的事件保留在档案中但不再计分"
    )
    withdraw_reason = models.CharField("撤销原因", max_length=300, blank=True)
    origin = models.CharField(
        "来源标识",
        max_length=80,
        blank=True,
        help_text="由其他业务（拖欠账款、投诉、名单、报送记录、互联网采集）生成的事件的来源，如arrear:12",
    )
    created_by = user_ref("录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "政务诚信事件"
        verbose_name_plural = "政务诚信事件"
        ordering = ["-event_date", "-id"]
        # No index on the date alone: the monthly evaluation reads the last 24 months, most of
        # the archive, in id order — a table scan beats a range scan plus a sort (SQLite).
        indexes = [models.Index(fields=["body", "event_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["origin"], condition=~Q(origin=""), name="integrity_event_origin"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.kind} {self.event_date}"


class ModelVersion(models.Model):
    """An evaluation-model version issued by the credit office (same YAML as data/model.yaml)."""

    version = models.CharField("版本", max_length=40, unique=True)
    effective_from = models.DateField("施行日期")
    text = models.TextField("模型定义（YAML）")
    created_by = user_ref("登记人")
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
    created_by = user_ref("运行人")
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


class RankingPublication(models.Model):
    """The credit office's decision to publish a month's ranking of one level on the portal."""

    month = models.DateField("评价月份")
    level = models.CharField("层级", max_length=16, choices=BodyLevel.choices)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    published_by = user_ref("发布人")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "排名发布"
        verbose_name_plural = "排名发布"
        ordering = ["-month", "level"]
        constraints = [
            models.UniqueConstraint(fields=["month", "level"], name="integrity_ranking_month_level")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_level_display()}"


class WarningStatus(models.TextChoices):
    OPEN = "open", "待处置"
    CLOSED = "closed", "已处置"


class Warning(models.Model):
    """预警: a serious integrity event raised to the body and the credit office, with a deadline."""

    body = models.ForeignKey(
        GovBody, verbose_name="评价对象", on_delete=models.PROTECT, related_name="warnings"
    )
    event = models.ForeignKey(
        IntegrityEvent,
        verbose_name="触发事件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warnings",
    )
    kind = models.CharField("预警类别", max_length=40)
    title = models.CharField("预警事项", max_length=300)
    rule = models.CharField("预警规则", max_length=300)
    raised_on = models.DateField("预警日期")
    deadline = models.DateField(
        "处置期限", null=True, blank=True, help_text="该年度节假日安排未录入时暂无法计算"
    )
    status = models.CharField(
        "状态", max_length=8, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    closed_on = models.DateField("处置日期", null=True, blank=True)
    response = models.TextField("处置情况", blank=True)
    closed_by = user_ref("处置人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "政务诚信预警"
        verbose_name_plural = "政务诚信预警"
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(event__isnull=False), name="integrity_warning_event"
            )
        ]

    def __str__(self) -> str:
        return self.title


class DishonestItem(models.Model):
    """失信政府机构名单的一项失信事项 (R-GOV-4) with its rectification progress."""

    body = models.ForeignKey(
        GovBody, verbose_name="评价对象", on_delete=models.PROTECT, related_name="dishonest_items"
    )
    event = models.OneToOneField(
        IntegrityEvent,
        verbose_name="失信事件",
        on_delete=models.PROTECT,
        related_name="dishonest_item",
    )
    kind = models.CharField("失信类别", max_length=40)
    title = models.CharField("失信事项", max_length=300)
    found_on = models.DateField("认定日期")
    rectify_by = models.DateField("整改期限")
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    progress = models.TextField("整改进展", blank=True)
    escalated_on = models.DateField("升级为严重失信日期", null=True, blank=True)
    voided_on = models.DateField("撤销日期", null=True, blank=True)
    void_reason = models.CharField("撤销原因", max_length=300, blank=True)
    list_entry = models.ForeignKey(
        "lists.ListEntry",
        verbose_name="严重失信名单条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "政府机构失信事项"
        verbose_name_plural = "政府机构失信事项"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return self.title
