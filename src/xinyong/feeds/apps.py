from django.apps import AppConfig


class FeedsConfig(AppConfig):
    """互联网采集: pluggable collectors of news and public-opinion items, reviewed before they count."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.feeds"
    verbose_name = "互联网信息采集"
