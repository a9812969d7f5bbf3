from django.apps import AppConfig


class RecruitConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.recruit"
    verbose_name = "录用人选信用查询"
