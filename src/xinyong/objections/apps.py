from django.apps import AppConfig


class ObjectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.objections"
    verbose_name = "异议处理"

    def ready(self) -> None:
        # The deadlines are rules: a broken rule file stops start-up (rules are data).
        from xinyong.objections import rules

        rules.rules()
