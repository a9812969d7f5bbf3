"""Forms of the office list pages: an entry (列入), a removal (移出), an import, a criterion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from xinyong.core import ric, uscc
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import visible_departments
from xinyong.lists.admin import CriterionForm, local_list_choices
from xinyong.lists.models import ListCriterion
from xinyong.lists.rules import definitions
from xinyong.lists.services import ResponsiblePerson
from xinyong.widgets import date_input

DATE = date_input()


def national_list_choices() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in definitions().values() if d.scope == "national"]


def _criterion_label(c: ListCriterion) -> str:
    return f"{c.department.short_name or c.department}：{c}"


def _departments(field: forms.Field, user: User) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = visible_departments(user).filter(is_active=True)
    if not user.is_operator:
        field.initial = user.department_id
        field.disabled = True
        field.help_text = "部门用户只能以本部门名义认定"


class EntryForm(forms.Form):
    list_code = forms.ChoiceField(label="名单", choices=local_list_choices)
    department = forms.ModelChoiceField(
        label="认定部门（发起部门）", queryset=Department.objects.none()
    )
    subject_name = forms.CharField(label="主体名称", max_length=200)
    subject_code = forms.CharField(
        label="统一社会信用代码或身份证号码", max_length=30, help_text="自然人填写身份证号码"
    )
    criteria = forms.ModelMultipleChoiceField(
        label="符合的认定标准",
        queryset=ListCriterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="须为认定部门公布、在列入日期有效的标准",
    )
    reason = forms.CharField(label="列入事由", widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label="依据", widget=forms.Textarea(attrs={"rows": 2}))
    doc_no = forms.CharField(label="认定文书号", max_length=200)
    start_date = forms.DateField(label="列入日期", widget=DATE)
    end_date = forms.DateField(
        label="截止日期（最后一天）",
        widget=DATE,
        required=False,
        help_text="不填则按名单规定的期限计算",
    )
    responsible = forms.CharField(
        label="关联责任人（严重失信主体名单）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "每行一人：姓名，身份证号码，身份"}),
        help_text="法定代表人、主要负责人、实际控制人等；每行“姓名，身份证号码，身份”。"
        "责任人的记录进入其个人信用记录，不在门户公示",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _departments(self.fields["department"], user)
        day = timezone.localdate()
        criteria = self.fields["criteria"]
        assert isinstance(criteria, forms.ModelMultipleChoiceField)
        criteria.queryset = (
            ListCriterion.objects.filter(
                department__in=visible_departments(user), effective_from__lte=day
            )
            .exclude(effective_to__lt=day)
            .select_related("department")
        )
        criteria.label_from_instance = _criterion_label  # type: ignore[method-assign,assignment]
        self.fields["start_date"].initial = day

    def clean_subject_code(self) -> str:
        code = uscc.compact(self.cleaned_data["subject_code"])
        if not (uscc.is_valid(code) or ric.is_valid(code)):
            raise forms.ValidationError("不是有效的统一社会信用代码或身份证号码")
        return code

    def clean_responsible(self) -> list[ResponsiblePerson]:
        people = []
        for n, line in enumerate(self.cleaned_data.get("responsible", "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) != 3:
                raise forms.ValidationError(f"第{n}行应为“姓名，身份证号码，身份”三项")
            people.append(ResponsiblePerson(parts[0], parts[1], parts[2]))
        return people


class RemoveForm(forms.Form):
    reason = forms.CharField(label="移出原因", widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    list_code = forms.ChoiceField(label="名单", choices=national_list_choices)
    file = forms.FileField(
        label="名单文件",
        allow_empty_file=True,
        help_text="公布机关发布的 .xlsx、.xls 或 .csv 文件（CSV 可为 UTF-8 或 GBK 编码）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    replace = forms.BooleanField(
        label="全量替换",
        required=False,
        help_text="文件为该名单的全部条目：文件中已没有的条目视为公布机关已移出",
    )


class OfficeCriterionForm(CriterionForm):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _departments(self.fields["department"], user)
        for name in ("effective_from", "effective_to"):
            self.fields[name].widget = DATE
        self.fields["effective_from"].initial = dt.date.today()
