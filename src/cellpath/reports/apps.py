from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cellpath.reports"
    label = "reports"
    verbose_name = "Cohort reports"
