"""Authentication of API calls: ``Authorization: Bearer xy_…`` tokens, or a logged-in session.

Every operation of ``xinyong.api.app.api`` requires one of them unless it says ``auth=None``
(public endpoints)::

    @router.get("/records")                  # token or session (the API's default)
    def records(request): request.user …     # the authenticated User

    @router.get("/public/search", auth=None) # public

Both set ``request.user`` (and ``request.auth``) to the User; a token call also sets
``request.api_token``. Permission checks then use ``xinyong.departments.permissions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from xinyong.departments.models import ApiToken

__all__ = ["DEFAULT_AUTH", "SessionAuth", "TokenAuth", "session_auth", "token_auth"]

#: ``last_used_at`` is written at most this often per token (not on every call).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer xy_…``: an active token of an active user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = ApiToken.lookup(token.strip())
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """A logged-in browser session (CSRF-checked on unsafe methods).

    Skipped when the request carries an ``Authorization`` header, so that an API client with a
    bad token gets 401 "令牌无效或已吊销", not a CSRF error; skipped when there is no session
    cookie at all.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:
            if exc.status_code == 403:
                raise HttpError(403, "CSRF 校验失败，请刷新页面后重试") from exc
            raise

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()
#: The API's default: a token, else a session.
DEFAULT_AUTH = [token_auth, session_auth]
