from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "cellpath.care"
    label = "care"
    verbose_name = "Care"
