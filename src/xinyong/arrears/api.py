"""API routes of the arrears app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["arrears"])
