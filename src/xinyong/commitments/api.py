"""API routes of the commitments app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["commitments"])
