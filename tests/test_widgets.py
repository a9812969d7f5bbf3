"""Shared form widgets: a date picker's value must be an ISO date whatever the language, or the
browser shows it empty (found by a sweep of the demo county on the repayment form)."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from xinyong.arrears.forms import RepayForm
from xinyong.widgets import date_input


def test_a_date_picker_writes_its_value_as_an_iso_date_in_chinese() -> None:
    with translation.override("zh-hans"):
        html = date_input().render("day", dt.date(2026, 11, 23))
    assert 'type="date"' in html and 'value="2026-11-23"' in html


def test_the_repayment_form_offers_today_as_an_iso_date() -> None:
    with translation.override("zh-hans"):
        html = str(RepayForm(initial={"paid_on": dt.date(2026, 11, 23)})["paid_on"])
    assert 'value="2026-11-23"' in html
