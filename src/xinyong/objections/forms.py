"""Forms of the objection pages (portal filing and progress, office steps)."""

from __future__ import annotations

from django import forms

from xinyong.objections.models import Outcome
from xinyong.objections.services import Objector


class ObjectionForm(forms.Form):
    """An objection as the objector writes it (materials come as ``request.FILES``)."""

    objector_name = forms.CharField(
        label="异议人姓名或名称",
        max_length=200,
        error_messages={"required": "请填写异议人姓名或名称"},
    )
    objector_code = forms.CharField(
        label="身份证号码或统一社会信用代码",
        max_length=40,
        help_text="仅用于核实身份，加密保存，页面上只显示脱敏后的号码",
        error_messages={"required": "请填写异议人的身份证号码或统一社会信用代码"},
    )
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    email = forms.CharField(label="电子邮箱", max_length=200, required=False)
    reasons = forms.CharField(
        label="异议理由",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请写明异议理由"},
    )
    requested = forms.CharField(
        label="请求更正的内容（选填）",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def objector(self) -> Objector:
        data = self.cleaned_data
        return Objector(
            name=data["objector_name"],
            code=data["objector_code"],
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        )


class ProgressForm(forms.Form):
    number = forms.CharField(
        label="受理编号", max_length=30, error_messages={"required": "请填写受理编号"}
    )
    code = forms.CharField(
        label="查询码",
        max_length=30,
        widget=forms.PasswordInput(render_value=False),
        error_messages={"required": "请填写查询码"},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="说明",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label="核查结果",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择核查结果"},
    )
    reason = forms.CharField(
        label="理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请说明核查结果的理由"},
    )
