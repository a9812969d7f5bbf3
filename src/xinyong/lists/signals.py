"""``entry_changed`` is sent after an entry enters, leaves, expires, is repaired or objected to,
so that departments watching the subject are told (R-LST-3). Receivers get ``entry`` and
``event`` (a ListEvent)."""

from django.dispatch import Signal

entry_changed = Signal()
