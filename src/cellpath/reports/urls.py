from django.urls import path

from cellpath.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.cohort_report, name="cohort"),
    path("report.pdf", views.cohort_report_pdf, name="cohort-pdf"),
    path("analysis.csv", views.analysis_csv, name="analysis-csv"),
]
