"""Pages of the commitments app (portal pages under /, staff pages under /office/)."""

from django.urls import path

from xinyong.commitments import views

app_name = "commitments"
urlpatterns = [
    path("office/commitments/", views.office_list, name="office_list"),
    path("office/commitments/new/", views.office_sign, name="office_sign"),
    path("office/commitments/coverage/", views.office_coverage, name="office_coverage"),
    path("office/commitments/<str:number>/", views.office_detail, name="office_detail"),
    path(
        "office/commitments/<str:number>/<slug:action>/",
        views.office_action,
        name="office_action",
    ),
    path("commitments/", views.portal_list, name="portal_list"),
    path("commitments/new/", views.portal_new, name="portal_new"),
    path("commitments/<str:number>/", views.portal_detail, name="portal_detail"),
]
