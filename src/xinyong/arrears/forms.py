"""Forms of the arrears ledger pages (simple forms, no spreadsheets)."""

from __future__ import annotations

import datetime as dt

from django import forms

from xinyong.arrears.models import DebtorKind
from xinyong.departments.models import Department
from xinyong.widgets import date_input


def _departments() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label="本县部门",
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        required=False,
    )


class ArrearForm(forms.Form):
    debtor_kind = forms.ChoiceField(label="债务人类别", choices=DebtorKind.choices)
    debtor_department = _departments()
    debtor_name = forms.CharField(
        label="债务人名称（非本县部门时填写）", max_length=200, required=False
    )
    debtor_uscc = forms.CharField(
        label="债务人统一社会信用代码（非本县部门时填写）", max_length=20, required=False
    )
    department = forms.ModelChoiceField(
        label="主管部门（非本县部门时选填）",
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    creditor_name = forms.CharField(label="债权企业名称", max_length=200)
    creditor_uscc = forms.CharField(label="债权企业统一社会信用代码", max_length=20)
    creditor_sme = forms.BooleanField(
        label="债权企业为民营或中小企业", required=False, initial=True
    )
    amount = forms.CharField(label="欠款金额（万元）", max_length=30)
    due_date = forms.DateField(label="应付日期", widget=date_input())
    basis = forms.CharField(
        label="合同或依据", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    disputed = forms.BooleanField(label="存在争议", required=False)
    dispute_note = forms.CharField(label="争议说明", max_length=500, required=False)


class RepayForm(forms.Form):
    paid_on = forms.DateField(label="还款日期", widget=date_input())
    amount = forms.CharField(label="还款金额（万元）", max_length=30)
    proof = forms.CharField(label="凭证号或说明", max_length=500)


class PlanForm(forms.Form):
    lines = forms.CharField(
        label="分期（每行一期：日期 金额，如 2026-12-31 10.5）",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(label="说明（选填）", max_length=500, required=False)

    def instalments(self) -> list[tuple[dt.date, str]]:
        rows: list[tuple[dt.date, str]] = []
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(f"第{number}行应为“日期 金额”")
            try:
                day = dt.date.fromisoformat(parts[0])
            except ValueError:
                raise forms.ValidationError(f"第{number}行的日期“{parts[0]}”无效") from None
            rows.append((day, parts[1]))
        return rows


class DisputeForm(forms.Form):
    disputed = forms.BooleanField(label="存在争议", required=False)
    note = forms.CharField(label="争议情况或解决情况", max_length=500)
