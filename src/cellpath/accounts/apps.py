from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cellpath.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cellpath.accounts.triggers import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self)
