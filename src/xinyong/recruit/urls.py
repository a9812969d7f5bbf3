"""Pages of the recruit app: staff pages under /office/recruit/."""

from django.urls import path

from xinyong.recruit import views

app_name = "recruit"
urlpatterns = [
    path("office/recruit/", views.queue, name="queue"),
    path("office/recruit/new/", views.new, name="new"),
    path("office/recruit/<int:pk>/", views.detail, name="detail"),
    path("office/recruit/<int:pk>/release/", views.release, name="release"),
    path("office/recruit/person/<int:pk>/review/", views.review, name="review"),
    path("office/recruit/person/<int:pk>/objection/", views.objection, name="objection"),
    path("office/recruit/objection/<int:pk>/step/", views.step, name="step"),
]
