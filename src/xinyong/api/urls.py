from django.urls import path

from xinyong.api.app import api

urlpatterns = [path("", api.urls)]
