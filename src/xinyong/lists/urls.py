"""Pages of the lists app: portal pages under /lists/, staff pages under /office/lists/."""

from django.urls import path

from xinyong.lists import views

app_name = "lists"
urlpatterns = [
    path("lists/", views.index, name="index"),
    path("lists/criteria/", views.criteria, name="criteria"),
    path("lists/<slug:code>/", views.list_detail, name="list"),
    path("lists/<slug:code>/events/", views.list_events, name="events"),
    path("office/lists/", views.office_index, name="office_index"),
    path("office/lists/new/", views.entry_new, name="office_new"),
    path("office/lists/import/", views.import_upload, name="office_import"),
    path("office/lists/criteria/", views.criteria_office, name="office_criteria"),
    path("office/lists/<int:pk>/", views.entry_detail, name="office_entry"),
    path("office/lists/<int:pk>/remove/", views.entry_remove, name="office_remove"),
]
