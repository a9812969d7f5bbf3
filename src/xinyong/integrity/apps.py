from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.integrity"
    verbose_name = "政务诚信"
