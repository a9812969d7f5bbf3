"""Pages of the repair app (portal pages under /, staff pages under /office/)."""

from django.urls import path  # noqa: F401

app_name = "repair"
urlpatterns: list = []  # type: ignore[type-arg]
