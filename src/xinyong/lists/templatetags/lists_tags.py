"""Template helpers of the list pages."""

from __future__ import annotations

from django import template

from xinyong.core import ric

register = template.Library()


@register.filter
def masked(value: object) -> str:
    """A text with every ID number in it masked (list texts come from outside files)."""
    return ric.mask_in_text(str(value or ""))
