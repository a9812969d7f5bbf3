from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from xinyong.api.app import api
from xinyong.api.errors import error_response


def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other address under /api/v1/ (``/batches/-1``): the API's JSON 404, not a web page."""
    return error_response(api, request, 404, "not_found", "接口地址不存在，请查看 /api/v1/docs")


urlpatterns = [path("", api.urls), re_path(r"^(?P<rest>.*)$", not_found)]
