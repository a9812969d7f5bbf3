"""互联网采集: sources, the items collected from them (reviewed before they count), fetch runs."""

from __future__ import annotations

from django.db import models

from xinyong.departments.fields import user_ref


class FeedSource(models.Model):
    """A source read by a collector (a news site's RSS feed, a public-opinion export …)."""

    name = models.CharField("名称", max_length=200)
    url = models.CharField(
        "地址",
        max_length=500,
        help_text="http(s):// 地址（政务内网）；订阅文件目录内的本机文件只能由命令行登记",
    )
    collector = models.CharField("采集器", max_length=40, default="feed")
    active = models.BooleanField("启用", default=True)
    keywords = models.CharField(
        "关键词筛选",
        max_length=500,
        blank=True,
        help_text="用逗号或空格分隔；填写后只保留标题或摘要含其中任一词的信息",
    )
    last_fetched_at = models.DateTimeField("最近采集时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    last_new = models.PositiveIntegerField("最近新增", default=0)
    last_seen = models.PositiveIntegerField("最近已有", default=0)
    last_filtered = models.PositiveIntegerField("最近筛除", default=0)
    last_errors = models.PositiveIntegerField("最近无效条目", default=0)
    created_by = user_ref("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "采集来源"
        verbose_name_plural = "采集来源"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [w for w in self.keywords.replace("，", ",").replace(",", " ").split() if w]


class ItemStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "已采纳"
    REJECTED = "rejected", "不采纳"


class FeedItem(models.Model):
    """One collected item; it counts in the archive only once an operator accepts it."""

    source = models.ForeignKey(
        FeedSource, verbose_name="来源", on_delete=models.PROTECT, related_name="items"
    )
    guid = models.CharField("条目标识", max_length=200)
    title = models.CharField("标题", max_length=300)
    link = models.CharField("链接", max_length=500, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    summary = models.TextField("摘要（纯文本）", blank=True)
    fetched_at = models.DateTimeField("采集时间", auto_now_add=True)
    status = models.CharField(
        "审核状态",
        max_length=10,
        choices=ItemStatus.choices,
        default=ItemStatus.PENDING,
        db_index=True,
    )
    suggested_body = models.ForeignKey(
        "integrity.GovBody",
        verbose_name="建议单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggested_kind = models.CharField("建议类别", max_length=40, blank=True)
    suggestion_note = models.CharField("建议依据", max_length=300, blank=True)
    rules_version = models.CharField("建议规则版本", max_length=40, blank=True)
    reviewed_by = user_ref("审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核说明", max_length=500, blank=True)
    event = models.ForeignKey(
        "integrity.IntegrityEvent",
        verbose_name="政务诚信事件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "采集信息"
        verbose_name_plural = "采集信息"
        ordering = ["-fetched_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="feeds_item_source_guid")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def origin(self) -> str:
        """The archive event's origin (``archive.add_event``): one event per item."""
        return f"feed:{self.pk}"


class FetchRun(models.Model):
    """What one fetch of a source processed (a data-hub style record), failed or not."""

    source = models.ForeignKey(
        FeedSource, verbose_name="来源", on_delete=models.CASCADE, related_name="runs"
    )
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    actor_name = models.CharField("执行人", max_length=150, blank=True)
    ok = models.BooleanField("成功", default=False)
    error = models.CharField("错误", max_length=500, blank=True)
    new = models.PositiveIntegerField("新增", default=0)
    seen = models.PositiveIntegerField("已有", default=0)
    filtered = models.PositiveIntegerField("筛除", default=0)
    errors = models.PositiveIntegerField("无效条目", default=0)
    digest = models.CharField("内容摘要（SHA-256）", max_length=64, blank=True)
    rules_version = models.CharField("建议规则版本", max_length=40, blank=True)

    class Meta:
        verbose_name = "采集运行"
        verbose_name_plural = "采集运行"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.source_id} #{self.pk}"

    def line(self) -> str:
        """The run in one Chinese line (CLI, pages)."""
        if not self.ok:
            return f"{self.source.name}：采集失败（{self.error}）"
        return (
            f"{self.source.name}：新增{self.new}条，已采集过{self.seen}条，"
            f"关键词筛除{self.filtered}条，无效{self.errors}条"
        )
