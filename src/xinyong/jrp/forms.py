"""Forms of the check page (a counter clerk checks subjects before acting)."""

from __future__ import annotations

from django import forms

from xinyong.jrp.checking import MAX_BATCH, Query
from xinyong.jrp.measures import catalog

#: The web page takes a counter's worth; larger batches go through the API or the command.
MAX_WEB_LINES = 2000
PLACEHOLDER = "每行一个：代码，或“代码,名称”，或只写名称"


class CheckForm(forms.Form):
    scenario = forms.ChoiceField(label="业务场景")
    subjects = forms.CharField(
        label="待核查主体",
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": PLACEHOLDER}),
        help_text="统一社会信用代码或身份证号码；无代码时按名称相似度筛查。",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["scenario"].choices = list(catalog().scenarios.items())  # type: ignore[attr-defined]

    def clean_subjects(self) -> list[Query]:
        lines = [line.strip() for line in self.cleaned_data["subjects"].splitlines()]
        queries: list[Query] = []
        for line in lines:
            if not line:
                continue
            code, sep, name = line.replace("，", ",").partition(",")
            if not sep and not any(ch.isdigit() for ch in code):
                code, name = "", code  # a name alone
            queries.append(Query(code=code.strip(), name=name.strip()))
        if not queries:
            raise forms.ValidationError("请至少填写一个主体")
        if len(queries) > min(MAX_WEB_LINES, MAX_BATCH):
            raise forms.ValidationError(
                f"网页一次最多核查{MAX_WEB_LINES}个主体，更多请使用接口或命令行"
            )
        return queries


class FeedbackForm(forms.Form):
    measure = forms.CharField(widget=forms.HiddenInput)
    applied = forms.TypedChoiceField(
        label="采取情况",
        choices=[("1", "已采取"), ("0", "未采取")],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label="说明", required=False, max_length=500)


class ClearForm(forms.Form):
    entry_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="误报理由", max_length=500)
