"""Pages of the pledges app."""

from django.urls import path  # noqa: F401

app_name = "pledges"
urlpatterns: list = []  # type: ignore[type-arg]
