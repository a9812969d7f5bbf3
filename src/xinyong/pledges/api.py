"""API routes of the pledges app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["pledges"])
