from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "cellpath.intake"
    label = "intake"
    verbose_name = "Applications"
