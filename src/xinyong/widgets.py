"""Form widgets every app shares.

A browser's date picker (``<input type="date">``) accepts only ISO dates as its value; Django
renders a date in the active language's first input format (``2026/11/23`` in Chinese), which
the picker rejects and shows empty, so a form that offers today's date would show nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms

__all__ = ["date_input"]


def date_input(**attrs: Any) -> forms.DateInput:
    """A date picker whose value is written as ``YYYY-MM-DD``."""
    return forms.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d")
