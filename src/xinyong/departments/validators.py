"""Field validators for departments: a department is identified by its 统一社会信用代码."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from xinyong.core import uscc


def validate_uscc(value: str) -> None:
    """Refuse a code that is not a valid 统一社会信用代码, naming every wrong part in Chinese."""
    result = uscc.explain(value or "")
    if not result.valid:
        raise ValidationError(
            [f"统一社会信用代码“{value}”无效：{message}" for message in result.messages],
            code="invalid_uscc",
        )
