from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xinyong.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from xinyong.audit import signals  # noqa: F401  (connects the sign-in receivers)
