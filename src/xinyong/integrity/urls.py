"""Pages of the integrity app: portal pages under /integrity/, staff pages under /office/integrity/.

Two groups, kept apart so each can grow on its own: evaluations, reports, rankings and the
dashboard (``views``), and warnings and the dishonest-bodies list (``watch_views``).
"""

from django.urls import path

app_name = "integrity"

# -- evaluations, reports, rankings, dashboard (views.py) --
from xinyong.integrity import views  # noqa: E402

report_urls: list = [  # type: ignore[type-arg]
    path("office/integrity/", views.dashboard, name="dashboard"),
    path("office/integrity/evaluations/", views.evaluations, name="evaluations"),
    *(
        path(
            f"office/integrity/rankings/{action}/",
            views.publication,
            {"action": action},
            name=f"ranking_{action}",
        )
        for action in ("publish", "withdraw")
    ),
    path("office/integrity/report/<int:body_id>/<str:month>/", views.report, name="report"),
    path(
        "office/integrity/report/<int:body_id>/<str:month>/pdf/",
        views.report_pdf,
        name="report_pdf",
    ),
    path(
        "office/integrity/rankings/<str:month>/<str:level>/pdf/",
        views.ranking_draft_pdf,
        name="ranking_draft_pdf",
    ),
    path("integrity/", views.hub, name="hub"),
    path("integrity/rankings/<str:month>/<str:level>/", views.ranking, name="ranking"),
    path("integrity/rankings/<str:month>/<str:level>/pdf/", views.ranking_pdf, name="ranking_pdf"),
]

# -- warnings, dishonest bodies (watch_views.py) --
from xinyong.integrity import person_views, watch_views  # noqa: E402

watch_urls: list = [  # type: ignore[type-arg]
    path("office/integrity/warnings/", watch_views.warnings, name="warnings"),
    path("office/integrity/warnings/<int:pk>/", watch_views.warning, name="warning"),
    path("office/integrity/dishonest/", watch_views.dishonest_items, name="dishonest_items"),
    path("office/integrity/dishonest/<int:pk>/", watch_views.dishonest_item, name="dishonest_item"),
    path("integrity/dishonest/", watch_views.public_dishonest, name="public_dishonest"),
    path("office/integrity/persons/", person_views.persons, name="persons"),
]

urlpatterns = [*report_urls, *watch_urls]
