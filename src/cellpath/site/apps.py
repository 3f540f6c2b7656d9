from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SiteConfig(AppConfig):
    name = "cellpath.site"
    label = "cellpath_site"
    verbose_name = "Cellpath site"

    def ready(self) -> None:
        from cellpath.site import checks  # noqa: F401  (registers the deployment checks)
        from cellpath.site.crosslinks import connect

        connect()  # programmes and trials link to each other's pages


class CellpathAdminConfig(AdminConfig):
    default_site = "cellpath.site.admin_site.CellpathAdminSite"
