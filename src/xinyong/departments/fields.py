"""Model fields shared by the apps that record who did something."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

__all__ = ["user_ref"]


def user_ref(verbose_name: str) -> models.ForeignKey[Any, Any]:
    """An optional reference to the staff account that did something (登记人, 处置人 …).

    The record outlives the account: deleting a user leaves the reference empty (the audit log
    keeps who it was), and no reverse accessor is made on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
