from django.urls import path

from cellpath.exchange import views_redcap

app_name = "exchange"

urlpatterns = [
    path("redcap/import/", views_redcap.redcap_import, name="redcap-import"),
    path(
        "redcap/import/<str:token>/confirm/",
        views_redcap.redcap_import_confirm,
        name="redcap-import-confirm",
    ),
]
