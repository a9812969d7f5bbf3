"""Pages of the feeds app (互联网采集), under /office/integrity/feeds/."""

from django.urls import path

from xinyong.feeds import views

app_name = "feeds"
urlpatterns = [
    path("office/integrity/feeds/", views.queue, name="queue"),
    path("office/integrity/feeds/sources/", views.sources, name="sources"),
    path("office/integrity/feeds/sources/<int:pk>/fetch/", views.fetch, name="fetch"),
    *(
        path(
            f"office/integrity/feeds/<int:pk>/{action}/",
            views.review,
            {"action": action},
            name=action,
        )
        for action in ("accept", "reject", "withdraw")
    ),
]
