"""Screening in plain words: outcome and verdict labels, criteria described, reasons explained.

Two voices speak the engine's structured reasons: a programme's pre-screen (``PROGRAMME``:
"You said 80 years; this programme takes people aged between 18 and 75 years.") and trial
matching (``TRIAL``: "You told us: 80 years. The trial asks for Age at most 75 years."). A
programme describes a criterion as what passes (an exclusion is turned around: "No
tracheostomy"); a trial page shows it as written, beside "rules out" or "must be true".
Nothing here decides anything.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from cellpath.outcomes.vocabulary import ALSFRS_R_NUMBERS
from cellpath.screening.profile import CHOICE, FIELDS, YES_NO, Field, fmt, fmt_answer, range_text

__all__ = [
    "OUTCOME_LABELS",
    "PROGRAMME",
    "TRIAL",
    "VERDICT_LABELS",
    "describe",
    "field_name",
    "fmt",
    "range_text",
    "reason",
]

PROGRAMME, TRIAL = "programme", "trial"

OUTCOME_LABELS = {
    "meets": "Meets",
    "does_not_meet": "Does not meet",
    "unknown": "Not answered yet",
    "to_discuss": "Ask the trial team",
}
VERDICT_LABELS = {
    "likely_eligible": "Likely eligible",
    "likely_not_eligible": "Likely not eligible",
    "need_more_information": "We need more information",
}
_OP_WORDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than",
             "==": "equal to", "in": "one of", "not_in": "not one of"}  # fmt: skip
_NEGATED = {">=": "<", "<": ">=", "<=": ">", ">": "<=", "in": "not_in", "not_in": "in",
            "present": "absent", "absent": "present"}  # fmt: skip
#: How the trial reader writes units, in words.
_UNITS = {"%": "% of predicted", "points/month": "points a month", "hours/day": "hours a day",
          "kg/m2": "kg/m²"}  # fmt: skip


def _lower_first(label: str) -> str:
    """Lower-case "Feeding tube" to "feeding tube"; an acronym ("ALSFRS-R total") stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _choice_label(definition: Field, value: object) -> str:
    return dict(definition.choices).get(value, str(value))  # type: ignore[call-overload]


def _unit(criterion: Any, definition: Field | None) -> str:
    """The criterion's own unit, else (when given) the field's."""
    unit = criterion.unit or (definition.unit if definition else "")
    return f" {_UNITS.get(unit, unit)}" if unit else ""


def field_name(criterion: Any) -> str:
    """What a criterion is about, e.g. "ALSFRS-R item 3 (swallowing)", "FVC", "Age"."""
    definition = FIELDS.get(criterion.field)
    name = definition.label if definition else "Other"
    if criterion.field == "riluzole_stable_days" and criterion.op in ("present", "absent"):
        name = "Taking riluzole"
    if criterion.field == "alsfrs_r_item" and criterion.item:
        item = ALSFRS_R_NUMBERS.get(criterion.item)
        name = f"ALSFRS-R item {criterion.item} ({item.plain if item else 'item'})"
    if criterion.field == "vc_percent_predicted" and criterion.measure in ("FVC", "SVC"):
        name = criterion.measure
    return name


# --- Describing a criterion ---------------------------------------------------------------------


def describe(criterion: Any, voice: str = PROGRAMME) -> str:
    """The criterion in words. A programme states what passes ("Age between 18 and 75 years",
    "No tracheostomy", "El Escorial category one of: Definite, Probable"); a trial states the
    rule as written ("Tracheostomy: yes", "ALSFRS-R total at least 25 points")."""
    if voice == TRIAL:
        return _describe_as_written(criterion)
    definition = FIELDS.get(criterion.field)
    if definition is None or criterion.problems():
        return f"{criterion.field} {_OP_WORDS.get(criterion.op, criterion.op)} " \
               f"{criterion.value!r} (not valid)"  # fmt: skip
    op, negated = criterion.op, criterion.section == "exclusion"
    if negated and op in _NEGATED:
        op, negated = _NEGATED[op], False
    suffix = " (if known)" if criterion.when_known else ""
    name = field_name(criterion)
    if op in ("present", "absent"):
        return f"{name}: yes{suffix}" if op == "present" else f"No {_lower_first(name)}{suffix}"
    not_ = "not " if negated else ""
    return f"{name} {not_}{_comparison(criterion, op, lists=True)}{suffix}"


