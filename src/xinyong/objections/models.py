"""Objections (异议) on a credit record or a list entry, with every step kept (R-OBJ-1, R-OBJ-2)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from xinyong.casework import CaseMaterial, CaseQuerySet, CaseStep, FiledCase
from xinyong.departments.models import Department, User
from xinyong.subjects.models import Subject


class Channel(models.TextChoices):
    PORTAL = "portal", "门户网站在线提交"
    OFFICE = "office", "信用办代为登记"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    REFUSED = "refused", "不予受理"
    VERIFYING = "verifying", "核查中"
    ANSWERED = "answered", "已答复，待办结"
    CLOSED = "closed", "已办结"


#: Statuses of an objection still being handled.
OPEN_STATUSES = (Status.SUBMITTED, Status.VERIFYING, Status.ANSWERED)


class Outcome(models.TextChoices):
    CORRECTED = "corrected", "更正"
    REVOKED = "revoked", "撤销"
    UPHELD = "upheld", "维持"


class ObjectionQuerySet(CaseQuerySet["Objection"]):
    """Objections; ``open()``: those still being handled."""


class Objection(FiledCase):
    case_kind = "objection"
    kind_label = "异议"
    filer = "异议人"
    number_prefix = "YY"
    open_statuses = OPEN_STATUSES

    record = models.ForeignKey(
        "records.CreditRecord",
        verbose_name="异议的信用记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    entry = models.ForeignKey(
        "lists.ListEntry",
        verbose_name="异议的名单条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    # The providing department the objection is routed to; none: the credit office itself
    # (national lists, decided by the court / tax / finance authority).
    department = models.ForeignKey(
        Department,
        verbose_name="核查单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    routing_note = models.CharField("转办说明", max_length=300, blank=True)
    channel = models.CharField("提交方式", max_length=10, choices=Channel.choices)
    filed_by = models.ForeignKey(
        User, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    objector_name = models.CharField("异议人", max_length=200)
    objector_phone = models.CharField("联系电话", max_length=40, blank=True)
    objector_email = models.CharField("电子邮箱", max_length=200, blank=True)
    # The objector's ID number or code: keyed hash, encrypted, and masked for display.
    objector_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    objector_code_cipher = models.TextField(blank=True, editable=False)
    objector_code_masked = models.CharField("证件号码/代码（脱敏）", max_length=40, blank=True)
    reasons = models.TextField("异议理由")
    requested = models.TextField("请求更正的内容", blank=True)
    target_public = models.BooleanField("提交时处于公示中", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    stage_started = models.DateField("本步开始日期")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by = models.ForeignKey(
        User, verbose_name="答复人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField("结果说明", blank=True)
    corrected_values = models.JSONField("更正内容", default=dict, blank=True)
    # Entries this objection put in 异议中 (ids), so closing resumes exactly those.
    suspended = models.JSONField(default=list, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(record__isnull=False) & Q(entry__isnull=True))
                | (Q(record__isnull=True) & Q(entry__isnull=False)),
                name="objection_one_target",
            )
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    @property
    def target_label(self) -> str:
        if self.record_id is not None:
            assert self.record is not None
            return f"信用记录 {self.record.doc_no}（{self.record.authority_name}）"
        assert self.entry is not None
        return f"名单条目 {self.entry.listed_name}（{self.entry.definition.name}）"

    @property
    def handler_name(self) -> str:
        return self.department.name if self.department is not None else "信用办"


class StepKind(models.TextChoices):
    FILE = "file", "提交异议"
    ROUTE = "route", "转交核查单位"
    ACCEPT = "accept", "受理"
    REFUSE = "refuse", "不予受理"
    SUSPEND = "suspend", "暂停相关惩戒措施"
    ANSWER = "answer", "核查答复"
    APPLY = "apply", "更正/撤销已执行"
    CLOSE = "close", "办结并告知异议人"
    RESUME = "resume", "恢复相关名单条目"
    NOTICE = "notice", "发布更正公告"
    REMIND = "remind", "期限提醒"
    NOTE = "note", "备注"


class ObjectionStep(CaseStep):
    """One step of an objection: who, when, what, note; shown to the objector when visible."""

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField("步骤", max_length=10, choices=StepKind.choices)
    actor_name = models.CharField("办理人", max_length=200)
    visible_to_objector = models.BooleanField("异议人可见", default=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "异议办理步骤"
        verbose_name_plural = "异议办理步骤"
        ordering = ["objection", "at", "id"]

    def __str__(self) -> str:
        return f"{self.objection} {self.get_kind_display()}"


class Material(CaseMaterial):
    """A file the objector supplied, stored under the data directory."""

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="materials")

    class Meta:
        verbose_name = "异议材料"
        verbose_name_plural = "异议材料"
        ordering = ["objection", "id"]


class NoticeQuerySet(models.QuerySet["CorrectionNotice"]):
    def shown(self, on: dt.date | None = None) -> NoticeQuerySet:
        day = on or dt.date.today()
        return self.filter(published_on__lte=day, shown_until__gte=day)


class CorrectionNotice(models.Model):
    """更正公告 (R-OBJ-2): published where the wrong information was, for at least as long."""

    objection = models.OneToOneField(
        Objection, on_delete=models.PROTECT, related_name="correction_notice"
    )
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        "records.CreditRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entry = models.ForeignKey(
        "lists.ListEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField("主体名称", max_length=200)
    subject_code = models.CharField("代码（公开形式）", max_length=40, blank=True)
    title = models.CharField("标题", max_length=300)
    body = models.TextField("内容")
    published_on = models.DateField("发布日期")
    shown_until = models.DateField("公告截止（最后一天）")

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "更正公告"
        verbose_name_plural = "更正公告"
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Reminder(models.Model):
    """A deadline reminder sent for a step on a day (one per objection, step and day)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="reminders")
    status = models.CharField(max_length=10)
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["objection", "status", "day"], name="objection_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.objection} {self.status} {self.day}"
