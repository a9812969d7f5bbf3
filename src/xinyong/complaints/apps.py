from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.complaints"
    verbose_name = "政务失信投诉"
