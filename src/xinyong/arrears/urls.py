"""Pages of the arrears app (portal pages under /, staff pages under /office/)."""

from django.urls import path  # noqa: F401

app_name = "arrears"
urlpatterns: list = []  # type: ignore[type-arg]
