from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "xinyong.ingest"
    label = "ingest"
    verbose_name = "信息归集"
