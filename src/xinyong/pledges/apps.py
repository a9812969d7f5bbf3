from django.apps import AppConfig


class PledgesConfig(AppConfig):
    """公开承诺 (R-GOV-2): government bodies' public commitments and their fulfilment."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.pledges"
    verbose_name = "政府公开承诺"

    def ready(self) -> None:
        # Rules are data: a broken file, or a report due day the evaluation model does not
        # reward as on time, stops start-up with the reason.
        from xinyong.pledges import rules

        rules.rules()
