from django.urls import path

from xinyong.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("subject/<int:pk>/", views.subject_detail, name="subject"),
    path("record/<int:pk>/", views.record_detail, name="record"),
    path("gs/<slug:type_code>/", views.gs_list, name="gs_list"),
    path("templates/", views.template_index, name="templates"),
    path(
        "templates/<slug:type_code>.xlsx",
        views.template_download,
        {"fmt": "xlsx"},
        name="template_xlsx",
    ),
    path(
        "templates/<slug:type_code>.csv",
        views.template_download,
        {"fmt": "csv"},
        name="template_csv",
    ),
]
