"""``{% subject_commitments subject %}``: a subject's public commitments on its portal page."""

from __future__ import annotations

from typing import Any

from django import template

from xinyong.commitments.services import public_commitments

register = template.Library()

SHOWN = 20


@register.inclusion_tag("commitments/_subject_commitments.html")
def subject_commitments(subject: Any) -> dict[str, Any]:
    qs = public_commitments().filter(subject=subject)
    items = list(qs[:SHOWN])
    total = len(items) if len(items) < SHOWN else qs.count()
    return {"subject": subject, "commitments": items, "total": total}
