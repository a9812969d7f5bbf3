"""Forms of the back-office collection pages (上传文件, 在线填报, 记录查询, 撤销).

Forms only collect input; the checks of rows (types, code lists, required fields, dates) are
the catalog's, run by the ingestion services, so that a form, a file and an API call get the
same verdict and the same Chinese messages.
"""

from __future__ import annotations

from typing import Any

from django import forms

from xinyong.catalog.model import Field, RecordType, default_catalog
from xinyong.departments.models import Department, User
from xinyong.departments.permissions import visible_departments
from xinyong.keys import MAX_KEY
from xinyong.records.models import RecordStatus
from xinyong.widgets import date_input


def type_choices() -> list[tuple[str, str]]:
    """The record types in force, as (code, name) choices."""
    return [
        (rt.code, f"{rt.name}（{rt.code}）")
        for rt in sorted(default_catalog().current(), key=lambda t: t.code)
    ]


class DepartmentMixin:
    """A department field: operators choose any active department, submitters get their own."""

    fields: dict[str, forms.Field]

    def setup_department(self, user: User) -> None:
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        if user.is_operator:
            field.queryset = Department.objects.filter(is_active=True)
        else:
            field.queryset = visible_departments(user)
            field.initial = user.department_id
            field.disabled = True
            field.help_text = "部门报送员只能报送本部门的数据"


class UploadForm(DepartmentMixin, forms.Form):
    type_code = forms.ChoiceField(label="信息类型")
    department = forms.ModelChoiceField(
        label="报送部门", queryset=Department.objects.none(), empty_label="— 请选择部门 —"
    )
    file = forms.FileField(
        label="文件",
        allow_empty_file=True,  # the reader refuses it with its own message (and a batch)
        help_text="按目录模板填写的 .xlsx、.xls 或 .csv 文件；CSV 可为 UTF-8 或 GBK 编码。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = type_choices()  # type: ignore[attr-defined]
        self.setup_department(user)


class RecordFilterForm(forms.Form):
    type = forms.ChoiceField(label="信息类型", required=False)
    date_from = forms.DateField(label="决定日期自", required=False, widget=date_input())
    date_to = forms.DateField(label="决定日期至", required=False, widget=date_input())
    q = forms.CharField(
        label="关键词",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "主体名称、代码或文书号"}),
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *RecordStatus.choices]
    )
    late = forms.ChoiceField(
        label="及时性",
        required=False,
        choices=[("", "全部"), ("1", "超期报送"), ("0", "按时报送")],
    )
    batch = forms.IntegerField(
        label="批次", required=False, min_value=1, max_value=MAX_KEY, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "全部"), *type_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：行政复议决定撤销该处罚决定"}),
        error_messages={"required": "撤销须填写原因"},
    )


# -- 在线填报: a form generated from the catalog ---------------------------------------------

#: Fields prefilled with the submitter's department (they must match it).
_DEPARTMENT_NAME_KEYS = ("authority_name", "source_dept")
_DEPARTMENT_CODE_KEYS = ("authority_code", "source_dept_code")


def _form_field(f: Field) -> forms.Field:
    attrs: dict[str, Any] = {}
    if f.example:
        attrs["placeholder"] = f"如：{f.example}"
    if f.required:
        attrs["required"] = True
        attrs["aria-required"] = "true"
    common: dict[str, Any] = {
        "label": f.label,
        "required": False,  # required fields are checked by the catalog, with its messages
        "help_text": f.description,
    }
    if f.codelist is not None and f.multiple:
        return forms.MultipleChoiceField(
            choices=[(code, code) for code in f.codelist.codes],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if f.codelist is not None:
        attrs.pop("placeholder", None)
        return forms.ChoiceField(
            choices=[("", "— 请选择 —"), *((code, code) for code in f.codelist.codes)],
            widget=forms.Select(attrs=attrs),
            **common,
        )
    if f.type == "date":
        attrs.pop("placeholder", None)
        return forms.CharField(widget=date_input(**attrs), **common)
    if f.type == "decimal":
        unit = f"（单位：{f.unit}）" if f.unit else ""
        common["help_text"] = (f.description + unit).strip()
        return forms.CharField(
            widget=forms.TextInput(attrs={**attrs, "inputmode": "decimal"}), **common
        )
    if f.type == "text" and (f.max_length is None or f.max_length > 300):
        return forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": 3}), **common)
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


class RecordEntryForm(DepartmentMixin, forms.Form):
    """One row of a record type, field by field, in the catalog's order."""

    department = forms.ModelChoiceField(
        label="报送部门", queryset=Department.objects.none(), empty_label="— 请选择部门 —"
    )

    def __init__(self, *args: Any, user: User, record_type: RecordType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record_type = record_type
        self.setup_department(user)
        department = user.department if not user.is_operator else None
        for f in record_type.fields:
            field = _form_field(f)
            if department is not None and f.key in _DEPARTMENT_NAME_KEYS:
                field.initial = department.name
            if department is not None and f.key in _DEPARTMENT_CODE_KEYS:
                field.initial = department.code
            self.fields[f.key] = field
        self.required_keys = {f.key for f in record_type.fields if f.required}
        self.labels = {f.label: f.key for f in record_type.fields}

    def row(self) -> dict[str, Any]:
        """The filled-in values by field key (empty ones left out)."""
        row: dict[str, Any] = {}
        for key in self.record_type.keys:
            value = self.cleaned_data.get(key)
            if isinstance(value, list):
                value = "；".join(value)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                row[key] = value
        return row

    def add_row_errors(self, errors: list[dict[str, str]]) -> None:
        """Show each field error of the catalog's verdict beside its field."""
        for error in errors:
            key = self.labels.get(error.get("field", ""))
            if key is None and error.get("field") in self.fields:
                key = error["field"]
            message = error.get("message", "")
            if key is not None:
                self.add_error(key, message)
            else:
                label = error.get("field")
                self.add_error(None, f"{label}：{message}" if label else message)
