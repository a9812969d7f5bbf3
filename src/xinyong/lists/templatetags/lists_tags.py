"""Template helpers of the list pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from xinyong.core import ric

register = template.Library()


@register.filter
def masked(value: object) -> str:
    """A text with every ID number in it masked (list texts come from outside files)."""
    return ric.mask_in_text(str(value or ""))


@register.filter
def list_name(code: object) -> str:
    """The name of a list by its code (``sxbzxr`` → 失信被执行人), or the code if unknown."""
    from xinyong.lists.rules import definition

    try:
        return definition(str(code)).name
    except KeyError:  # a list no longer defined is shown by its code
        return str(code)


@register.filter
def list_names(codes: Iterable[object] | None) -> str:
    """The names of lists by their codes, joined by 、."""
    return "、".join(list_name(code) for code in (codes or []))
