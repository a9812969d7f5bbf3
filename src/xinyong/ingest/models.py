"""Submission batches (批次) with per-row verdicts (R-ING-1): accepted + rejected = submitted."""

from __future__ import annotations

from django.db import models

from xinyong.departments.models import Department, User
from xinyong.records.models import Source


class BatchStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "文件被拒绝"


#: The row counts of a batch, in the order they are shown and reported.
BATCH_COUNTS = ("submitted", "accepted", "rejected", "created", "updated", "unchanged", "late")


class Batch(models.Model):
    department = models.ForeignKey(
        Department, verbose_name="报送部门", on_delete=models.PROTECT, related_name="batches"
    )
    submitter = models.ForeignKey(
        User, verbose_name="报送人", null=True, on_delete=models.SET_NULL, related_name="batches"
    )
    type_code = models.CharField("信息类型", max_length=40)
    catalog_version = models.CharField("目录版本", max_length=20)
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    filename = models.CharField("文件名", max_length=255, blank=True)
    file_sha256 = models.CharField("文件摘要", max_length=64, blank=True)
    file_size = models.BigIntegerField("文件大小", default=0)
    stored_file = models.CharField("存档文件", max_length=500, blank=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    error = models.TextField("拒绝原因", blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    submitted = models.PositiveIntegerField("提交行数", default=0)
    accepted = models.PositiveIntegerField("接收行数", default=0)
    rejected = models.PositiveIntegerField("拒绝行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    late = models.PositiveIntegerField("超期", default=0)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "报送批次"
        verbose_name_plural = "报送批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"批次 {self.pk}（{self.filename or self.get_source_display()}）"

    def counts(self) -> dict[str, int]:
        """The row counts (``BATCH_COUNTS``) by name, in that order."""
        return {name: getattr(self, name) for name in BATCH_COUNTS}


class RowError(models.Model):
    """A rejected row: its number in the file, every field error, and the row as received."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField("行号")
    errors = models.JSONField("错误", default=list)
    raw = models.JSONField("原始内容", default=dict)

    class Meta:
        verbose_name = "拒绝行"
        verbose_name_plural = "拒绝行"
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "row_number"])]

    def __str__(self) -> str:
        return f"批次{self.batch_id} 第{self.row_number}行"
