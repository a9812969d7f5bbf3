"""Forms of the recruit pages."""

from __future__ import annotations

from django import forms

from xinyong.recruit.models import Conclusion, ObjectionOutcome, Purpose


class RequestForm(forms.Form):
    doc_no = forms.CharField(label="查询函文号", max_length=100)
    title = forms.CharField(label="查询函标题", max_length=200)
    purpose = forms.ChoiceField(label="查询事由", choices=Purpose.choices)
    persons = forms.CharField(
        label="查询人选（每行一人：姓名,身份证号码）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "张三,11010519491231002X"}),
    )
    upload = forms.FileField(
        label="或上传名单文件（xlsx/csv，第一行：姓名,身份证号码）", required=False
    )

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        if not (data.get("persons") or "").strip() and not data.get("upload"):
            raise forms.ValidationError("请逐行填写查询人选，或上传名单文件")
        return data


class ReviewForm(forms.Form):
    conclusion = forms.ChoiceField(label="审核结论", choices=Conclusion.choices)
    note = forms.CharField(
        label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectionForm(forms.Form):
    reason = forms.CharField(label="异议理由", widget=forms.Textarea(attrs={"rows": 3}))
    filed_on = forms.DateField(label="提出日期", required=False)


class StepForm(forms.Form):
    note = forms.CharField(
        label="办理意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(
        label="异议结果（办结时）",
        required=False,
        choices=[("", "—"), *ObjectionOutcome.choices],
    )
