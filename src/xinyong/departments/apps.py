from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    name = "xinyong.departments"
    label = "departments"
    verbose_name = "部门与用户"