def _shown(criterion: Any, value: Any, *, answer: bool = False) -> str:
    """A value in a trial's words: "yes", "probable, laboratory-supported", "25 points";
    a person's `answer` as `fmt_answer` shows it (an age in whole years)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    definition = FIELDS.get(criterion.field)
    if definition is not None and definition.kind == CHOICE:
        return _choice_label(definition, value).lower()
    shown = fmt_answer(criterion.field, value) if answer else fmt(value)
    return f"{shown}{_unit(criterion, None)}"


def _describe_as_written(criterion: Any) -> str:
    op, value = criterion.op, criterion.value
    name = field_name(criterion)
    if op in ("present", "absent"):
        return f"{name}: {'yes' if op == 'present' else 'no'}"
    if op in ("in", "not_in"):
        listed = ", ".join(_shown(criterion, v) for v in value or [])
        return f"{name}: {'not ' if op == 'not_in' else ''}{listed}"
    if op == "==":
        return f"{name}: {_shown(criterion, value)}"
    unit = _unit(criterion, None)  # as the trial wrote it
    if op == "between":
        return f"{name} between {fmt(value[0])} and {fmt(value[1])}{unit}"
    return f"{name} {_OP_WORDS.get(op, op)} {fmt(value)}{unit}"


def _comparison(criterion: Any, op: str, *, lists: bool = False) -> str:
    """The comparison in words: "between 18 and 75 years", "“Definite” or “Probable”".
    `lists` gives the compact form of choices used by describe()."""
    definition = FIELDS[criterion.field]
    value = criterion.value
    if definition.kind != CHOICE:
        unit = _unit(criterion, definition)
        if op == "between":
            low, high = value
            return f"between {fmt(low)} and {fmt(high)}{unit}"
        return f"{_OP_WORDS[op]} {fmt(value)}{unit}"
    values = list(value) if isinstance(value, list | tuple) else [value]
    labels = [_choice_label(definition, v) for v in values]
    if lists:
        if op == "==":
            return f"equal to {labels[0]}"
        return f"{_OP_WORDS[op]}: {', '.join(labels)}"
    quoted = [f"“{label}”" for label in labels]
    either = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"not {either}" if op == "not_in" else either


# --- Explaining an outcome ----------------------------------------------------------------------


def _implied(params: Any) -> str:
    """What other answers imply, e.g. "diagnosed 30 months ago, so first symptoms at least as
    long ago"."""
    rule = params["rule"]
    if rule == "onset_from_diagnosis":
        return f"diagnosed {fmt(params['months'])} months ago, so first symptoms at least as " \
               "long ago"  # fmt: skip
    if rule == "diagnosis_from_onset":
        return f"first symptoms {fmt(params['months'])} months ago, so diagnosed at most as " \
               "long ago"  # fmt: skip
    if rule == "pregnancy_not_asked":
        if params.get("sex") == "male":
            return "a man, so pregnancy does not apply"
        return "a woman aged 60 or over, so we do not ask about pregnancy"
    if rule == "item_from_total":
        return f"ALSFRS-R total {params['total']}, so each item {params['low']} to " \
               f"{params['high']}"  # fmt: skip
    return "you do not take riluzole, and this rule is for people who do"


def reason(criterion: Any, outcome: str, why: Any, voice: str = PROGRAMME) -> str:
    """The reason for one outcome, in `voice`."""
    if voice == TRIAL:
        return _trial_reason(criterion, outcome, why)
    return _programme_reason(criterion, outcome, why)


def _trial_reason(criterion: Any, outcome: str, why: Any) -> str:
    if why.code in ("to_discuss", "invalid"):
        return "The trial team will check this."
    if outcome == "unknown":
        if why.code == "not_comparable":
            return "We could not compare your answer."
        return "You have not told us this yet."
    if why.code == "implied":
        yours = f"From what you told us: {_implied(why.params)}."
    else:
        yours = f"You told us: {_shown(criterion, why.params['value'], answer=True)}."
        if "measured" in why.params:
            yours += f" (your {why.params['measured']}; the trial measures {criterion.measure})"
    if criterion.section == "exclusion":
        return f"{yours} The trial excludes this." if outcome == "does_not_meet" else yours
    if outcome == "meets":
        return yours
    return f"{yours} The trial asks for {_describe_as_written(criterion)}."


class _Wording(NamedTuple):
    """How a programme's reasons speak about a field. `subject` follows "You have not told us";
    `people` follows "this programme takes people" ({cmp} is the comparison); for yes/no fields
    `yes` and `no` are what the person said, starting with "you"."""

    subject: str
    people: str = ""
    yes: str = ""
    no: str = ""


def _yn(yes: str, no: str) -> _Wording:
    return _Wording(f"whether {yes}", yes=yes, no=no)


