"""Pages of the complaints app (portal pages under /, staff pages under /office/)."""

from django.urls import path  # noqa: F401

app_name = "complaints"
urlpatterns: list = []  # type: ignore[type-arg]
