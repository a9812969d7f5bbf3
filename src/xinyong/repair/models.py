"""Credit repair applications (信用修复申请, R-REP-1) and the daily publicity expiry marks."""

from __future__ import annotations

from django.db import models

from xinyong.departments.models import Department, User
from xinyong.subjects.models import Subject


class RepairStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交，待受理"
    REVIEWING = "reviewing", "审核中"
    APPROVED = "approved", "已修复"
    REFUSED = "refused", "不予修复"


#: Statuses of an application still being handled.
OPEN_STATUSES = (RepairStatus.SUBMITTED, RepairStatus.REVIEWING)


class RepairApplication(models.Model):
    tracking_no = models.CharField("受理编号", max_length=20, unique=True)
    # HMAC of the access code (查询码); compared in constant time, never stored in clear.
    access_hash = models.CharField(max_length=64, editable=False)
    record = models.ForeignKey(
        "records.CreditRecord",
        verbose_name="信用记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    entry = models.ForeignKey(
        "lists.ListEntry",
        verbose_name="名单条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    subject = models.ForeignKey(
        Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="负责审核的部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    tier = models.CharField("失信等级", max_length=10)
    condition_rule = models.CharField("修复条件规则", max_length=40)
    procedure_rule = models.CharField("办理程序规则", max_length=40)
    rules_version = models.CharField("规则文件版本", max_length=20)
    earliest_date = models.DateField("最早可申请日期")
    # applicant (申请人) and contact
    applicant_name = models.CharField("申请人（经办人）", max_length=100)
    applicant_phone = models.CharField("联系电话", max_length=30)
    statement = models.TextField("失信行为纠正情况说明")
    obligations_fulfilled = models.BooleanField("已履行法定责任和义务", default=False)
    training_done = models.BooleanField("已参加信用修复专题培训", default=False)
    commitment_text = models.TextField("信用修复承诺内容", blank=True)
    commitment_signer = models.CharField("承诺人签名", max_length=100, blank=True)
    commitment_date = models.DateField("承诺日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=RepairStatus.choices, default=RepairStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField("提交时间")
    submitted_date = models.DateField("提交日期")
    accept_due = models.DateField("受理期限")
    review_due = models.DateField("办结期限")
    due_estimated = models.BooleanField("期限为估算（节假日安排未录入）", default=False)
    review_started_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField("审核意见", blank=True)
    share_due = models.DateField("结果共享期限", null=True, blank=True)
    shared_at = models.DateTimeField("结果共享时间", null=True, blank=True)
    shared_to = models.PositiveIntegerField("已通知部门数", default=0)
    reminded_on = models.DateField("最近提醒日期", null=True, blank=True)

    class Meta:
        verbose_name = "信用修复申请"
        verbose_name_plural = "信用修复申请"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["status", "review_due"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(record__isnull=False, entry__isnull=True)
                    | models.Q(record__isnull=True, entry__isnull=False)
                ),
                name="repair_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no}（{self.subject.name if self.subject_id else ''}）"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def condition_rule_name(self) -> str:
        """The rule version the conditions came from, by its name (the id is kept)."""
        from xinyong.core.publicity import version_name

        return version_name(self.condition_rule)

    @property
    def target_label(self) -> str:
        if self.record_id:
            return f"行政处罚 {self.record.doc_no}" if self.record else ""
        entry = self.entry
        return f"{entry.definition.name} {entry.doc_no or entry.listed_name}" if entry else ""


class RepairMaterial(models.Model):
    """A file the applicant uploaded, kept under ``DATA_DIR/repair/``."""

    application = models.ForeignKey(
        RepairApplication, on_delete=models.PROTECT, related_name="materials"
    )
    filename = models.CharField("文件名", max_length=255)
    stored_name = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.filename


class RepairStep(models.Model):
    """Every step of an application, visible to the applicant and the department."""

    application = models.ForeignKey(
        RepairApplication, on_delete=models.PROTECT, related_name="steps"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=RepairStatus.choices)
    title = models.CharField("环节", max_length=100)
    note = models.TextField("说明", blank=True)
    actor_name = models.CharField("办理人", max_length=150, blank=True)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.title}"


class PublicityExpiry(models.Model):
    """A record whose longest publicity period ended: publication stopped by itself.

    Written once per record by the daily job (``xinyong daily``), which is how running the job
    twice changes nothing the second time.
    """

    record = models.OneToOneField(
        "records.CreditRecord", on_delete=models.PROTECT, related_name="publicity_expiry"
    )
    last_day = models.DateField("公示最后一天")
    expired_on = models.DateField("停止公示日期")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    noticed = models.PositiveIntegerField("已通知部门数", default=0)

    class Meta:
        verbose_name = "公示期满记录"
        verbose_name_plural = "公示期满记录"
        ordering = ["-expired_on", "-id"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.expired_on}"
