"""Complaints (投诉) of enterprises about a government body's dishonesty, every step kept
(R-GOV-5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from xinyong.casework import CaseMaterial, CaseQuerySet, CaseStep, FiledCase
from xinyong.departments.models import Department
from xinyong.subjects.models import Subject


class Category(models.TextChoices):
    PROMISE = "promise", "承诺不兑现（政策、合同、招商承诺等）"
    ARREARS = "arrears", "拖欠企业账款"
    JUDGMENT = "judgment", "拒不执行生效判决、裁定"
    OLD_DEBTS = "old_debts", "新官不理旧账"
    POLICY = "policy", "规划或政策调整致合法权益受损（申请补偿救治）"
    OTHER = "other", "其他政务失信行为"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待转办"
    ASSIGNED = "assigned", "办理中"
    ANSWERED = "answered", "已答复，待办结"
    CLOSED = "closed", "已办结"


#: Statuses of a complaint still being handled.
OPEN_STATUSES = (Status.SUBMITTED, Status.ASSIGNED, Status.ANSWERED)


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", "投诉属实"
    UNSUBSTANTIATED = "unsubstantiated", "投诉不属实"


class ComplaintQuerySet(CaseQuerySet["Complaint"]):
    """Complaints; ``open()``: those still being handled."""


class Complaint(FiledCase):
    case_kind = "complaint"
    kind_label = "投诉"
    filer = "投诉企业"
    number_prefix = "TS"
    open_statuses = OPEN_STATUSES

    enterprise_name = models.CharField("投诉企业", max_length=200)
    enterprise_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    contact_name = models.CharField("联系人", max_length=100)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    contact_email = models.CharField("电子邮箱", max_length=200, blank=True)
    # The body complained about: one of the platform's departments, or a government subject, or
    # only a name (and code) when it is neither.
    target_department = models.ForeignKey(
        Department,
        verbose_name="被投诉单位（部门）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_against",
    )
    target_subject = models.ForeignKey(
        Subject,
        verbose_name="被投诉单位（主体）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_against",
    )
    target_name = models.CharField("被投诉单位名称", max_length=200)
    target_code = models.CharField("被投诉单位代码", max_length=18, blank=True)
    category = models.CharField("投诉类别", max_length=12, choices=Category.choices)
    facts = models.TextField("事实与理由")
    claim = models.TextField("投诉请求（补偿救治请求）", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    # The responsible body the credit office assigned the complaint to.
    department = models.ForeignKey(
        Department,
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    assigned_on = models.DateField("转办日期", null=True, blank=True)
    answer = models.TextField("答复意见", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    finding = models.CharField("办结结论", max_length=16, choices=Finding.choices, blank=True)
    finding_reason = models.TextField("结论理由", blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = "政务失信投诉"
        verbose_name_plural = "政务失信投诉"
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["filed_on"]),
            models.Index(fields=["closed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(finding=""), name="complaint_closed_has_finding"
            )
        ]

    @property
    def handler_name(self) -> str:
        return self.department.name if self.department is not None else "信用办（待转办）"


class StepKind(models.TextChoices):
    FILE = "file", "提交投诉"
    ASSIGN = "assign", "转办承办单位"
    ANSWER = "answer", "承办单位答复"
    CLOSE = "close", "办结并告知投诉企业"
    NOTE = "note", "备注"


class ComplaintStep(CaseStep):
    """One step of a complaint: who, when, what; every step is shown to the complainant."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField("步骤", max_length=10, choices=StepKind.choices)
    actor_name = models.CharField("办理单位/人", max_length=200)

    class Meta:
        verbose_name = "投诉办理步骤"
        verbose_name_plural = "投诉办理步骤"
        ordering = ["complaint", "at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} {self.get_kind_display()}"


class ComplaintMaterial(CaseMaterial):
    """A file the complainant supplied, stored under the data directory."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="materials")

    class Meta:
        verbose_name = "投诉材料"
        verbose_name_plural = "投诉材料"
        ordering = ["complaint", "id"]
