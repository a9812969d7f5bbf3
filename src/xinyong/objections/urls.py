"""Pages of the objections app (portal pages under /, staff pages under /office/)."""

from django.urls import path  # noqa: F401

app_name = "objections"
urlpatterns: list = []  # type: ignore[type-arg]
