"""Credit records (信用记录) with their full history and provenance (R-ING-2, R-ING-4)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from xinyong.departments.models import Department, User
from xinyong.subjects.models import Subject


class Source(models.TextChoices):
    FILE = "file", "文件上传"
    API = "api", "接口报送"
    FORM = "form", "在线填报"
    CLI = "cli", "命令行导入"
    DEMO = "demo", "演示数据"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    REVOKED = "revoked", "已撤销"
    REPAIRED = "repaired", "已修复"


class RecordQuerySet(models.QuerySet["CreditRecord"]):
    def public(self, on: dt.date | None = None) -> RecordQuerySet:
        """Records the portal may show on a day: public, active and inside their window."""
        day = on or dt.date.today()
        return self.filter(
            status=RecordStatus.ACTIVE,
            published=True,
            publicity_start__lte=day,
        ).filter(Q(publicity_end__isnull=True) | Q(publicity_end__gte=day))

    def visible_to(self, user: User) -> RecordQuerySet:
        # The one department rule (R-SEC-1): inactive users and departments see nothing.
        from xinyong.departments.permissions import scope_to_user

        return scope_to_user(user, self)  # type: ignore[return-value]


class CreditRecord(models.Model):
    type_code = models.CharField("信息类型", max_length=40)
    catalog_version = models.CharField("目录版本", max_length=20)
    subject = models.ForeignKey(
        Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="records"
    )
    department = models.ForeignKey(
        Department, verbose_name="报送部门", on_delete=models.PROTECT, related_name="records"
    )
    authority_name = models.CharField("决定机关", max_length=200)
    authority_code = models.CharField("决定机关代码", max_length=18)
    doc_no = models.CharField("决定文书号", max_length=200)
    decision_date = models.DateField("决定日期")
    data = models.JSONField("内容", default=dict)
    # Personal ID numbers from the row, encrypted together; ``data`` holds only masked forms.
    pii_cipher = models.TextField(blank=True, editable=False)
    penalty_category = models.CharField("处罚类别", max_length=200, blank=True)
    fine_amount = models.DecimalField(
        "罚款金额（万元）", max_digits=18, decimal_places=6, null=True, blank=True
    )
    tier = models.CharField("失信等级", max_length=10, blank=True)
    published = models.BooleanField("公示", default=True)
    publicity_start = models.DateField("公示起始", null=True, blank=True)
    publicity_end = models.DateField("公示截止（最后一天）", null=True, blank=True)
    publicity_rule = models.CharField("公示规则", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    revoked_reason = models.TextField("撤销原因", blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    repaired_at = models.DateTimeField("修复时间", null=True, blank=True)
    # Provenance of the current version; older versions live in RecordVersion.
    batch = models.ForeignKey(
        "ingest.Batch", verbose_name="批次", null=True, on_delete=models.PROTECT, related_name="+"
    )
    row_number = models.PositiveIntegerField("行号", null=True, blank=True)
    submitter = models.ForeignKey(
        User, verbose_name="报送人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    received_at = models.DateTimeField("接收时间")
    received_date = models.DateField("首次接收日期")
    workdays_taken = models.IntegerField("报送用时（工作日）", null=True, blank=True)
    late = models.BooleanField("超期报送", default=False)
    content_hash = models.CharField("内容摘要", max_length=64)
    version = models.PositiveIntegerField("版本", default=1)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        constraints = [
            models.UniqueConstraint(
                fields=["type_code", "authority_code", "doc_no"], name="record_decision_unique"
            )
        ]
        indexes = [
            models.Index(fields=["type_code", "published", "decision_date"]),
            models.Index(fields=["subject", "type_code"]),
            models.Index(fields=["department", "decision_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.doc_no}（{self.authority_name}）"

    def is_public_on(self, day: dt.date) -> bool:
        """The same rule as ``RecordQuerySet.public`` for one loaded record."""
        return (
            self.status == RecordStatus.ACTIVE
            and self.published
            and self.publicity_start is not None
            and self.publicity_start <= day
            and (self.publicity_end is None or self.publicity_end >= day)
        )


def hidden_content(record: CreditRecord) -> list[str]:
    """The fields of a record whose value the public does not see as staff do: fields the
    catalog keeps off the portal, personal data shown there only masked, and free text with an
    ID number in it (masked on the portal)."""
    return hidden_fields(record.type_code, record.catalog_version, record.data)


def hidden_fields(type_code: str, version: str, data: dict[str, Any] | None) -> list[str]:
    """``hidden_content`` for a record's content of any version: the fields' labels."""
    from xinyong.core import ric

    hidden_keys, labels = _field_rules(type_code, version)
    found = []
    for key, value in (data or {}).items():
        if value in (None, "", []):
            continue
        if key in hidden_keys or (isinstance(value, str) and ric.mask_in_text(value) != value):
            found.append(labels.get(key, key))
    return found


def field_labels(type_code: str, version: str) -> dict[str, str]:
    """The labels of a record type's fields by key (empty when the type is gone)."""
    return _field_rules(type_code, version)[1]


