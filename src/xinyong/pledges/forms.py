"""Forms of the pledge pages (publishing, fulfilment report, withdrawal) at /office/."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from xinyong.integrity.models import GovBody
from xinyong.pledges.models import ReportStatus
from xinyong.pledges.rules import rule_on
from xinyong.pledges.services import PledgeInput, bodies_for
from xinyong.widgets import date_input


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=date_input())


class PledgeForm(forms.Form):
    """A pledge as its body writes it; the bodies offered are those the user may act for."""

    body = forms.ModelChoiceField(label="承诺单位", queryset=GovBody.objects.none())
    title = forms.CharField(label="承诺事项", max_length=200)
    category = forms.ChoiceField(label="承诺类别")
    content = forms.CharField(
        label="承诺内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    signer_name = forms.CharField(label="负责人姓名", max_length=50)
    signer_title = forms.CharField(label="负责人职务", max_length=50)
    signed_on = _date("签署日期")
    due_date = _date("兑现期限（长期承诺可不填）", required=False)
    public = forms.BooleanField(label="在门户网站公示", required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body_field = self.fields["body"]
        assert isinstance(body_field, forms.ModelChoiceField)
        body_field.queryset = bodies_for(user)
        rule = rule_on(timezone.localdate())
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", "请选择")] + [(c, c) for c in rule.categories]

    def pledge_input(self) -> PledgeInput:
        data = self.cleaned_data
        return PledgeInput(
            title=data["title"],
            content=data["content"],
            category=data["category"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
            signed_on=data["signed_on"],
            due_date=data.get("due_date"),
            public=bool(data.get("public")),
        )


class ReportForm(forms.Form):
    """A fulfilment report (evidence files come as ``request.FILES``)."""

    period = forms.CharField(
        label="报送月份",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"}),
    )
    status = forms.ChoiceField(label="履行情况", choices=ReportStatus.choices)
    text = forms.CharField(
        label="履行情况说明", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="单位名称或承诺事项", max_length=100, required=False)
