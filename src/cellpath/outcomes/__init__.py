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

The names below load their module when first used (PEP 562), so that a program needing only the
clinical vocabulary (``outcomes.vocabulary``), such as the trial reader, does not load NumPy and
the spirometry tables.
"""

from importlib import import_module

_EXPORTS = {
    "AlsfrsRScore": "alsfrs",
    "Instrument": "alsfrs",
    "InvalidAlsfrsError": "alsfrs",
    "alsfrs_r_problems": "alsfrs",
    "alsfrs_r_reasons": "alsfrs",
    "alsfrs_r_total": "alsfrs",
    "alsfrs_total": "alsfrs",
    "domain_subscores": "alsfrs",
    "recognise_instrument": "alsfrs",
    "score_alsfrs_r": "alsfrs",
    "CohortInputError": "cohort",
    "CohortOutcomes": "cohort",
    "compute": "cohort",
    "InvalidPatientError": "patient",
    "PatientOutcomes": "patient",
    "patient_outcomes": "patient",
    "delta_fs": "progression",
    "months_between": "progression",
    "ols_slope": "progression",
    "two_point_slope": "progression",
    "Reason": "reasons",
    "nurown_responder": "response",
    "oh_tier": "response",
    "petrou_responder": "response",
    "FvcPercentPredicted": "spirometry",
    "fvc_percent_predicted": "spirometry",
    "gli2012_fvc_percent_predicted": "spirometry",
    "nhanes3_fvc_percent_predicted": "spirometry",
    "KINGS_LABELS": "staging",
    "kings_stage": "staging",
    "mitos_stage": "staging",
    "encals_linear_predictor": "survival",
    "encals_log_survival": "survival",
    "encals_median_survival": "survival",
    "encals_survival": "survival",
    "tricals_linear_predictor": "survival",
    "describe": "wording",
}
"""Each public name and the module of the engine that defines it."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return [*globals(), *_EXPORTS]
