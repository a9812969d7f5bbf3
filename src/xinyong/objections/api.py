"""API routes of the objections app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["objections"])
