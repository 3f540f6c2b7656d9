from django.urls import path

from cellpath.care.views import (
    dashboard,
    data_queries,
    entry,
    medications_consents,
    portal,
    progression,
    records,
)

app_name = "care"

urlpatterns = [
    path("", records.patient_list, name="patient-list"),
    path("new/", records.patient_create, name="patient-create"),
    path("export.csv", records.patient_export, name="patient-export"),
    path("<int:pk>/", records.patient_detail, name="patient-detail"),
    path("<int:pk>/edit/", records.patient_edit, name="patient-edit"),
    path("<int:pk>/progression/", progression.patient_progression, name="patient-progression"),
    path(
        "<int:pk>/progression/release/",
        progression.prediction_release,
        name="prediction-release",
    ),
    # medications (care team) and consent (coordinators)
    path(
        "<int:pk>/medications/new/",
        medications_consents.medication_create,
        name="medication-create",
    ),
    path(
        "medications/<int:pk>/stop/", medications_consents.medication_stop, name="medication-stop"
    ),
    path("<int:pk>/consents/new/", medications_consents.consent_create, name="consent-create"),
    path(
        "consents/<int:pk>/withdraw/",
        medications_consents.consent_withdraw,
        name="consent-withdraw",
    ),
    # staff data entry: courses, visits, assessments, adverse events, sign-off; the dashboard
    path("dashboard/", dashboard.site_dashboard, name="dashboard"),
    path("<int:pk>/treatment/", entry.patient_treatment, name="patient-treatment"),
    path("<int:pk>/courses/new/", entry.course_create, name="course-create"),
    path("<int:pk>/visits/new/", entry.visit_create, name="visit-create"),
    path("<int:pk>/adverse-events/new/", entry.adverse_event_create, name="adverse-event-create"),
    path("courses/<int:pk>/", entry.course_detail, name="course-detail"),
    path("courses/<int:pk>/programme/", entry.course_programme, name="course-programme"),
    path("courses/<int:pk>/harvests/new/", entry.harvest_create, name="harvest-create"),
    path("courses/<int:pk>/lots/new/", entry.batch_create, name="batch-create"),
    path("courses/<int:pk>/doses/new/", entry.administration_create, name="administration-create"),
    path("visits/<int:pk>/", entry.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/alsfrs-r/", entry.alsfrs_r_create, name="visit-alsfrs-r"),
    path("visits/<int:pk>/spirometry/", entry.spirometry_create, name="visit-spirometry"),
    path("visits/<int:pk>/weight/", entry.weight_create, name="visit-weight"),
    path("visits/<int:pk>/update/", entry.update_create, name="visit-update"),
    path("visits/<int:pk>/sign/", entry.visit_sign, name="visit-sign"),
    path("adverse-events/", entry.adverse_event_list, name="adverse-event-list"),
    path("adverse-events/<int:pk>/", entry.adverse_event_detail, name="adverse-event-detail"),
    path("queries/", data_queries.query_list, name="data-query-list"),
    path("queries/<int:pk>/", data_queries.query_detail, name="data-query-detail"),
    # the patient portal (/patients/me/…) and the coordinators' erasure queue
    path("me/schedule/", portal.schedule, name="portal-schedule"),
    path("me/alsfrs-r/", portal.alsfrs_start, name="portal-alsfrs"),
    path("me/alsfrs-r/<int:step>/", portal.alsfrs_question, name="portal-alsfrs-question"),
    path("me/alsfrs-r/review/", portal.alsfrs_review, name="portal-alsfrs-review"),
    path("me/alsfrs-r/done/", portal.alsfrs_done, name="portal-alsfrs-done"),
    path("me/updates/", portal.updates, name="portal-updates"),
    path("me/data/", portal.my_data, name="portal-data"),
    path("me/data.json", portal.my_data_json, name="portal-data-json"),
    path("me/data.csv", portal.my_data_csv, name="portal-data-csv"),
    path("me/erasure/", portal.erasure, name="portal-erasure"),
    path("me/caregivers/", portal.caregivers, name="portal-caregivers"),
    path("me/switch/", portal.switch, name="portal-switch"),
    path("caregiver/<str:token>/", portal.caregiver_accept, name="caregiver-accept"),
    path("erasure-requests/", portal.erasure_queue, name="erasure-queue"),
    path("erasure-requests/<int:pk>/", portal.erasure_review, name="erasure-review"),
]
