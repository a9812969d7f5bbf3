"""Forms of the review and source pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from xinyong.feeds import collectors
from xinyong.integrity.model import LEVELS
from xinyong.integrity.models import GovBody
from xinyong.integrity.services import model_for


class SourceForm(forms.Form):
    name = forms.CharField(label="来源名称", max_length=200)
    url = forms.CharField(
        label="地址",
        max_length=500,
        help_text="http(s)://地址（政务内网）；本机文件只能由命令行 xinyong feeds add-source 登记",
    )
    collector = forms.ChoiceField(label="采集器")
    keywords = forms.CharField(
        label="关键词筛选（选填）",
        max_length=500,
        required=False,
        help_text="用逗号或空格分隔；填写后只保留含其中任一词的信息",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["collector"]).choices = collectors.choices()


class AcceptForm(forms.Form):
    body = forms.ModelChoiceField(
        label="被评价单位",
        queryset=GovBody.objects.filter(active=True),
        error_messages={"required": "请选择被评价单位", "invalid_choice": "所选单位不存在"},
    )
    kind = forms.ChoiceField(label="事件类别", error_messages={"required": "请选择事件类别"})
    day = forms.DateField(
        label="发生日期",
        required=False,
        error_messages={"invalid": "发生日期格式应为2026-04-01"},
    )
    level = forms.ChoiceField(
        label="级别（荣誉须填）", required=False, choices=[("", "—"), *[(v, v) for v in LEVELS]]
    )
    note = forms.CharField(label="说明（选填）", max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = model_for(timezone.localdate()).kinds
        cast(forms.ChoiceField, self.fields["kind"]).choices = list(kinds.items())


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500, required=False)
