"""Objections (异议): filing, routing, deadlines, suspension, outcomes (R-OBJ-1, R-OBJ-2, R-JRP-4).

The flow, with the working-day deadlines of ``data/objections.yaml`` (the rule in force on the
filing day)::

    file ──► 待受理 ──accept──► 核查中 ──answer──► 已答复 ──close──► 已办结
                  └──refuse──► 不予受理

* ``file_objection`` — by anyone on the portal (the record must be on public display that day)
  or by an operator for a subject (any record, public or not). The objector gets a tracking
  number and an access code (shown once, stored only as an HMAC).
* ``accept`` / ``refuse`` — the credit office, within ``steps.accept`` working days. Accepting
  routes the objection to the providing department (record.department, entry.department; a
  national-list entry stays with the credit office: the court / tax / finance authority decides)
  and suspends every in-force list entry tied to it (R-JRP-4: ``EntryStatus.OBJECTION``).
* ``answer`` — the providing department (or the credit office), within ``steps.verify``
  working days: 更正 (a new version of the record through the collection pipeline), 撤销
  (``revoke_record`` / ``remove_entry``) or 维持, always with reasons.
* ``close`` — the credit office, within ``steps.close`` working days: the objector is told,
  the suspended entries come back (unless revoked away), and a correction notice (更正公告) is
  published when a public record was corrected or revoked (R-OBJ-2).

Every step is an ``ObjectionStep`` and an audit event; the objector sees the visible steps.
"""

from __future__ import annotations

from xinyong.casework import ACCESS_DENIED, countdown, format_code, is_overdue
from xinyong.objections.services.common import (
    AccessDenied,
    ObjectionError,
    Objector,
    rule_of,
    tied_entries,
)
from xinyong.objections.services.filing import (
    check_access,
    ensure_can_view,
    file_objection,
    notices_for_record,
    notices_for_subject,
    open_for_target,
    portal_refusal,
    queue_for,
    record_under_objection,
    visible_steps,
)
from xinyong.objections.services.reminders import remind
from xinyong.objections.services.workflow import accept, answer, close, refuse

__all__ = [
    "ACCESS_DENIED",
    "AccessDenied",
    "ObjectionError",
    "Objector",
    "accept",
    "answer",
    "check_access",
    "close",
    "countdown",
    "ensure_can_view",
    "file_objection",
    "format_code",
    "is_overdue",
    "notices_for_record",
    "notices_for_subject",
    "open_for_target",
    "portal_refusal",
    "queue_for",
    "record_under_objection",
    "refuse",
    "remind",
    "rule_of",
    "tied_entries",
    "visible_steps",
]
