from django.apps import AppConfig


class RepairConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.repair"
    verbose_name = "信用修复"

    def ready(self) -> None:
        # Repair rules are data: a broken file stops start-up with the line at fault.
        from xinyong.repair.rules import repair_rules

        repair_rules()
