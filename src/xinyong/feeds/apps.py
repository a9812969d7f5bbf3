from django.apps import AppConfig


class FeedsConfig(AppConfig):
    """互联网采集: pluggable collectors of news and public-opinion items, reviewed before use."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.feeds"
    verbose_name = "互联网信息采集"

    def ready(self) -> None:
        # Rules are data and collectors are configuration: either broken stops start-up, with
        # the file and line (feeds.yaml) or the collector's path (XINYONG_COLLECTORS).
        from xinyong.feeds import collectors, rules

        rules.rules()
        collectors.registry()
