from django.urls import path

from cellpath.exchange import views, views_redcap

app_name = "exchange"

urlpatterns = [
    path("", views.export_page, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("tokens/", views.tokens_page, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("patients/<int:pk>/fhir.json", views.patient_fhir, name="patient-fhir"),
    path("me/fhir.json", views.my_fhir, name="my-fhir"),
    path("redcap/import/", views_redcap.redcap_import, name="redcap-import"),
    path(
        "redcap/import/<str:token>/confirm/",
        views_redcap.redcap_import_confirm,
        name="redcap-import-confirm",
    ),
]
