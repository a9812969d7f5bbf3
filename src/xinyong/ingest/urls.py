"""Back-office pages of collection, mounted at /office/."""

from django.urls import path

from xinyong.ingest import views

app_name = "office"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("upload/", views.upload, name="upload"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/progress.json", views.batch_progress, name="batch_progress"),
    path("batches/<int:pk>/verdict.xlsx", views.batch_verdict, name="batch_verdict"),
    path("records/", views.record_list, name="records"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/revoke/", views.record_revoke, name="record_revoke"),
    path("form/", views.form_index, name="form_index"),
    path("form/<slug:type_code>/", views.record_form, name="form"),
]
