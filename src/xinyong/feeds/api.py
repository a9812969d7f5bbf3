"""API routes of the feeds app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["feeds"])
