"""Pages of the recruit app (portal pages under /, staff pages under /office/)."""

from django.urls import path  # noqa: F401

app_name = "recruit"
urlpatterns: list = []  # type: ignore[type-arg]
