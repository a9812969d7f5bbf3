"""Credit commitments (信用承诺, R-COM-1…3): the commitment as signed, its verifications
(核查) and every event in its life.

Rules (kinds, public flag, verification and materials windows, breach tiers) are data in
``data/commitments.yaml``; a commitment keeps the rule version it was signed under.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from xinyong.departments.models import Department, User
from xinyong.subjects.models import Subject


class CommitmentStatus(models.TextChoices):
    ACTIVE = "active", "履约中"
    FULFILLED = "fulfilled", "已履约"
    UNFULFILLED = "unfulfilled", "未履约"
    UNTRUE = "untrue", "虚假承诺"
    WITHDRAWN = "withdrawn", "已撤回"


class Channel(models.TextChoices):
    COUNTER = "counter", "窗口登记"
    API = "api", "接口报送"
    PORTAL = "portal", "门户自主承诺"


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def public(self) -> CommitmentQuerySet:
        """What 信用承诺公示 shows: public kinds, confirmed, not withdrawn."""
        return self.filter(public=True, confirmed=True).exclude(status=CommitmentStatus.WITHDRAWN)

    def overdue(self, today: dt.date) -> CommitmentQuerySet:
        """容缺 commitments whose materials were due before ``today`` and are not supplied."""
        return self.filter(
            status=CommitmentStatus.ACTIVE, due_date__isnull=False, due_date__lt=today
        ).filter(materials_supplied_at__isnull=True)

    def coverage_kinds(self, codes: list[str]) -> CommitmentQuerySet:
        return self.filter(kind__in=codes).exclude(
            Q(status=CommitmentStatus.WITHDRAWN) | Q(confirmed=False)
        )


class Commitment(models.Model):
    number = models.CharField("承诺编号", max_length=20, unique=True)
    subject = models.ForeignKey(
        Subject, verbose_name="承诺主体", on_delete=models.PROTECT, related_name="commitments"
    )
    kind = models.CharField("承诺类型", max_length=10)
    kind_name = models.CharField("承诺类型名称", max_length=40)
    rule_version = models.CharField("规则版本", max_length=40)
    department = models.ForeignKey(
        Department,
        verbose_name="受理部门",
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    matter = models.CharField("承诺事项", max_length=200)
    licence_doc_no = models.CharField("关联许可决定文书号", max_length=200, blank=True)
    text = models.TextField("承诺书原文")
    signer = models.CharField("签署人", max_length=50)
    signed_at = models.DateTimeField("签署时间")
    signed_date = models.DateField("签署日期", db_index=True)
    public = models.BooleanField("公示", default=False)
    confirmed = models.BooleanField("已确认", default=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    due_date = models.DateField("补齐材料期限", null=True, blank=True)
    materials_supplied_at = models.DateTimeField("补齐材料时间", null=True, blank=True)
    verify_by = models.DateField("核查期限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.ACTIVE
    )
    status_reason = models.TextField("状态说明", blank=True)
    record = models.ForeignKey(
        "records.CreditRecord",
        verbose_name="失信记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    created_by = models.ForeignKey(
        User,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.CharField("联系方式", max_length=100, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = "信用承诺"
        verbose_name_plural = "信用承诺"
        ordering = ["-signed_at", "-id"]
        indexes = [
            models.Index(fields=["department", "signed_date"]),
            models.Index(fields=["subject", "department"]),
            models.Index(fields=["public", "confirmed", "signed_date"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.kind_name}（{self.subject.name}）"


class Verification(models.Model):
    """One verification (核查) of a commitment by the responsible department."""

    class Result(models.TextChoices):
        TRUE = "true", "属实"
        UNTRUE = "untrue", "不实"

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="verifications"
    )
    result = models.CharField("核查结果", max_length=8, choices=Result.choices)
    note = models.TextField("核查说明", blank=True)
    verified_by = models.ForeignKey(
        User, verbose_name="核查人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField("核查时间")
    on_time = models.BooleanField("在核查期限内", default=True)

    class Meta:
        verbose_name = "承诺核查"
        verbose_name_plural = "承诺核查"
        ordering = ["commitment", "verified_at", "id"]

    def __str__(self) -> str:
        return f"{self.commitment.number} 核查{self.get_result_display()}"


class EventKind(models.TextChoices):
    SIGN = "sign", "签署"
    CONFIRM = "confirm", "确认公示"
    VERIFY = "verify", "核查"
    MATERIALS = "materials", "补齐材料"
    FULFIL = "fulfil", "履约"
    OVERDUE = "overdue", "逾期未履约"
    BREACH = "breach", "认定失信"
    WITHDRAW = "withdraw", "撤回"


class CommitmentEvent(models.Model):
    """The history of a commitment: every change, with who, when and why."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事件", max_length=10, choices=EventKind.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    status_before = models.CharField("原状态", max_length=12, blank=True)
    status_after = models.CharField("新状态", max_length=12, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "承诺事件"
        verbose_name_plural = "承诺事件"
        ordering = ["commitment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.commitment.number} {self.get_kind_display()}"
