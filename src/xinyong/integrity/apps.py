from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinyong.integrity"
    verbose_name = "政务诚信"

    def ready(self) -> None:
        # The evaluation model is rule data: a broken file stops start-up (R-GOV-3).
        from xinyong.integrity import collection
        from xinyong.integrity.model import default_versions

        default_versions()
        # Departments report archive events as catalog type zwcx (R-GOV-1): its code list of
        # event kinds must be the model's, and its stored records feed the archive.
        collection.check_catalog()
        collection.connect()
