"""API routes of the recruit app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["recruit"])
