"""Credit subjects (信用主体): one identity per subject, with name and code history (R-ID-1)."""

from __future__ import annotations

from django.db import models


class SubjectKind(models.TextChoices):
    LEGAL = "legal", "法人及非法人组织"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    NATURAL = "natural", "自然人"
    GOVERNMENT = "government", "政府机构"


class Subject(models.Model):
    kind = models.CharField("主体类别", max_length=24, choices=SubjectKind.choices, db_index=True)
    name = models.CharField("名称", max_length=200, db_index=True)
    name_pinyin = models.CharField("名称拼音", max_length=600, blank=True, db_index=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
    # Natural persons: the ID number is never stored in clear (see core/pii.py).
    id_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    id_cipher = models.TextField(blank=True, editable=False)
    id_masked = models.CharField("证件号码（脱敏）", max_length=24, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信用主体"
        verbose_name_plural = "信用主体"

    def __str__(self) -> str:
        return self.name

    @property
    def public_code(self) -> str:
        """The code as the public may see it: USCC in full, ID numbers masked."""
        return self.uscc or self.id_masked


class SubjectName(models.Model):
    """A name (and code) a subject has held; the open row (valid_to empty) is current."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="names")
    name = models.CharField("名称", max_length=200)
    valid_from = models.DateTimeField("启用时间")
    valid_to = models.DateTimeField("停用时间", null=True, blank=True)
    source = models.CharField("来源", max_length=100, blank=True)

    class Meta:
        verbose_name = "名称变更记录"
        verbose_name_plural = "名称变更记录"
        ordering = ["subject", "valid_from"]

    def __str__(self) -> str:
        return self.name
