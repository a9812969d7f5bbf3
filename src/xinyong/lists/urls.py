"""Pages of the lists app (portal pages under /, staff pages under /office/)."""

from django.urls import path  # noqa: F401

app_name = "lists"
urlpatterns: list = []  # type: ignore[type-arg]
