"""Pages of the integrity app (portal pages under /, staff pages under /office/)."""

from django.urls import path  # noqa: F401

app_name = "integrity"
urlpatterns: list = []  # type: ignore[type-arg]
