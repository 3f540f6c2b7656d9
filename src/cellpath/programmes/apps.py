from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "cellpath.programmes"
    label = "programmes"
    verbose_name = "Programmes"
