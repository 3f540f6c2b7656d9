from django.urls import path

from cellpath.care.views import records

app_name = "care"

urlpatterns = [
    path("", records.patient_list, name="patient-list"),
    path("new/", records.patient_create, name="patient-create"),
    path("export.csv", records.patient_export, name="patient-export"),
    path("<int:pk>/", records.patient_detail, name="patient-detail"),
    path("<int:pk>/edit/", records.patient_edit, name="patient-edit"),
]
