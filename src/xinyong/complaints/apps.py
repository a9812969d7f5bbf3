from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.complaints"
    verbose_name = "政务失信投诉"

    def ready(self) -> None:
        # The deadlines are rules: a broken rule file stops start-up (rules are data).
        from xinyong.complaints import rules

        rules.rules()
