"""Forms of the complaint pages (portal filing and progress, office steps)."""

from __future__ import annotations

from django import forms

from xinyong.complaints.models import Category, Finding
from xinyong.complaints.services import Complainant
from xinyong.departments.models import Department


class ComplaintForm(forms.Form):
    """A complaint as the enterprise writes it (materials come as ``request.FILES``)."""

    enterprise_name = forms.CharField(label="投诉企业名称", max_length=200)
    enterprise_uscc = forms.CharField(label="统一社会信用代码", max_length=20)
    contact = forms.CharField(label="联系人", max_length=100)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    email = forms.CharField(label="电子邮箱", max_length=200, required=False)
    target_department = forms.ModelChoiceField(
        label="被投诉单位（本县部门）",
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="（不在列表中，请在下面填写）",
    )
    target_name = forms.CharField(label="或填写被投诉单位名称", max_length=200, required=False)
    target_code = forms.CharField(
        label="被投诉单位统一社会信用代码（选填）", max_length=20, required=False
    )
    category = forms.ChoiceField(label="投诉类别", choices=Category.choices)
    facts = forms.CharField(
        label="事实与理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    claim = forms.CharField(
        label="投诉请求（申请补偿救治的，写明请求补偿或救治的内容）",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def complainant(self) -> Complainant:
        data = self.cleaned_data
        return Complainant(
            name=data["enterprise_name"],
            uscc=data["enterprise_uscc"],
            contact=data["contact"],
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        )


class ProgressForm(forms.Form):
    number = forms.CharField(label="受理编号", max_length=30)
    code = forms.CharField(label="查询码", max_length=30, widget=forms.PasswordInput)


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label="承办单位", queryset=Department.objects.filter(is_active=True).order_by("name")
    )
    note = forms.CharField(label="转办说明（选填）", max_length=500, required=False)


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="调查核实情况和处理意见", max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class CloseForm(forms.Form):
    finding = forms.ChoiceField(label="办结结论", choices=Finding.choices)
    reason = forms.CharField(
        label="结论理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
