"""Template helpers of the public portal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    """The current address with another page number; every filter is kept."""
    params = context["request"].GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()


@register.filter
def amount(value: Decimal | None) -> str:
    """A Decimal without trailing zeros: 0.500000 → 0.5 (amounts are in 万元)."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text
