"""Pages of the integrity app: portal pages under /integrity/, staff pages under /office/integrity/.

Two groups, kept apart so each can grow on its own: evaluations, reports, rankings and the
dashboard (``views``), and warnings and the dishonest-bodies list (``watch_views``).
"""

from django.urls import path  # noqa: F401

app_name = "integrity"

# -- evaluations, reports, rankings, dashboard (views.py) --
report_urls: list = []  # type: ignore[type-arg]

# -- warnings, dishonest bodies (watch_views.py) --
watch_urls: list = []  # type: ignore[type-arg]

urlpatterns = [*report_urls, *watch_urls]
