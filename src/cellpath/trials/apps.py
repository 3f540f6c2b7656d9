from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "cellpath.trials"
    label = "trials"
    verbose_name = "Clinical trials"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from cellpath.trials.finder.sql import install_after_migrate, register_sqlite_functions

        post_migrate.connect(install_after_migrate, sender=self)
        connection_created.connect(register_sqlite_functions)
