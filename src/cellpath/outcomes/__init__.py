"""Cellpath outcomes engine: ALSFRS-R scoring, staging, progression, survival and responders.

Pure Python + NumPy (no Django, no I/O). Every rule cites its source in its docstring; the
domain reference is ``shared/design/als-measures.md``.

Entry points:

* one visit: ``score_alsfrs_r(record)``, ``kings_stage(items, gastrostomy)``,
  ``mitos_stage(items)``;
* one patient: ``patient_outcomes(patient, visits)`` → ``PatientOutcomes``;
* a whole registry: ``compute(patients, visits)`` → ``CohortOutcomes`` (arrays in, arrays out);
* models: ``encals_linear_predictor``, ``encals_survival``, ``encals_median_survival``,
  ``tricals_linear_predictor``; responders: ``petrou_responder``, ``nurown_responder``,
  ``oh_tier``; spirometry: ``gli2012_fvc_percent_predicted``, ``nhanes3_fvc_percent_predicted``,
  and ``fvc_percent_predicted`` for a person's recorded measurements.

The engine returns no English: what it refuses, leaves undefined or qualifies comes as a
``Reason`` (a code with parameters), and ``wording.describe`` gives its sentence.
"""

from cellpath.outcomes.alsfrs import (
    AlsfrsRScore,
    Instrument,
    InvalidAlsfrsError,
    alsfrs_r_problems,
    alsfrs_r_reasons,
    alsfrs_r_total,
    alsfrs_total,
    domain_subscores,
    recognise_instrument,
    score_alsfrs_r,
)
from cellpath.outcomes.cohort import CohortInputError, CohortOutcomes, compute
from cellpath.outcomes.patient import InvalidPatientError, PatientOutcomes, patient_outcomes
from cellpath.outcomes.progression import delta_fs, months_between, ols_slope, two_point_slope
from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.response import nurown_responder, oh_tier, petrou_responder
from cellpath.outcomes.spirometry import (
    FvcPercentPredicted,
    fvc_percent_predicted,
    gli2012_fvc_percent_predicted,
    nhanes3_fvc_percent_predicted,
)
from cellpath.outcomes.staging import KINGS_LABELS, kings_stage, mitos_stage
from cellpath.outcomes.survival import (
    encals_linear_predictor,
    encals_median_survival,
    encals_survival,
    tricals_linear_predictor,
)
from cellpath.outcomes.wording import describe

__all__ = [
    "KINGS_LABELS",
    "AlsfrsRScore",
    "CohortInputError",
    "CohortOutcomes",
    "FvcPercentPredicted",
    "Instrument",
    "InvalidAlsfrsError",
    "InvalidPatientError",
    "PatientOutcomes",
    "Reason",
    "alsfrs_r_problems",
    "alsfrs_r_reasons",
    "alsfrs_r_total",
    "alsfrs_total",
    "compute",
    "delta_fs",
    "describe",
    "domain_subscores",
    "encals_linear_predictor",
    "encals_median_survival",
    "encals_survival",
    "fvc_percent_predicted",
    "gli2012_fvc_percent_predicted",
    "kings_stage",
    "mitos_stage",
    "months_between",
    "nhanes3_fvc_percent_predicted",
    "nurown_responder",
    "oh_tier",
    "ols_slope",
    "patient_outcomes",
    "petrou_responder",
    "recognise_instrument",
    "score_alsfrs_r",
    "tricals_linear_predictor",
    "two_point_slope",
]
