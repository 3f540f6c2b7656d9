from django.contrib import admin
from django.urls import include, path

from cellpath.site import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("about/", views.about, name="about"),
    path("editorial-policy/", views.editorial_policy, name="editorial-policy"),
    path("privacy/", views.privacy, name="privacy"),
    path("", include("cellpath.evidence.urls")),
    path("programmes/", include("cellpath.programmes.urls")),
    path("trials/", include("cellpath.trials.urls")),
    path("", include("cellpath.intake.urls")),
    path("accounts/", include("cellpath.accounts.urls")),
    path("patients/", include("cellpath.care.urls")),
    path("reports/", include("cellpath.reports.urls")),
    path("exchange/", include("cellpath.exchange.urls")),
    path("fhir/", include("cellpath.exchange.fhir_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "cellpath.site.views.bad_request"
handler403 = "cellpath.site.views.permission_denied"
handler404 = "cellpath.site.views.page_not_found"
handler500 = "cellpath.site.views.server_error"
