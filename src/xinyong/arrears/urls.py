"""Pages of the arrears ledger (staff pages under /office/arrears/)."""

from django.urls import path

from xinyong.arrears import views

app_name = "arrears"
urlpatterns = [
    path("office/arrears/", views.ledger, name="ledger"),
    path("office/arrears/new/", views.new, name="new"),
    path("office/arrears/court/", views.court, name="court"),
    path("office/arrears/<int:pk>/", views.detail, name="detail"),
    *(
        path(f"office/arrears/<int:pk>/{action}/", views.change, {"action": action}, name=action)
        for action in ("repay", "plan", "dispute")
    ),
]
