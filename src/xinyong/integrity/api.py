"""API routes of the integrity app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["integrity"])
