"""The engine's own sentences: every ``Reason`` code in English, in one place.

These are the words of a tool for registries and researchers: terse, with the input's column
names (``onset_date``, ``q5a``) and ISO dates. The ``cellpath outcomes`` CLI prints them
(``FILE:LINE: sentence``, and the ``reason`` column of ``rejects.csv``) and the engine's
exceptions carry them; a page for patients or staff words the codes itself (for example
``cellpath.care.progression.wording``).

``SENTENCES`` maps each code to a ``str.format`` template of its parameters; a tuple parameter
with a format spec is joined with it as the separator (``{inputs:, }``). The ``visit`` and
``measure`` parameters, which say where, become a prefix (``visit 2: …``, ``FVC: …``).
"""

from __future__ import annotations

import string
from typing import Any

from cellpath.outcomes.reasons import Reason

__all__ = ["SENTENCES", "describe"]

SENTENCES: dict[str, str] = {
    # --- an ALSFRS-R record (alsfrs; Cedarbaum 1999): item, value
    "original_alsfrs": (
        "this is an original ALSFRS record (10 items, total 0-40); it is not rescaled to "
        "ALSFRS-R (0-48)"
    ),
    "item_invalid": "{item}: {value!r} is not an integer 0-4",
    "item_missing": "{item}: missing (every ALSFRS-R item is required)",
    "item5_both": "both q5a and q5b are scored (exactly one is allowed)",
    "item5_neither": "neither q5a nor q5b is scored (exactly one is required)",
    # --- item arrays (alsfrs): scale ("ALSFRS-R" or "ALSFRS"), n_items, shape, dtype
    "array_shape": "{scale} needs {n_items} items on the last axis, got {shape}",
    "array_original_alsfrs": (
        "ALSFRS-R needs 12 items on the last axis, got {shape} (10 items is the original "
        "ALSFRS: use alsfrs_total, it is never rescaled)"
    ),
    "array_dtype": "{scale} items must be integers, got dtype {dtype}",
    "array_out_of_range": "{scale} items must be 0-4",
    # --- rows of the patients and visits tables (cohort): column, value, dates
    "required": "{column}: required",
    "duplicate_patient_id": "duplicate patient_id {patient_id!r}",
    "unknown_patient": "unknown patient {patient_id!r}",
    "date_before": "{column} {date} is before {other} {other_date}",
    "date_after": "{column} {date} is after {other} {other_date}",
    "not_one_of": "{column}: {value!r} is not one of {allowed:|}",
    "not_binary": "{column}: {value:g} is not 0 or 1",
    "outside_range": "{column}: {value:g} is outside ({low:g}, {high:g}]",
    "item_not_integer": "{item}: not an integer",
    "item_out_of_range": "{item}: {value} is out of range 0-4",
    "duplicate_visit": "duplicate visit: this patient already has a visit on {visit_date}",
    # --- a figure left undefined for one patient (patient)
    "no_visits": "no visits",
    "first_visit_at_onset": "first visit on the onset date: no elapsed time",
    "too_few_visits": "fewer than {needed} visits",
    "missing_inputs": "missing {model} input: {inputs:, }",
    "encals_outside_domain": "an ENCALS input is outside its domain (delay, age, FVC > 0)",
    "no_treatment_date": "no treatment date",
    "no_baseline_visit": "no visit on or before treatment",
    "run_in_too_short": "first visit and baseline less than {min_months:g} month apart",
    "no_post_visit": (
        "no visit after treatment within {target_months:g} months ± {window_days:g} days"
    ),
    # --- responder rules (response)
    "slope_missing": "pre- or post-treatment slope missing",
    "no_run_in_decline": (
        "pre-treatment slope is not negative (no decline in the run-in): % improvement is undefined"
    ),
    # --- FVC % predicted (spirometry)
    "no_fvc_litres": "no FVC in litres",
    "outside_reference_ages": "age {age:.1f} is outside the ages the {equation} equation covers",
}

# Two entry points published a sentence of their own for a condition before the codes existed;
# they keep it word for word, so that their messages do not change.
_PUBLISHED: dict[tuple[str, str], str] = {
    ("merge_item5", "item5_both"): "both of q5a and q5b scored (exactly one is required)",
    ("merge_item5", "item5_neither"): "neither of q5a and q5b scored (exactly one is required)",
    ("patient_outcomes", "duplicate_visit"): "duplicate visit on {visit_date}",
}


class _Formatter(string.Formatter):
    """``str.format`` that joins a tuple with the separator given as its format spec."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, tuple) and format_spec:
            return format_spec.join(str(v) for v in value)
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def describe(reason: Reason, *, entry: str | None = None) -> str:
    """The engine's sentence for ``reason``.

    ``entry`` names the function whose message is being written, for the few that published
    their own sentence (``merge_item5``, ``patient_outcomes``).

    >>> describe(Reason("too_few_visits", {"needed": 2, "found": 1}))
    'fewer than 2 visits'
    >>> describe(Reason("item_missing", {"item": "q7", "visit": 3}))
    'visit 3: q7: missing (every ALSFRS-R item is required)'
    """
    params = reason.params
    template = _PUBLISHED.get((entry or "", reason.code)) or SENTENCES[reason.code]
    if any(isinstance(v, tuple) for v in params.values()):
        text = _FORMATTER.format(template, **params)
    else:
        text = template.format(**params)
    if "measure" in params:
        text = f"{params['measure']}: {text}"
    if "visit" in params:
        text = f"visit {params['visit']}: {text}"
    return text
