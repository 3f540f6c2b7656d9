"""Writes of care data. Each validates, runs in a transaction, checks the actor's site again and
is audited (`audited_save`). Views call these; nothing else writes care rows."""

from cellpath.care.services.assessments import (
    adverse_event_record,
    alsfrs_r_record,
    spirometry_record,
    update_post,
    weight_record,
)
from cellpath.care.services.followup import visit_sign, visits_schedule
from cellpath.care.services.patients import (
    EDITABLE_FIELDS,
    clinicians_of,
    consent_record,
    consent_withdraw,
    identity_update,
    medication_record,
    medication_stop,
    patient_clinician_set,
    patient_create,
    patient_create_many,
    patient_delete,
    patient_portal_link,
    patient_update,
)
from cellpath.care.services.treatment import (
    administration_record,
    batch_record,
    course_programme_link,
    course_start,
    harvest_record,
)

__all__ = [
    "EDITABLE_FIELDS",
    "administration_record",
    "adverse_event_record",
    "alsfrs_r_record",
    "batch_record",
    "clinicians_of",
    "consent_record",
    "consent_withdraw",
    "course_programme_link",
    "course_start",
    "harvest_record",
    "identity_update",
    "medication_record",
    "medication_stop",
    "patient_clinician_set",
    "patient_create",
    "patient_create_many",
    "patient_delete",
    "patient_portal_link",
    "patient_update",
    "spirometry_record",
    "update_post",
    "visit_sign",
    "visits_schedule",
    "weight_record",
]
