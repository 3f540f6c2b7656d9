from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "cellpath.evidence"
    label = "evidence"
    verbose_name = "Evidence"
