"""Pages of the complaints app: portal pages under /complaint/, staff pages under /office/."""

from django.urls import path

from xinyong.complaints import views

app_name = "complaints"
urlpatterns = [
    path("complaint/", views.file, name="file"),
    path("complaint/progress/", views.progress, name="progress"),
    path("office/complaints/", views.queue, name="queue"),
    path("office/complaints/<int:pk>/", views.detail, name="detail"),
    *(
        path(
            f"office/complaints/<int:pk>/{action}/",
            views.step_view,
            {"action": action},
            name=action,
        )
        for action in ("assign", "answer", "close")
    ),
    path("office/complaints/<int:pk>/materials/<int:mid>/", views.material, name="material"),
]
