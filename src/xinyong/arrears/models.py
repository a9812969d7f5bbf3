"""The arrears ledger (拖欠账款台账, R-GOV-6): arrears of government bodies and state enterprises
to private and small enterprises, repayment plans, repayments, and the tracking of court-listed
government debtors (发现一起、预警一起、退出一起)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from xinyong.departments.models import Department, User
from xinyong.subjects.models import Subject

#: Amounts are in 万元 with 6 decimals: exact to the 分.
ZERO = Decimal("0")


class DebtorKind(models.TextChoices):
    DEPARTMENT = "department", "本县部门"
    GOVERNMENT = "government", "其他政府机构"
    STATE_ENTERPRISE = "state", "国有企业"


class ArrearStatus(models.TextChoices):
    UNPAID = "unpaid", "未偿还"
    PARTIAL = "partial", "部分偿还"
    CLEARED = "cleared", "已清偿"


class Arrear(models.Model):
    debtor_kind = models.CharField("债务人类别", max_length=12, choices=DebtorKind.choices)
    debtor_name = models.CharField("债务人", max_length=200)
    debtor_uscc = models.CharField("债务人统一社会信用代码", max_length=18, db_index=True)
    debtor_subject = models.ForeignKey(
        Subject,
        verbose_name="债务人（信用主体）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrears",
    )
    # The department answerable for the arrear: the debtor itself when it is a department,
    # otherwise its supervising department (主管部门), if any.
    department = models.ForeignKey(
        Department,
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrears",
    )
    creditor_name = models.CharField("债权企业", max_length=200)
    creditor_uscc = models.CharField("债权企业统一社会信用代码", max_length=18)
    creditor_sme = models.BooleanField("民营或中小企业", default=True)
    amount = models.DecimalField("欠款金额（万元）", max_digits=18, decimal_places=6)
    paid = models.DecimalField("已偿还（万元）", default=ZERO, max_digits=18, decimal_places=6)
    due_date = models.DateField("应付日期")
    basis = models.TextField("合同或依据")
    disputed = models.BooleanField("存在争议", default=False)
    dispute_note = models.CharField("争议说明", max_length=500, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ArrearStatus.choices, default=ArrearStatus.UNPAID
    )
    cleared_on = models.DateField("清偿日期", null=True, blank=True)
    court_listed = models.BooleanField("债务人被列为失信被执行人", default=False)
    recorded_on = models.DateField("登记日期")
    recorded_by = models.ForeignKey(
        User, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "拖欠账款"
        verbose_name_plural = "拖欠账款台账"
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="arrear_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=models.F("amount")),
                name="arrear_paid_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.debtor_name}欠{self.creditor_name}{self.amount.normalize():f}万元"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


class RepaymentPlan(models.Model):
    """A repayment plan (还款计划); a new plan supersedes the previous one, which is kept."""

    arrear = models.ForeignKey(Arrear, on_delete=models.PROTECT, related_name="plans")
    made_on = models.DateField("制定日期")
    note = models.CharField("说明", max_length=500, blank=True)
    current = models.BooleanField("现行计划", default=True)
    made_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "还款计划"
        verbose_name_plural = "还款计划"
        ordering = ["arrear", "-made_on", "-id"]

    def __str__(self) -> str:
        return f"{self.arrear}的还款计划（{self.made_on}）"


class Instalment(models.Model):
    plan = models.ForeignKey(RepaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    due_date = models.DateField("计划还款日期")
    amount = models.DecimalField("计划金额（万元）", max_digits=18, decimal_places=6)

    class Meta:
        verbose_name = "分期"
        verbose_name_plural = "分期"
        ordering = ["plan", "due_date", "id"]

    def __str__(self) -> str:
        return f"{self.due_date} {self.amount.normalize():f}万元"


class Repayment(models.Model):
    arrear = models.ForeignKey(Arrear, on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField("还款日期")
    amount = models.DecimalField("还款金额（万元）", max_digits=18, decimal_places=6)
    proof = models.CharField("凭证（凭证号或说明）", max_length=500)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "还款记录"
        verbose_name_plural = "还款记录"
        ordering = ["arrear", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} 还款{self.amount.normalize():f}万元"


class EventKind(models.TextChoices):
    RECORD = "record", "登记"
    PLAN = "plan", "制定还款计划"
    REPAY = "repay", "还款"
    DISPUTE = "dispute", "争议状态变更"
    LISTED = "listed", "发现被列为失信被执行人"
    EXITED = "exited", "退出失信被执行人名单"


class ArrearEvent(models.Model):
    """The history of an arrear: every change, with the status after it."""

    arrear = models.ForeignKey(Arrear, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=EventKind.choices)
    day = models.DateField("日期")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("办理人", max_length=200)
    note = models.TextField("说明", blank=True)
    status_after = models.CharField("变更后状态", max_length=10, choices=ArrearStatus.choices)
    paid_after = models.DecimalField("变更后已偿还（万元）", max_digits=18, decimal_places=6)

    class Meta:
        verbose_name = "台账变更记录"
        verbose_name_plural = "台账变更记录"
        ordering = ["arrear", "at", "id"]

    def __str__(self) -> str:
        return f"{self.arrear} {self.get_kind_display()}"


class CourtWatch(models.Model):
    """A government debtor found on the 失信被执行人 list: found, warned, exited."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="court_watches")
    department = models.ForeignKey(
        Department,
        verbose_name="预警对象部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="court_watches",
    )
    entry = models.ForeignKey(
        "lists.ListEntry", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    listed_name = models.CharField("名称", max_length=200)
    case_no = models.CharField("执行案号", max_length=200, blank=True)
    court = models.CharField("执行法院", max_length=200, blank=True)
    found_on = models.DateField("发现日期")
    warned_on = models.DateField("预警日期", null=True, blank=True)
    warning = models.TextField("预警内容", blank=True)
    exited_on = models.DateField("退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "失信被执行人政府机构跟踪"
        verbose_name_plural = "失信被执行人政府机构跟踪"
        ordering = ["-found_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(exited_on__isnull=True),
                name="court_watch_one_open_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.listed_name}（{self.found_on}发现）"

    @property
    def is_open(self) -> bool:
        return self.exited_on is None
