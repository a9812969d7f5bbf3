"""The unread-notice count shown in the back office's navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/office/"):
        return {}
    from xinyong.departments.permissions import scope_to_user
    from xinyong.jrp.models import Notice

    unread = scope_to_user(user, Notice.objects.filter(read_at__isnull=True)).count()
    return {"unread_notices": unread}
