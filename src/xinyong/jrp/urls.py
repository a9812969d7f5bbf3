"""Back-office pages of joint reward and punishment (under /office/)."""

from django.urls import path

from xinyong.jrp import views

app_name = "jrp"
urlpatterns = [
    path("office/jrp/", views.check_page, name="checks"),
    path("office/jrp/checks/<int:pk>/", views.check_detail, name="check"),
    path("office/jrp/checks/<int:pk>/<int:position>/feedback/", views.feedback, name="feedback"),
    path("office/jrp/checks/<int:pk>/<int:position>/clear/", views.clear, name="clear"),
    path("office/inbox/", views.inbox, name="inbox"),
]
