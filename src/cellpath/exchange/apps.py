from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "cellpath.exchange"
    label = "exchange"
    verbose_name = "Data exchange"
