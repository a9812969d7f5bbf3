"""Pages of the repair app: portal pages under /repair/, staff pages under /office/repair/."""

from django.urls import path

from xinyong.repair import views

app_name = "repair"
urlpatterns = [
    path("repair/record/<int:pk>/apply/", views.apply_record, name="apply_record"),
    path("repair/entry/<int:pk>/apply/", views.apply_entry, name="apply_entry"),
    path("repair/submitted/", views.submitted, name="submitted"),
    path("repair/track/", views.track, name="track"),
    path("repair/track/<str:tracking_no>/", views.progress, name="progress"),
    path("office/repair/", views.office_queue, name="office_queue"),
    path("office/repair/<int:pk>/", views.office_detail, name="office_detail"),
    path(
        "office/repair/<int:pk>/<slug:action>/",
        views.office_decide,
        name="office_decide",
    ),
    path(
        "office/repair/<int:pk>/materials/<int:material_id>/",
        views.office_material,
        name="office_material",
    ),
]
