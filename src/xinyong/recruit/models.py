"""录用人选信用查询 (R-GOV-7): a unit's formal request about persons it means to hire or transfer,
the double review of every hit, and the persons' objections.

A person's ID number is stored only encrypted with a keyed hash for lookups (as subjects do);
pages show it masked. The requesting unit sees only whether each person is on a dishonesty
list; the entries found are kept for the credit office's reviewers.
"""

from __future__ import annotations

from django.db import models

from xinyong.departments.models import Department, User
from xinyong.lists.models import ListEntry


class Purpose(models.TextChoices):
    HIRE = "hire", "公务员录用"
    TRANSFER = "transfer", "公务员调任"
    INSTITUTION = "institution", "事业单位招聘"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "办理中"
    ANSWERED = "answered", "已答复"


class Result(models.TextChoices):
    PENDING = "pending", "待复核"
    CLEAR = "clear", "无失信记录"
    LISTED = "listed", "有失信记录"


class RecruitRequest(models.Model):
    department = models.ForeignKey(
        Department, verbose_name="查询单位", on_delete=models.PROTECT, related_name="+"
    )
    doc_no = models.CharField("查询函文号", max_length=100)
    title = models.CharField("查询函标题", max_length=200)
    purpose = models.CharField("查询事由", max_length=12, choices=Purpose.choices)
    submitted_by = models.ForeignKey(
        User, verbose_name="提交人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField("收件日期")
    due_on = models.DateField("答复期限", null=True, blank=True)
    rules_version = models.CharField("规则版本", max_length=20)
    status = models.CharField(
        "状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    answered_on = models.DateField("答复日期", null=True, blank=True)
    released_by = models.ForeignKey(
        User,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "录用人选信用查询"
        verbose_name_plural = "录用人选信用查询"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"{self.doc_no}（{self.get_purpose_display()}）"

    @property
    def number(self) -> str:
        return f"LY{self.received_on:%Y}-{self.pk:06d}"


class RecruitPerson(models.Model):
    request = models.ForeignKey(
        RecruitRequest, verbose_name="查询", on_delete=models.CASCADE, related_name="persons"
    )
    position = models.PositiveIntegerField("序号")
    name = models.CharField("姓名", max_length=100)
    id_cipher = models.TextField(editable=False)
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    id_masked = models.CharField("身份证号码（脱敏）", max_length=24)
    hit = models.BooleanField("比对命中", default=False)
    hits = models.ManyToManyField(ListEntry, verbose_name="命中的名单条目", blank=True)
    result = models.CharField(
        "查询结果", max_length=10, choices=Result.choices, default=Result.PENDING
    )
    objection_until = models.DateField("异议期限", null=True, blank=True)

    class Meta:
        verbose_name = "查询人选"
        verbose_name_plural = "查询人选"
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="recruit_person_pos")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"


class Conclusion(models.TextChoices):
    CONFIRM = "confirm", "确认在失信名单内"
    EXCLUDE = "exclude", "非同一人或已不在名单内，排除"


class PersonReview(models.Model):
    person = models.ForeignKey(
        RecruitPerson, verbose_name="人选", on_delete=models.CASCADE, related_name="reviews"
    )
    stage = models.PositiveSmallIntegerField("审核轮次", choices=[(1, "初审"), (2, "复核")])
    reviewer = models.ForeignKey(
        User, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.CharField("结论", max_length=10, choices=Conclusion.choices)
    note = models.TextField("审核意见", blank=True)
    at = models.DateTimeField("审核时间", auto_now_add=True)

    class Meta:
        verbose_name = "命中复核"
        verbose_name_plural = "命中复核"
        ordering = ["person", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["person", "stage"], name="recruit_review_stage")
        ]

    def __str__(self) -> str:
        return f"{self.person}的{self.get_stage_display()}"


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", "异议成立，更正为无失信记录"
    REJECTED = "rejected", "异议不成立，维持原答复"


class PersonObjection(models.Model):
    person = models.OneToOneField(
        RecruitPerson, verbose_name="人选", on_delete=models.CASCADE, related_name="objection"
    )
    filed_on = models.DateField("提出日期")
    reason = models.TextField("异议理由")
    recorded_by = models.ForeignKey(
        User, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField("结果", max_length=10, choices=ObjectionOutcome.choices, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        verbose_name = "人选异议"
        verbose_name_plural = "人选异议"

    def __str__(self) -> str:
        return f"{self.person}的异议"


class ObjectionStep(models.Model):
    objection = models.ForeignKey(
        PersonObjection, verbose_name="异议", on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField("步骤", max_length=10)
    started_on = models.DateField("起算日期")
    due_on = models.DateField("期限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_by = models.ForeignKey(
        User,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("办理意见", blank=True)

    class Meta:
        verbose_name = "异议办理步骤"
        verbose_name_plural = "异议办理步骤"
        ordering = ["objection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["objection", "step"], name="recruit_objection_step")
        ]

    def __str__(self) -> str:
        return f"{self.objection}：{self.label}"

    @property
    def label(self) -> str:
        from xinyong.recruit.rules import STEP_LABELS

        return STEP_LABELS.get(self.step, self.step)
