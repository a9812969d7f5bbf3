from django.apps import AppConfig


class ArrearsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.arrears"
    verbose_name = "拖欠账款台账"
