"""A patient's record as a screening `Profile`, for readers outside care (the trial matcher).

Other apps never reach into care's models: they receive this profile, built from the latest
measurements, and the read is audited as a view of the record. The ALSFRS-R is the latest one
(item 5 from 5a or 5b; its total only when all twelve were scored); the vital capacity is the
FVC % predicted of the latest spirometry; riluzole and edaravone are what the patient takes now,
with the days since the current riluzole began; tracheostomy and gastrostomy are their recorded
dates, as yes or no; a course recorded here is an earlier stem-cell treatment, while none
recorded is not proof of none (unknown); non-invasive ventilation not recorded means 0 hours a
day, and recorded means an unknown number of hours, but a recorded date of more than 23 hours a
day counts as 24 (the field's top, so that any limit a trial sets on mask use, from "more than
22 hours" down, excludes the patient), unless a tracheostomy is recorded: the ventilation is then
no longer by mask, and the hours are unknown. A value the record does not hold is None.
"""

from __future__ import annotations

from datetime import date

from cellpath.accounts.audit import record_view
from cellpath.accounts.models import User
from cellpath.care.measurements import alsfrs_r_total_shown, fvc_percents
from cellpath.care.models import AlsfrsR, Medication, Patient, Spirometry, TreatmentCourse, Weight
from cellpath.care.queries.entry import age_years
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH, merged_items, sex_word
from cellpath.screening import Profile

FULL_TIME_NIV_HOURS = 24.0
"""Hours a day of non-invasive ventilation from its date of more than 23 hours a day."""


def _months(start: date | None, today: date) -> float | None:
    return round((today - start).days / DAYS_PER_MONTH, 1) if start else None


def _niv_hours(patient: Patient) -> float | None:
    if patient.niv_full_time_date and patient.tracheostomy_date is None:
        return FULL_TIME_NIV_HOURS
    return None if patient.niv_date or patient.niv_full_time_date else 0


def record_profile(*, user: User, patient: Patient, today: date) -> Profile:
    """The profile of `patient`'s record (which the caller has already opened for `user`)."""
    record_view(user, patient)
    facts: dict[str, object] = {
        "age_years": age_years(patient, today),
        "sex": sex_word(patient.sex),
        "months_since_symptom_onset": _months(patient.onset_date, today),
        "months_since_diagnosis": _months(patient.diagnosis_date, today),
        "el_escorial": patient.el_escorial or None,
        "sod1_mutation": patient.sod1,
        "c9orf72": patient.c9orf72,
        "tracheostomy": patient.tracheostomy_date is not None,
        "gastrostomy": patient.gastrostomy_date is not None,
        "niv_hours_per_day": _niv_hours(patient),
        "prior_stem_cell_therapy": True
        if TreatmentCourse.objects.filter(patient=patient).exists()
        else None,
    }
    latest = AlsfrsR.objects.filter(patient=patient).order_by("-assessed_on").first()
    if latest is not None:
        facts["alsfrs_r_items"] = merged_items(latest.items())
        facts["alsfrs_r_total"] = alsfrs_r_total_shown(latest)
    spirometry = Spirometry.objects.filter(patient=patient).order_by("-measured_on").first()
    if spirometry is not None:
        percent = fvc_percents(patient, [spirometry])[0].percent
        if percent is not None:
            facts["vc_percent_predicted"] = round(percent, 1)
            facts["vc_measure"] = "FVC"
    current = Medication.objects.filter(patient=patient, stopped_on__isnull=True)
    riluzole = [m for m in current if m.drug == Medication.Drug.RILUZOLE]
    facts["riluzole"] = bool(riluzole)
    facts["edaravone"] = any(m.drug == Medication.Drug.EDARAVONE for m in current)
    if riluzole and riluzole[0].started_on:
        facts["riluzole_stable_days"] = (today - riluzole[0].started_on).days
    weight = Weight.objects.filter(patient=patient).order_by("-measured_on").first()
    if weight is not None and patient.height_cm:
        metres = float(patient.height_cm) / 100
        facts["bmi"] = round(float(weight.kg) / (metres * metres), 1)
    return Profile(**facts)  # type: ignore[arg-type]
