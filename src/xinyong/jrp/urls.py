"""Pages of the jrp app (portal pages under /, staff pages under /office/)."""

from django.urls import path  # noqa: F401

app_name = "jrp"
urlpatterns: list = []  # type: ignore[type-arg]
