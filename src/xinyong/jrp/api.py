"""API routes of the jrp app, mounted under /api/v1/."""

from ninja import Router

router = Router(tags=["jrp"])
