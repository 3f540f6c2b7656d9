"""A patient's clinical facts as plain values, for readers outside care (the trial matcher).

Other apps never reach into care's models: they receive this dictionary, built from the latest
measurements, and the read is audited as a view of the record. Keys and meanings:

``age_years``, ``sex`` ("female"/"male"), ``months_since_onset``, ``months_since_diagnosis``,
``el_escorial``, ``alsfrs_r_total`` and ``alsfrs_r_items`` ({1..12: score}, item 5 from 5a or 5b)
of the latest ALSFRS-R with ``alsfrs_r_on``, ``fvc_percent_predicted`` of the latest spirometry
with ``fvc_on``, ``riluzole``/``edaravone`` (taken now) and ``riluzole_days`` (days since the
current course began), ``tracheostomy``, ``gastrostomy``, ``niv`` (dates recorded, as yes/no),
``sod1``, ``c9orf72`` (None when not tested), ``prior_cell_therapy`` (a course recorded here),
``bmi`` (latest weight and the height). A value the record does not hold is None.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cellpath.accounts.audit import record_view
from cellpath.accounts.models import User
from cellpath.care.measurements import alsfrs_r_total_shown, fvc_percents
from cellpath.care.models import AlsfrsR, Medication, Patient, Spirometry, TreatmentCourse, Weight
from cellpath.care.queries.entry import age_years
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH, merged_items, sex_word


def _months(start: date | None, today: date) -> float | None:
    return round((today - start).days / DAYS_PER_MONTH, 1) if start else None


def clinical_facts(*, user: User, patient: Patient, today: date) -> dict[str, Any]:
    """The facts of `patient`'s record (which the caller has already opened for `user`)."""
    record_view(user, patient)
    facts: dict[str, Any] = {
        "age_years": age_years(patient, today),
        "sex": sex_word(patient.sex),
        "months_since_onset": _months(patient.onset_date, today),
        "months_since_diagnosis": _months(patient.diagnosis_date, today),
        "el_escorial": patient.el_escorial or None,
        "sod1": patient.sod1,
        "c9orf72": patient.c9orf72,
        "tracheostomy": patient.tracheostomy_date is not None,
        "gastrostomy": patient.gastrostomy_date is not None,
        "niv": patient.niv_date is not None,
        "prior_cell_therapy": TreatmentCourse.objects.filter(patient=patient).exists(),
    }
    latest = AlsfrsR.objects.filter(patient=patient).order_by("-assessed_on").first()
    if latest is not None:
        facts["alsfrs_r_items"] = merged_items(latest.items())
        facts["alsfrs_r_total"] = alsfrs_r_total_shown(latest)
        facts["alsfrs_r_on"] = latest.assessed_on
    spirometry = Spirometry.objects.filter(patient=patient).order_by("-measured_on").first()
    if spirometry is not None:
        percent = fvc_percents(patient, [spirometry])[0].percent
        facts["fvc_percent_predicted"] = round(percent, 1) if percent is not None else None
        facts["fvc_on"] = spirometry.measured_on
    current = Medication.objects.filter(patient=patient, stopped_on__isnull=True)
    for drug in (Medication.Drug.RILUZOLE, Medication.Drug.EDARAVONE):
        taking = [m for m in current if m.drug == drug]
        facts[str(drug)] = bool(taking)
        if drug == Medication.Drug.RILUZOLE and taking and taking[0].started_on:
            facts["riluzole_days"] = (today - taking[0].started_on).days
    weight = Weight.objects.filter(patient=patient).order_by("-measured_on").first()
    if weight is not None and patient.height_cm:
        metres = float(patient.height_cm) / 100
        facts["bmi"] = round(float(weight.kg) / (metres * metres), 1)
    return facts
