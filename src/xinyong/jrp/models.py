"""Checks (联合奖惩核查), their results, feedback, cleared false positives, notices to
departments and webhooks (R-JRP-2…5, R-LST-3)."""

from __future__ import annotations

import secrets

from django.db import models

from xinyong.departments.models import Department, User
from xinyong.subjects.models import Subject


class Check(models.Model):
    """One call: a department checks one subject or a batch, in a business scenario."""

    # Empty: the credit office (信用办) itself, e.g. an operator's script.
    department = models.ForeignKey(
        Department,
        verbose_name="核查部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
    )
    user = models.ForeignKey(User, verbose_name="核查人", null=True, on_delete=models.SET_NULL)
    scenario = models.CharField("业务场景", max_length=20)
    via = models.CharField("方式", max_length=10)  # api / cli / web
    created_at = models.DateTimeField("核查时间", auto_now_add=True, db_index=True)
    checked_on = models.DateField("核查日期")
    queries = models.PositiveIntegerField("核查主体数", default=0)
    hits = models.PositiveIntegerField("命中主体数", default=0)
    measures_version = models.CharField("措施清单版本", max_length=20)

    class Meta:
        verbose_name = "核查"
        verbose_name_plural = "核查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.department} {self.created_at:%Y-%m-%d %H:%M} {self.queries}个主体"


class CheckItem(models.Model):
    """One subject of a check: how it was matched and what it triggered (the explanation)."""

    # The (check_run, position) and (subject, check_run) indexes below serve every
    # lookup; the foreign keys' own indexes would only slow the log writes (R-JRP-5).
    check_run = models.ForeignKey(
        Check, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    position = models.PositiveIntegerField("序号")
    query_name = models.CharField("查询名称", max_length=200, blank=True)
    # The code as given, ID numbers masked (the hash finds the subject).
    query_code = models.CharField("查询代码", max_length=40, blank=True)
    subject = models.ForeignKey(
        Subject, null=True, on_delete=models.PROTECT, related_name="check_items", db_index=False
    )
    matched_by = models.CharField("匹配方式", max_length=10, blank=True)  # code / name / ""
    hit = models.BooleanField("命中", default=False)
    # {"entries": [...], "measures": [...], "suspended": [...], "match": {...}}
    result = models.JSONField("结果", default=dict)
    measures = models.JSONField("应采取措施", default=list)

    class Meta:
        verbose_name = "核查明细"
        verbose_name_plural = "核查明细"
        ordering = ["check_run", "position"]
        indexes = [
            models.Index(fields=["check_run", "position"], name="jrp_checkitem_position"),
            models.Index(fields=["subject", "check_run"]),
        ]

    def __str__(self) -> str:
        return f"{self.query_name or self.query_code}"


class Feedback(models.Model):
    """What the department did with a triggered measure (R-JRP-3)."""

    item = models.ForeignKey(CheckItem, on_delete=models.CASCADE, related_name="feedback")
    measure_code = models.CharField("措施", max_length=20)
    applied = models.BooleanField("已采取")
    reason = models.TextField("说明", blank=True)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("反馈时间", auto_now_add=True)

    class Meta:
        verbose_name = "措施反馈"
        verbose_name_plural = "措施反馈"
        constraints = [
            models.UniqueConstraint(fields=["item", "measure_code"], name="feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.measure_code} {'已采取' if self.applied else '未采取'}"


class Clearance(models.Model):
    """A name match a person of the department judged a false positive: not flagged again."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    query_key = models.CharField("查询名称（规范化）", max_length=200)
    entry = models.ForeignKey("lists.ListEntry", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField("理由")
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("排除时间", auto_now_add=True)

    class Meta:
        verbose_name = "误报排除"
        verbose_name_plural = "误报排除"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "query_key", "entry"], name="clearance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.query_key} ≠ {self.entry_id}"


class Notice(models.Model):
    """A message in a department's inbox (站内消息)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("类别", max_length=20)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    subject = models.ForeignKey(Subject, null=True, on_delete=models.SET_NULL, related_name="+")
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


def _new_secret() -> str:
    return secrets.token_hex(32)


class Webhook(models.Model):
    """Where a department wants its notices POSTed, signed with HMAC-SHA256."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField("地址")
    secret = models.CharField("签名密钥", max_length=64, default=_new_secret)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "推送地址"
        verbose_name_plural = "推送地址"

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """One notice to one webhook, retried by ``xinyong jrp deliver`` until delivered."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        indexes = [models.Index(fields=["delivered_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.webhook_id}"