@functools.lru_cache(maxsize=64)
def _field_rules(type_code: str, version: str) -> tuple[frozenset[str], dict[str, str]]:
    """(keys of the fields the public does not see as staff do, labels by key)."""
    from xinyong.catalog.model import CatalogError, default_catalog

    try:
        rt = default_catalog().type(type_code, version=version)
    except CatalogError:  # a type gone from the catalog: only free text is checked
        return frozenset(), {}
    return (
        frozenset(f.key for f in rt.fields if not f.public or f.pii),
        {f.key: f.label for f in rt.fields},
    )


def nonpublic_part(record: CreditRecord, day: dt.date) -> str:
    """What of a record the public may not see, in words ("" when nothing): the whole record
    when it is not published, else its hidden fields."""
    if not record.is_public_on(day):
        return "未公示的信用记录"
    keys = hidden_content(record)
    return f"信用记录的非公开信息（{'、'.join(keys[:10])}）" if keys else ""


def audit_record_read(request: Any, record: CreditRecord, what: str, reason: str) -> None:
    """Audit a staff read of one record when it shows anything the public may not see (R-SEC-2)."""
    from django.utils import timezone

    from xinyong.audit.services import record_request

    part = nonpublic_part(record, timezone.localdate())
    if part:
        record_request(request, "read", f"{what}{part}{record}", obj=record, reason=reason)


def audit_nonpublic_reads(request: Any, records: Iterable[CreditRecord], what: str) -> None:
    """One audit event per page that shows records with anything the public may not see
    (R-SEC-2): records not published, or published with hidden fields."""
    from django.utils import timezone

    from xinyong.audit.services import record_request

    day = timezone.localdate()
    hidden = [r.pk for r in records if nonpublic_part(r, day)]
    if hidden:
        record_request(
            request,
            "read",
            f"{what}：含{len(hidden)}条含非公开信息的记录",
            object_type="records.creditrecord",
            detail={"records": hidden[:200]},
        )


class VersionAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "更新"
    UNCHANGED = "unchanged", "重复报送（内容未变）"
    REVOKE = "revoke", "撤销"
    REPAIR = "repair", "信用修复"


class RecordVersion(models.Model):
    """Every version a record has had, so history is never lost."""

    record = models.ForeignKey(
        CreditRecord, verbose_name="信用记录", on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField("版本")
    action = models.CharField("操作", max_length=10, choices=VersionAction.choices)
    data = models.JSONField("内容", default=dict)
    pii_cipher = models.TextField(blank=True, editable=False)
    content_hash = models.CharField("内容摘要", max_length=64)
    batch = models.ForeignKey(
        "ingest.Batch",
        verbose_name="批次",
        null=True,
        on_delete=models.PROTECT,
        related_name="versions",
    )
    row_number = models.PositiveIntegerField("行号", null=True, blank=True)
    submitter = models.ForeignKey(
        User, verbose_name="报送人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    received_at = models.DateTimeField("接收时间")
    reason = models.TextField("原因", blank=True)

    class Meta:
        verbose_name = "记录版本"
        verbose_name_plural = "记录版本"
        ordering = ["record", "version"]
        indexes = [models.Index(fields=["batch", "row_number"])]

    def __str__(self) -> str:
        return f"{self.record_id} 第{self.version}版（{self.get_action_display()}）"
