"""政府公开承诺 (R-GOV-2): a body's commitments signed by its head, and their fulfilment reports.

Nothing is deleted: a pledge is withdrawn with its reason, reports accumulate (history kept).
"""

from __future__ import annotations

from django.db import models

from xinyong.departments.fields import user_ref
from xinyong.pledges.rules import REPORT_STATUS_LABELS, rule_on
from xinyong.uploads import StoredFile


class PledgeStatus(models.TextChoices):
    IN_FORCE = "in_force", "履行中"
    FULFILLED = "fulfilled", "已兑现"
    UNFULFILLED = "unfulfilled", "逾期未兑现"
    WITHDRAWN = "withdrawn", "已撤回"


class ReportStatus(models.TextChoices):
    DONE = "done", REPORT_STATUS_LABELS["done"]
    ONGOING = "ongoing", REPORT_STATUS_LABELS["ongoing"]
    UNDONE = "undone", REPORT_STATUS_LABELS["undone"]


class Pledge(models.Model):
    """A public commitment (公开承诺) of a government body, signed by its head."""

    body = models.ForeignKey(
        "integrity.GovBody",
        verbose_name="承诺单位",
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    number = models.CharField("承诺编号", max_length=24, unique=True)
    title = models.CharField("承诺事项", max_length=200)
    content = models.TextField("承诺内容")
    category = models.CharField("承诺类别", max_length=20)
    signer_name = models.CharField("负责人姓名", max_length=50)
    signer_title = models.CharField("负责人职务", max_length=50)
    signed_on = models.DateField("签署日期")
    due_date = models.DateField(
        "兑现期限", null=True, blank=True, help_text="长期承诺（如政务服务承诺）可不填"
    )
    public = models.BooleanField("在门户网站公示", default=True)
    status = models.CharField(
        "状态", max_length=12, choices=PledgeStatus.choices, default=PledgeStatus.IN_FORCE
    )
    fulfilled_on = models.DateField("兑现日期", null=True, blank=True)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    withdraw_reason = models.TextField("撤回理由", blank=True)
    rules_version = models.CharField("规则版本", max_length=20)
    rule_from = models.DateField("适用规则施行日期")
    # Set by the service through xinyong.integrity.archive.add_event (never created here).
    unkept_event = models.OneToOneField(
        "integrity.IntegrityEvent",
        verbose_name="承诺未兑现事件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = user_ref("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政府公开承诺"
        verbose_name_plural = "政府公开承诺"
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def signature(self) -> str:
        """The head's signature line as published: 承诺人：局长 张三."""
        return f"{self.signer_title} {self.signer_name}"

    @property
    def source_doc(self) -> str:
        return f"公开承诺{self.number}《{self.title}》"


class FulfilmentReport(models.Model):
    """履约情况报送: what the body reports on a pledge for one month."""

    pledge = models.ForeignKey(
        Pledge, verbose_name="承诺", on_delete=models.PROTECT, related_name="reports"
    )
    period = models.DateField("报送月份", help_text="所报送履约情况的月份（该月1日）")
    reported_on = models.DateField("报送日期")
    status = models.CharField("履行情况", max_length=10, choices=ReportStatus.choices)
    text = models.TextField("履行情况说明")
    event = models.OneToOneField(
        "integrity.IntegrityEvent",
        verbose_name="政务诚信档案事件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_by = user_ref("报送人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "履约情况报送"
        verbose_name_plural = "履约情况报送"
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pledge.number} {self.period:%Y-%m} {self.get_status_display()}"

    @property
    def on_time(self) -> bool:
        """As the evaluation's on-time rule sees it: last month's fulfilment (报送上月履约信息)
        reported on or before the due day, which earns that month's bonus."""
        return rule_on(self.pledge.signed_on).on_time(self.period, self.reported_on)


class ReportFile(StoredFile):
    """An evidence file (证明材料) of a report, stored under the data directory."""

    report = models.ForeignKey(
        FulfilmentReport, verbose_name="履约报送", on_delete=models.PROTECT, related_name="files"
    )

    class Meta:
        verbose_name = "履约证明材料"
        verbose_name_plural = "履约证明材料"
        ordering = ["report", "id"]
