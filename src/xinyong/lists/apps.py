from django.apps import AppConfig


class ListsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.lists"
    verbose_name = "红黑名单"

    def ready(self) -> None:
        # List definitions are rules: a broken file stops start-up (R-CAT, rules are data).
        from xinyong.lists import rules

        rules.definitions()
