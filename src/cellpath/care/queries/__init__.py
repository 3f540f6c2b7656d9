"""Reads of care data, one module per area. Every function takes the acting user, scopes by
site through `patients_visible_to`, and records reads of patient records in the audit log."""

from cellpath.care.queries.records import (
    events_at_death,
    identity_visibility,
    patient_export,
    patient_get,
    patient_own,
    patient_page,
    patients_visible_to,
)

__all__ = [
    "events_at_death",
    "identity_visibility",
    "patient_export",
    "patient_get",
    "patient_own",
    "patient_page",
    "patients_visible_to",
]
