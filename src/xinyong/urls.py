"""URL map: portal at /, staff pages at /office/, Django admin at /admin/, API at /api/v1/."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "信用信息平台管理后台"
admin.site.site_title = "信用信息平台"
admin.site.index_title = "信用办管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("xinyong.api.urls")),
    path("office/", include("xinyong.ingest.urls")),
    path("", include("xinyong.lists.urls")),
    path("", include("xinyong.jrp.urls")),
    path("", include("xinyong.objections.urls")),
    path("", include("xinyong.repair.urls")),
    path("", include("xinyong.commitments.urls")),
    path("", include("xinyong.integrity.urls")),
    path("", include("xinyong.recruit.urls")),
    path("", include("xinyong.arrears.urls")),
    path("", include("xinyong.complaints.urls")),
    path("", include("xinyong.pledges.urls")),
    path("", include("xinyong.feeds.urls")),
    path("", include("xinyong.portal.urls")),
]
