from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.commitments"
    verbose_name = "信用承诺"

    def ready(self) -> None:
        # Commitment kinds are rules: a broken file stops start-up with its line (rules are data).
        from xinyong.commitments import rules

        rules.rules()
