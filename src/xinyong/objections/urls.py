"""Pages of the objections app: portal pages under /objection(s)/, staff pages under /office/."""

from django.urls import path

from xinyong.objections import views

app_name = "objections"
urlpatterns = [
    path("objection/record/<int:pk>/", views.file_for_record, name="file_record"),
    path("objection/entry/<int:pk>/", views.file_for_entry, name="file_entry"),
    path("objection/progress/", views.progress, name="progress"),
    path("objections/corrections/", views.corrections, name="corrections"),
    path("office/objections/", views.queue, name="queue"),
    path("office/objections/new/<slug:kind>/<int:pk>/", views.new, name="new"),
    path("office/objections/<int:pk>/", views.detail, name="detail"),
    *(
        path(
            f"office/objections/<int:pk>/{action}/",
            views.step_view,
            {"action": action},
            name=action,
        )
        for action in ("accept", "refuse", "answer", "close")
    ),
    path("office/objections/<int:pk>/materials/<int:mid>/", views.material, name="material"),
]
