"""API routes of the lists app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["lists"])
