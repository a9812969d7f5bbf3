"""API routes of the complaints app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["complaints"])
