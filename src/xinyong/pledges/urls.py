"""Pages of the pledges app: 公开承诺公示 under /integrity/pledges/, staff pages under
/office/integrity/pledges/."""

from django.urls import path

from xinyong.pledges import views

app_name = "pledges"
urlpatterns = [
    path("integrity/pledges/", views.portal_list, name="portal_list"),
    path("integrity/pledges/<str:number>/", views.portal_detail, name="portal_detail"),
    path("office/integrity/pledges/", views.office_list, name="office_list"),
    path("office/integrity/pledges/new/", views.office_new, name="office_new"),
    path("office/integrity/pledges/<str:number>/", views.office_detail, name="office_detail"),
    path(
        "office/integrity/pledges/<str:number>/report/", views.office_report, name="office_report"
    ),
    path(
        "office/integrity/pledges/<str:number>/withdraw/",
        views.office_withdraw,
        name="office_withdraw",
    ),
    path(
        "office/integrity/pledges/<str:number>/files/<int:fid>/",
        views.office_file,
        name="office_file",
    ),
]
