"""The figures of stored measurements, computed by ``cellpath.outcomes`` whenever they are shown.

Neither figure is stored. Every page and export of care takes them from here, so that each is
computed one way: the ALSFRS-R total by ``outcomes.alsfrs_r_total`` (Cedarbaum 1999), FVC %
predicted by ``outcomes.spirometry.fvc_percent_predicted`` (the recorded equation, else a %
entered from a report, else a reason; GLI-2012, Quanjer 2012; NHANES III, Hankinson 1999).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cellpath.care.models import AlsfrsR, Patient
from cellpath.outcomes.alsfrs import InvalidAlsfrsError, alsfrs_r_total
from cellpath.outcomes.spirometry import FvcPercentPredicted, fvc_percent_predicted

__all__ = ["alsfrs_r_total_shown", "fvc_percents"]


def alsfrs_r_total_shown(assessment: AlsfrsR) -> int | None:
    """The total to show beside a stored ALSFRS-R, or None ("not computable") when the engine
    refuses the record; the models let no such record in, so None means damaged data."""
    try:
        return alsfrs_r_total(assessment.items())
    except InvalidAlsfrsError:
        return None


def fvc_percents(patient: Patient, measurements: Iterable[Any]) -> list[FvcPercentPredicted]:
    """FVC % predicted of each of ``patient``'s spirometry rows (model instances or named rows
    with ``measured_on``, ``fvc_litres``, ``fvc_percent_entered`` and ``equation``)."""
    person = {
        "birth_date": patient.date_of_birth,
        "height_cm": patient.height_cm,
        "sex": patient.sex,
    }
    rows = [
        {
            "measured_on": m.measured_on,
            "fvc_litres": m.fvc_litres,
            "fvc_percent_entered": m.fvc_percent_entered,
            "equation": m.equation,
        }
        for m in measurements
    ]
    return fvc_percent_predicted(person, rows)
