from django.apps import AppConfig


class JrpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.jrp"
    verbose_name = "联合奖惩"

    def ready(self) -> None:
        # The measures catalog is rule data: a broken file stops start-up.
        from xinyong.jrp import measures, receivers  # noqa: F401

        measures.catalog()
