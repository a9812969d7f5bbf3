"""Sign-ins, sign-outs and failed sign-ins go to the audit log like every other action."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from xinyong.audit.services import client_ip, record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(user, "login", f"{user.get_username()} 登录", ip=client_ip(request))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        ip = client_ip(request)
        record(user, "login", f"{user.get_username()} 退出登录", ip=ip)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    # The username tried is kept, the password never is (Django masks it in credentials).
    name = str(credentials.get("username", ""))[:100]
    ip = client_ip(request)
    record(name or "匿名", "login", f"登录失败：用户名“{name}”", ip=ip)
