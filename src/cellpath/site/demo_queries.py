"""Data-quality queries planted in the demo on purpose, so that a coordinator's queue shows what
the rules catch: the three cases issue 18 found by hand. Everything else the demo generates
passes the rules (tests/site/test_demo.py runs them over the whole demo).

Each plant is an ordinary entry through the care services, as a busy clinic would make it: the
rules accept it (it is possible) and open a query (it is unusual)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from cellpath.accounts.audit import Actor
from cellpath.accounts.models import Site
from cellpath.care import services
from cellpath.care.models import AlsfrsR, DataQuery, Patient, Spirometry

GASTROSTOMY_LATE = timedelta(days=30)

PLANTED = {
    "feeding_tube": "the gastrostomy recorded a month after the ALSFRS-R first shows a tube",
    "ventilation": "a self-report answering BiPAP use, with no NIV date on the record",
    "fvc_percent": "FVC 165 % of predicted copied from a report",
}
"""The rules the demo plants a query for, and what it plants."""


def _living(site: Site, today: date) -> list[Patient]:
    return [
        p
        for p in Patient.objects.filter(site=site, user__isnull=True).order_by("study_id")
        if p.death_date is None and p.alsfrs.exists()
    ]


def plant(sites: dict[str, Site], *, actor: Actor, today: date) -> dict[str, str]:
    """Plant each query once (loading the demo again plants nothing); the study ID per rule."""
    if DataQuery.objects.filter(rule__in=PLANTED, patient__site__in=sites.values()).exists():
        return {}
    planted: dict[str, str] = {}
    for patient in Patient.objects.filter(
        site=sites["riv"], user__isnull=True, gastrostomy_date__isnull=False
    ).order_by("study_id"):
        late = patient.gastrostomy_date + GASTROSTOMY_LATE
        if late <= today and (patient.death_date is None or late <= patient.death_date):
            services.patient_update(actor=actor, patient=patient, gastrostomy_date=late)
            planted["feeding_tube"] = patient.study_id
            break
    for patient in _living(sites["riv"], today):
        last = AlsfrsR.objects.filter(patient=patient).order_by("-assessed_on").first()
        day = today - timedelta(days=7)
        if patient.niv_date or patient.tracheostomy_date or last.assessed_on >= day:
            continue
        services.alsfrs_r_record(
            actor=actor,
            patient=patient,
            assessed_on=day,
            respondent="self",
            items={**last.items(), "q12": 3},
        )
        planted["ventilation"] = patient.study_id
        break
    for patient in _living(sites["nfd"], today):
        day = AlsfrsR.objects.filter(patient=patient).order_by("-assessed_on")[0].assessed_on
        if Spirometry.objects.filter(patient=patient, measured_on=day).exists():
            continue
        services.spirometry_record(
            actor=actor, patient=patient, measured_on=day, fvc_percent_entered=Decimal(165)
        )
        planted["fvc_percent"] = patient.study_id
        break
    return planted
