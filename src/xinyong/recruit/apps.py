from django.apps import AppConfig


class RecruitConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.recruit"
    verbose_name = "录用人选信用查询"

    def ready(self) -> None:
        # The deadlines and the lists that count are rules: a broken file stops start-up.
        from xinyong.recruit import rules

        rules.rules()