_WORDING: dict[str, _Wording] = {
    "age_years": _Wording("your age", "aged {cmp}"),
    "sex": _Wording("your sex", "whose sex is {cmp}"),
    "months_since_symptom_onset": _Wording(
        "when your first symptoms started", "whose first symptoms started {cmp} ago"
    ),
    "months_since_diagnosis": _Wording("when you were diagnosed", "diagnosed {cmp} ago"),
    "alsfrs_r_total": _Wording("your ALSFRS-R total", "with an ALSFRS-R total of {cmp}"),
    "alsfrs_r_item": _Wording("your ALSFRS-R answers", "with an ALSFRS-R item score of {cmp}"),
    "alsfrs_r_slope_per_month": _Wording(
        "how fast your ALSFRS-R total changes", "who lose {cmp} on the ALSFRS-R"
    ),
    "alsfrs_r_decline_points": _Wording(
        "how many ALSFRS-R points you have lost", "who have lost {cmp} on the ALSFRS-R"
    ),
    "vc_percent_predicted": _Wording("your FVC", "with an FVC of {cmp}"),
    "el_escorial": _Wording("your El Escorial category", "whose El Escorial category is {cmp}"),
    "niv_hours_per_day": _Wording(
        "how many hours a day you use a breathing mask", "who use a breathing mask {cmp}"
    ),
    "riluzole_stable_days": _Wording(
        "how long you have taken the same dose of riluzole",
        "who have taken the same dose of riluzole for {cmp}",
    ),
    "platelets": _Wording("your platelet count", "with a platelet count of {cmp}"),
    "bmi": _Wording("your body-mass index", "with a body-mass index of {cmp}"),
    "tracheostomy": _yn("you have a tracheostomy", "you do not have a tracheostomy"),
    "invasive_ventilation": _yn(
        "you use invasive ventilation", "you do not use invasive ventilation"
    ),
    "gastrostomy": _yn("you have a feeding tube", "you do not have a feeding tube"),
    "riluzole": _yn("you take riluzole", "you do not take riluzole"),
    "edaravone": _yn("you take edaravone", "you do not take edaravone"),
    "anticoagulants": _yn("you take a blood thinner", "you do not take a blood thinner"),
    "prior_stem_cell_therapy": _yn(
        "you have had a stem-cell treatment before", "you have not had a stem-cell treatment"
    ),
    "pregnancy": _yn("you are pregnant or breastfeeding", "you are not pregnant or breastfeeding"),
    "active_cancer": _yn("you have active cancer", "you do not have active cancer"),
    "bone_marrow_disorder": _yn(
        "you have a bone-marrow disorder", "you do not have a bone-marrow disorder"
    ),
    "clotting_disorder": _yn("you have a clotting disorder", "you do not have a clotting disorder"),
    "active_severe_infection": _yn(
        "you have a severe infection", "you do not have a severe infection"
    ),
    "sod1_mutation": _yn("you have a SOD1 gene change", "you do not have a SOD1 gene change"),
    "c9orf72": _yn("you have a C9orf72 gene change", "you do not have a C9orf72 gene change"),
}


def _wording(definition: Field) -> _Wording:
    """The field's wording; a field added to the catalogue without one still reads sensibly."""
    if definition.key in _WORDING:
        return _WORDING[definition.key]
    label = _lower_first(definition.label)
    yes = f"you answered yes to “{definition.question}”"
    no = f"you answered no to “{definition.question}”"
    return _Wording(f"your answer to “{definition.question}”", f"with {label} {{cmp}}", yes, no)


def _said(definition: Field, criterion: Any, answer: object, wording: _Wording) -> str:
    """What the person said, after "you said": "80 years", "“Possible”", "you take …"."""
    if definition.kind == CHOICE:
        return f"“{_choice_label(definition, answer)}”"
    if definition.kind == YES_NO or isinstance(answer, bool):
        return wording.yes if answer else wording.no
    return f"{fmt_answer(criterion.field, answer)}{_unit(criterion, definition)}"


def _people_who(phrase: str) -> str:
    return "people who " + phrase.removeprefix("you ")


def _programme_reason(criterion: Any, outcome: str, why: Any) -> str:
    if why.code == "invalid":
        return "We could not check this automatically; a coordinator will check it."
    if why.code == "to_discuss":
        return "A coordinator will check this."
    definition = FIELDS[criterion.field]
    wording = _wording(definition)
    if why.code == "unreadable":
        return f"We could not read your answer about {wording.subject}. {why.params['error']}"
    if why.code == "not_comparable":
        return f"We could not compare your answer about {wording.subject}."
    if why.code == "not_answered":
        text = f"You have not told us {wording.subject} yet."
        if criterion.when_known:
            text += " That is fine: this is checked only if you know it."
        return text
    excluded = criterion.section == "exclusion"
    holds = (outcome == "does_not_meet") if excluded else (outcome == "meets")
    if why.code == "implied":
        said = f"From what you told us: {_implied(why.params)}"
        prefix = "Excluded: " + said[0].lower() + said[1:] if excluded and holds else said
    else:
        said = "you said " + _said(definition, criterion, why.params["value"], wording)
        prefix = ("Excluded: " if excluded and holds else "") + said
        prefix = prefix[0].upper() + prefix[1:]
    if definition.kind == YES_NO and criterion.op in ("present", "absent"):
        if excluded or holds:
            return f"{prefix}."
        wanted = wording.yes if criterion.op == "present" else wording.no
        return f"{prefix}; this programme takes only {_people_who(wanted)}."
    if criterion.op in ("present", "absent"):  # a number asked as "any or none"
        wanted = "any" if criterion.op == "present" else "none"
        who = wording.people.format(cmp=wanted)
        verb = "does not take" if excluded else "takes"
        return f"{prefix}; this programme {verb} people {who}."
    who = wording.people.format(cmp=_comparison(criterion, criterion.op))
    if excluded:
        if criterion.op == "not_in":  # "does not take … whose category is not …" is hard to read
            who = wording.people.format(cmp=_comparison(criterion, "in"))
            return f"{prefix}; this programme takes only people {who}."
        return f"{prefix}; this programme does not take people {who}."
    return f"{prefix}; this programme takes people {who}."
