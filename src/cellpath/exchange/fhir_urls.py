"""The read-only FHIR API at /fhir/ (see `exchange.api`)."""

from django.urls import path

from cellpath.exchange import api

app_name = "fhir"

urlpatterns = [
    path("metadata", api.metadata, name="metadata"),
    path("Questionnaire/<str:resource_id>", api.questionnaire, name="questionnaire"),
    path("Patient", api.patient_search, name="patient-search"),
    path("Patient/<str:resource_id>", api.patient_read, name="patient-read"),
    path("Observation", api.observation_search, name="observation-search"),
    path(
        "QuestionnaireResponse",
        api.questionnaire_response_search,
        name="questionnaireresponse-search",
    ),
    path("AdverseEvent", api.adverse_event_search, name="adverseevent-search"),
]
