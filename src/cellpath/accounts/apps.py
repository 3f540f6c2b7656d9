from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cellpath.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"
