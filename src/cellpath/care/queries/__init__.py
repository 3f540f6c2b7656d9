"""Reads of care data, one module per area. Every function takes the acting user, scopes by
site through `patients_visible_to`, and records reads of patient records in the audit log."""

from cellpath.care.queries.records import (
    identity_visibility,
    open_at_death,
    patient_export,
    patient_get,
    patient_own,
    patient_page,
    patients_visible_to,
)

__all__ = [
    "identity_visibility",
    "open_at_death",
    "patient_export",
    "patient_get",
    "patient_own",
    "patient_page",
    "patients_visible_to",
]
