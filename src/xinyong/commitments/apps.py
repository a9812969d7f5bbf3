from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.commitments"
    verbose_name = "信用承诺"
