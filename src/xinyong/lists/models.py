"""Lists (红黑名单): criteria, entries and the events of each entry (R-LST-1…4)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from xinyong.departments.models import Department, User
from xinyong.subjects.models import Subject


class ListCriterion(models.Model):
    """A department's published criterion (认定标准) for putting subjects on a list (R-LST-2)."""

    department = models.ForeignKey(
        Department, verbose_name="认定部门", on_delete=models.PROTECT, related_name="criteria"
    )
    list_code = models.CharField("名单", max_length=20)
    code = models.CharField("标准编号", max_length=40)
    title = models.CharField("标准名称", max_length=200)
    text = models.TextField("认定标准")
    legal_basis = models.TextField("依据")
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("废止日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "认定标准"
        verbose_name_plural = "认定标准"
        ordering = ["department", "list_code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "list_code", "code"], name="criterion_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or self.effective_to >= day
        )


class EntryStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    OBJECTION = "objection", "异议中"
    REPAIRED = "repaired", "已修复"
    REMOVED = "removed", "已移出"
    EXPIRED = "expired", "已到期"


class EntrySource(models.TextChoices):
    MANUAL = "manual", "部门认定"
    IMPORT = "import", "全国名单导入"
    RELATED = "related", "关联责任人"
    RULE = "rule", "规则生成"


class ListImport(models.Model):
    """One national-list file imported, with its counts and per-row verdicts."""

    list_code = models.CharField("名单", max_length=20)
    filename = models.CharField("文件名", max_length=255)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    submitted = models.PositiveIntegerField("提交行数", default=0)
    accepted = models.PositiveIntegerField("接收行数", default=0)
    rejected = models.PositiveIntegerField("拒收行数", default=0)
    unchanged = models.PositiveIntegerField("未变行数", default=0)
    removed = models.PositiveIntegerField("移出条数", default=0)
    created = models.PositiveIntegerField("新增条数", default=0)
    updated = models.PositiveIntegerField("更新条数", default=0)
    linked = models.PositiveIntegerField("关联到本地主体的行数", default=0)
    replace = models.BooleanField("全量替换", default=False)
    encoding = models.CharField("文件编码", max_length=30, blank=True)
    actor_name = models.CharField("导入人", max_length=150, blank=True)
    # [{"row": 3, "field": "案号", "message": "…"}] — rejected rows, in Chinese.
    errors = models.JSONField("错误", default=list)

    class Meta:
        verbose_name = "名单导入"
        verbose_name_plural = "名单导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.created_at:%Y-%m-%d}）"


class EntryQuerySet(models.QuerySet["ListEntry"]):
    def in_force(self, on: dt.date | None = None) -> EntryQuerySet:
        """Entries that count in checks on a day: active (not repaired, removed, expired)."""
        day = on or dt.date.today()
        return self.filter(
            status__in=[EntryStatus.ACTIVE, EntryStatus.OBJECTION], start_date__lte=day
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))

    def public(self, on: dt.date | None = None) -> EntryQuerySet:
        return self.in_force(on).filter(public=True)


class ListEntry(models.Model):
    list_code = models.CharField("名单", max_length=20, db_index=True)
    rules_version = models.CharField("名单定义版本", max_length=20)
    subject = models.ForeignKey(
        Subject,
        verbose_name="信用主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="list_entries",
    )
    # As the list publishes them: ID numbers only masked (national lists publish them so).
    listed_name = models.CharField("名单所列名称", max_length=200)
    listed_code = models.CharField("名单所列代码", max_length=40, blank=True)
    name_key = models.CharField("名称检索键", max_length=200, db_index=True)
    entry_key = models.CharField(max_length=300, editable=False)
    reason = models.TextField("列入事由")
    legal_basis = models.TextField("依据", blank=True)
    criteria = models.ManyToManyField(ListCriterion, verbose_name="符合的认定标准", blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="发起部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="list_entries",
    )
    authority_name = models.CharField("认定机关", max_length=200)
    doc_no = models.CharField("认定文书号", max_length=200, blank=True)
    start_date = models.DateField("列入日期")
    end_date = models.DateField("截止日期（最后一天）", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACTIVE
    )
    public = models.BooleanField("公开", default=True)
    source = models.CharField("来源", max_length=10, choices=EntrySource.choices)
    list_import = models.ForeignKey(
        ListImport, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    record = models.ForeignKey(
        "records.CreditRecord",
        verbose_name="相关信用记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="list_entries",
    )
    related_to = models.ForeignKey(
        "self",
        verbose_name="关联的单位条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="related_entries",
    )
    related_role = models.CharField("责任人身份", max_length=40, blank=True)
    data = models.JSONField("原始内容", default=dict, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "名单条目"
        verbose_name_plural = "名单条目"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["list_code", "entry_key"], name="entry_key_unique")
        ]
        indexes = [
            models.Index(fields=["subject", "status"]),
            models.Index(fields=["list_code", "status", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.listed_name}（{self.list_code}）"

    @property
    def definition(self):  # type: ignore[no-untyped-def]
        from xinyong.lists.rules import definition

        return definition(self.list_code)

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.status in (EntryStatus.ACTIVE, EntryStatus.OBJECTION)
            and self.start_date <= day
            and (self.end_date is None or self.end_date >= day)
        )


class EventKind(models.TextChoices):
    ENTER = "enter", "列入"
    UPDATE = "update", "变更"
    LEAVE = "leave", "移出"
    EXPIRE = "expire", "到期移出"
    REPAIR = "repair", "信用修复"
    OBJECTION = "objection", "异议处理中"
    RESUME = "resume", "异议办结，恢复有效"


class ListEvent(models.Model):
    """Entering, leaving, expiry, repair … of an entry: kept, and published where public."""

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事件", max_length=10, choices=EventKind.choices)
    date = models.DateField("日期")
    reason = models.TextField("原因", blank=True)
    public = models.BooleanField("公开", default=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "名单事件"
        verbose_name_plural = "名单事件"
        ordering = ["entry", "created_at", "id"]
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.entry} {self.get_kind_display()} {self.date}"
