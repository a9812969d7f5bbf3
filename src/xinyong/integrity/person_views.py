"""公职人员诚信档案 (R-GOV-1): a civil servant's events across bodies, for the credit office only.

A civil servant's archive is the set of archive events naming them (IntegrityEvent.person).
Reading it is a read of non-public personal data: only operators of the credit office may, each
read is audited with its reason, and the person is looked up by the keyed hash of the ID number
(the number itself is stored only encrypted). The page takes the number by POST so it never
lands in a URL, a server log or the browser history; the CLI (``xinyong integrity person``)
reads through the same :func:`person_archive`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from xinyong.audit.models import AuditAction
from xinyong.audit.services import client_ip, record
from xinyong.core import ric
from xinyong.core.exceptions import InvalidCode
from xinyong.departments.permissions import ensure_operator, refuse
from xinyong.ingest.views import office_view
from xinyong.integrity.models import IntegrityEvent, SourceChannel
from xinyong.integrity.services import IntegrityError, model_for
from xinyong.subjects.identity import pii_box
from xinyong.subjects.models import Subject, SubjectKind

__all__ = ["ensure_can_read_persons", "person_archive", "persons"]

WHAT = "查阅公职人员诚信档案"


def ensure_can_read_persons(user: Any, *, request: Any = None) -> None:
    """Operators only; a department user is refused (audited) with the reason in Chinese."""
    if getattr(user, "is_authenticated", False) and user.is_active and not user.is_operator:
        raise refuse(
            user,
            "公职人员诚信档案是非公开的个人信息，只有信用办可以查阅",
            department=user.department,
            what=WHAT,
            request=request,
        )
    ensure_operator(user, what=WHAT, request=request)


def _number(text: str) -> str:
    """The 18-digit ID number, compacted; IntegrityError (Chinese) for anything else."""
    if not text.strip():
        raise IntegrityError("请填写公职人员的身份证号码")
    try:
        code = ric.validate(text)
    except InvalidCode as exc:
        raise IntegrityError(f"身份证号码“{ric.mask(text)}”无效：{exc}") from None
    if len(code) != 18:
        raise IntegrityError(f"身份证号码“{ric.mask(code)}”应为18位居民身份证号码")
    return code


def person_archive(
    id_number: str, reason: str, *, actor: Any, ip: str | None = None
) -> dict[str, Any]:
    """The civil servant's archive as plain data (JSON-ready), the read audited.

    ``actor`` must already be allowed (:func:`ensure_can_read_persons`; the command line is).
    A person with no subject or no events gives an empty list — the read is still audited,
    since asking about someone is itself a use of their data."""
    code = _number(id_number)
    reason = reason.strip()
    if not reason:
        raise IntegrityError("请填写查阅事由（查阅公职人员诚信档案须说明事由，记入审计日志）")
    person = Subject.objects.filter(
        id_hash=pii_box().lookup_hash(code), kind=SubjectKind.NATURAL
    ).first()
    masked = ric.mask(code)
    events: list[dict[str, Any]] = []
    if person is not None:
        events = _events(person)
    record(
        actor,
        AuditAction.READ,
        f"{WHAT}：{person.id_masked if person else masked}"
        + (f"（{len(events)}条事件）" if person else "（无记录）"),
        obj=person,
        reason=reason,
        detail={"id_masked": masked, "events": [e["id"] for e in events]},
        ip=ip,
    )
    return {
        "found": person is not None,
        "name": person.name if person else "",
        "id_masked": person.id_masked if person else masked,
        "events": events,
    }


def _events(person: Subject) -> list[dict[str, Any]]:
    channels = dict(SourceChannel.choices)
    kinds: dict[datetime.date, dict[str, str]] = {}
    out: list[dict[str, Any]] = []
    rows = (
        IntegrityEvent.objects.filter(person=person)
        .select_related("body", "body__subject")
        .order_by("-event_date", "-id")
    )
    for event in rows:
        month = event.event_date.replace(day=1)
        if month not in kinds:
            kinds[month] = model_for(month).kinds
        out.append(
            {
                "id": event.pk,
                "date": event.event_date.isoformat(),
                "kind": event.kind,
                "kind_name": kinds[month].get(event.kind, event.kind),
                "level": event.level,
                "body": event.body.name,
                "body_code": event.body.subject.uscc or "",
                "role": event.person_role,
                "channel": event.channel,
                "channel_name": str(channels.get(event.channel, event.channel)),
                "source_doc": event.source_doc,
                "note": event.note,
                "rectified_on": event.rectified_on.isoformat() if event.rectified_on else None,
                "repaired_on": event.repaired_on.isoformat() if event.repaired_on else None,
            }
        )
    return out


class PersonQueryForm(forms.Form):
    id_number = forms.CharField(
        label="身份证号码",
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label="查阅事由",
        max_length=200,
        help_text="如“干部任用前诚信审查”；记入审计日志",
    )


@office_view
@never_cache
@require_http_methods(["GET", "POST"])
def persons(request: HttpRequest) -> HttpResponse:
    """The query form (GET) and one person's archive (POST, the ID number in the body only)."""
    ensure_can_read_persons(request.user, request=request)
    form = PersonQueryForm(request.POST or None)
    result: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            result = person_archive(
                form.cleaned_data["id_number"],
                form.cleaned_data["reason"],
                actor=request.user,
                ip=client_ip(request),
            )
        except IntegrityError as exc:
            form.add_error(None, str(exc))
        else:
            # Not echoed back: the number stays out of the page once it has been answered.
            form = PersonQueryForm(initial={"reason": form.cleaned_data["reason"]})
    return render(
        request,
        "integrity/person_archive.html",
        {"form": form, "result": result, "nav": "integrity"},
    )
