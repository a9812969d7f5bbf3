"""API routes of the repair app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["repair"])
