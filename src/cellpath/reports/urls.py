from django.urls import path

from cellpath.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.cohort_report, name="cohort"),
    path("report.pdf", views.cohort_report_pdf, name="cohort-pdf"),
    path("analysis.csv", views.analysis_csv, name="analysis-csv"),
    path("cards/", views.outcome_cards, name="cards"),
    path("cards/<slug:slug>/prepare/", views.card_prepare, name="card-prepare"),
    path("cards/<int:pk>/decide/", views.card_decide, name="card-decide"),
    path("reference-cohorts/", views.reference_cohorts, name="reference-cohorts"),
]
