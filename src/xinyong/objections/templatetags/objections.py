"""Portal markers of objections, for the portal's record and subject pages (R-OBJ-2, R-JRP-4).

{% load objections %}
{% objection_notices record=record %}     异议处理中 + 更正公告 + link to file an objection
{% objection_notices subject=subject %}   更正公告 about the subject
{% objection_notices entry=entry %}       link to file an objection on a list entry
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from xinyong.objections import services
from xinyong.objections.models import CorrectionNotice

register = template.Library()


@register.inclusion_tag("objections/_portal_notices.html")
def objection_notices(record: Any = None, subject: Any = None, entry: Any = None) -> dict[str, Any]:
    day = timezone.localdate()
    context: dict[str, Any] = {"under_objection": False, "notices": [], "link": ""}
    if record is not None:
        context["under_objection"] = services.record_under_objection(record, day)
        context["notices"] = services.notices_for_record(record, day)
        if services.portal_refusal(record=record, today=day) is None:
            context["link"] = reverse("objections:file_record", args=[record.pk])
    elif entry is not None:
        context["notices"] = list(CorrectionNotice.objects.shown(day).filter(entry=entry))
        if services.portal_refusal(entry=entry, today=day) is None:
            context["link"] = reverse("objections:file_entry", args=[entry.pk])
    elif subject is not None:
        context["notices"] = services.notices_for_subject(subject, day)
    return context
