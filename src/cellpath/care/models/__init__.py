"""Care data: the patient record, treatment courses, the follow-up schedule and assessments.

Every model here holds health data: it inherits `AuditedModel` (writes only through services,
each logged with old and new values) and belongs to one site through its patient.
"""

from cellpath.care.models.assessments import (
    AdverseEvent,
    AlsfrsR,
    PatientUpdate,
    Spirometry,
    Weight,
)
from cellpath.care.models.data_queries import DataQuery
from cellpath.care.models.followup import FollowUpPlan, PlanTimepoint, Visit
from cellpath.care.models.patient import Consent, Medication, Patient, PatientIdentity
from cellpath.care.models.portal import CaregiverLink, ErasureRequest, PredictionRelease
from cellpath.care.models.treatment import Administration, Batch, Harvest, TreatmentCourse

__all__ = [
    "Administration",
    "AdverseEvent",
    "AlsfrsR",
    "Batch",
    "CaregiverLink",
    "Consent",
    "DataQuery",
    "ErasureRequest",
    "FollowUpPlan",
    "Harvest",
    "Medication",
    "Patient",
    "PatientIdentity",
    "PatientUpdate",
    "PlanTimepoint",
    "PredictionRelease",
    "Spirometry",
    "TreatmentCourse",
    "Visit",
    "Weight",
]
