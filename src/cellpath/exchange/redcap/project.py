"""The REDCap project Cellpath exports: its instruments (forms), fields, events and arms.

One definition serves the data dictionary, the record columns and the mapping file, so the three
always describe the same project. Field names follow REDCap's variable-name rule (lower-case
letters, digits and `_`, starting with a letter) and stay within 26 characters, the length
REDCap recommends. Names, e-mail addresses and telephone numbers are never part of it: records
are keyed by the study ID.

Longitudinal layout (one arm):

- `enrolment_arm_1`: the `enrolment` instrument (baseline facts) and the repeating instruments
  `adverse_events` and `doses`.
- one event per time point of the follow-up plans (`baseline_arm_1`, `week_2_arm_1`,
  `month_6_arm_1`, …), holding `visit`, `alsfrs_r`, `spirometry` and `weight`. Visits of the
  patient's first course (or not tied to a course) go there.
- `unscheduled_arm_1`, a repeating event with the same instruments, for everything else: visits
  of a second or later course (their plan label and course number are kept in `visit_label` and
  `visit_course`), a second assessment linked to an already used event, and assessments not
  linked to any visit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cellpath.care.models import AdverseEvent
from cellpath.care.models.assessments import Expectedness, Relatedness, Respondent
from cellpath.care.plans import STANDARD_TIMEPOINTS
from cellpath.care.safety import SERIOUSNESS_CRITERIA
from cellpath.outcomes.alsfrs_questions import QUESTIONS
from cellpath.outcomes.products import ROUTES
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, EL_ESCORIAL, FVC_EQUATIONS, ONSET_SITES

VARIABLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,25}")
"""REDCap's variable-name rule, within the 26 characters REDCap recommends."""

DICTIONARY_HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)

RECORD_COLUMNS = (
    "record_id",
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "redcap_data_access_group",
)
"""REDCap's own columns of a flat record export, before the fields."""

ARM = 1
ENROLMENT_EVENT = f"enrolment_arm_{ARM}"
UNSCHEDULED_EVENT = f"unscheduled_arm_{ARM}"


@dataclass(frozen=True)
class Field:
    """One REDCap field. `choices` are (REDCap code, label); `codes` maps a REDCap code to
    Cellpath's when they differ (a `choice` row of the mapping file). `target` is where the
    importer puts the value (`ignore`: known, deliberately not imported)."""

    name: str
    form: str
    type: str  # text, notes, radio, yesno, calc
    label: str
    target: str
    choices: tuple[tuple[str, str], ...] = ()
    codes: tuple[tuple[str, str], ...] = ()
    validation: str = ""  # date_ymd, integer, number
    minimum: str = ""
    maximum: str = ""
    identifier: bool = False
    branching: str = ""
    note: str = ""
    calculation: str = ""
    section: str = ""

    def dictionary_row(self) -> list[str]:
        if self.type == "calc":
            choices = self.calculation
        else:
            choices = " | ".join(f"{code}, {label}" for code, label in self.choices)
        return [
            self.name,
            self.form,
            self.section,
            self.type,
            self.label,
            choices,
            self.note,
            self.validation,
            self.minimum,
            self.maximum,
            "y" if self.identifier else "",
            self.branching,
            "",
            "",
            "",
            "",
            "",
            "",
        ]


def _numbered(values: list[tuple[str, str]]) -> tuple[tuple[tuple[str, str], ...], tuple]:
    """REDCap codes 1, 2, 3… for Cellpath's text codes: (choices, code map)."""
    choices = tuple((str(i), label) for i, (_, label) in enumerate(values, start=1))
    codes = tuple((str(i), value) for i, (value, _) in enumerate(values, start=1))
    return choices, codes


def _terms(terms: tuple) -> list[tuple[str, str]]:
    return [(t.value, t.label) for t in terms]


def _date(name: str, form: str, label: str, target: str, **kw: object) -> Field:
    return Field(name, form, "text", label, target, validation="date_ymd", **kw)  # type: ignore[arg-type]


def _number(
    name: str, form: str, label: str, target: str, low: str, high: str, *, integer: bool = False
) -> Field:
    validation = "integer" if integer else "number"
    return Field(
        name, form, "text", label, target, validation=validation, minimum=low, maximum=high
    )


def _radio(name: str, form: str, label: str, target: str, values: list[tuple[str, str]]) -> Field:
    choices, codes = _numbered(values)
    return Field(name, form, "radio", label, target, choices=choices, codes=codes)


def _yesno(name: str, form: str, label: str, target: str, **kw: object) -> Field:
    return Field(name, form, "yesno", label, target, **kw)  # type: ignore[arg-type]


SEX_CHOICES = (("1", "Male"), ("2", "Female"))
SEX_CODES = (("1", "M"), ("2", "F"))

ENROLMENT: tuple[Field, ...] = (
    Field("record_id", "enrolment", "text", "Study ID", "record", note="Cellpath's study ID"),
    Field("sex", "enrolment", "radio", "Sex", "patient.sex", choices=SEX_CHOICES, codes=SEX_CODES),
    _date("date_of_birth", "enrolment", "Date of birth", "patient.date_of_birth", identifier=True),
    _date("onset_date", "enrolment", "Date of the first symptom", "patient.onset_date"),
    _radio(
        "onset_site",
        "enrolment",
        "Where the first symptom was",
        "patient.onset_site",
        _terms(ONSET_SITES),
    ),
    _date("diagnosis_date", "enrolment", "Date of the ALS diagnosis", "patient.diagnosis_date"),
    _radio(
        "el_escorial",
        "enrolment",
        "El Escorial category at diagnosis",
        "patient.el_escorial",
        _terms(EL_ESCORIAL),
    ),
    _yesno("ftd", "enrolment", "Frontotemporal dementia", "patient.ftd"),
    _yesno("c9orf72", "enrolment", "C9orf72 repeat expansion", "patient.c9orf72"),
    _yesno("sod1", "enrolment", "SOD1 variant", "patient.sod1"),
    Field(
        "other_genetics", "enrolment", "text", "Other genetic findings", "patient.other_genetics"
    ),
    _number("height_cm", "enrolment", "Height (cm)", "patient.height_cm", "100", "230"),
    _date("gastrostomy_date", "enrolment", "Date of the gastrostomy", "patient.gastrostomy_date"),
    _date("niv_date", "enrolment", "Non-invasive ventilation started", "patient.niv_date"),
    _date(
        "niv_full_time_date",
        "enrolment",
        "Non-invasive ventilation > 23 hours a day since",
        "patient.niv_full_time_date",
    ),
    _date(
        "tracheostomy_date", "enrolment", "Date of the tracheostomy", "patient.tracheostomy_date"
    ),
    _date("death_date", "enrolment", "Date of death", "patient.death_date"),
    Field("death_cause", "enrolment", "text", "Cause of death", "patient.death_cause"),
)

VISIT: tuple[Field, ...] = (
    _date("visit_date", "visit", "The day the patient was seen", "visit.visit_date"),
    Field("visit_label", "visit", "text", "Time point (as named in Cellpath)", "ignore"),
    _number(
        "visit_course", "visit", "Treatment course followed", "ignore", "1", "99", integer=True
    ),
)

GASTROSTOMY = "alsfrs_gastrostomy"


def _item_field(key: str) -> Field:
    question = next(q for q in QUESTIONS if q.item == key)
    branching = ""
    if key == "q5a":
        branching = f"[{GASTROSTOMY}] = '0'"
    elif key == "q5b":
        branching = f"[{GASTROSTOMY}] = '1'"
    return Field(
        f"alsfrs_{key}",
        "alsfrs_r",
        "radio",
        f"{question.number}. {question.title}",
        f"alsfrs_r.{key}",
        choices=tuple((str(score), text) for score, text in question.choices()),
        branching=branching,
    )


ALSFRS_R: tuple[Field, ...] = (
    _date("alsfrs_date", "alsfrs_r", "Day of the ALSFRS-R", "alsfrs_r.assessed_on"),
    _radio(
        "alsfrs_respondent",
        "alsfrs_r",
        "Who answered",
        "alsfrs_r.respondent",
        [(r.value, r.label) for r in Respondent],
    ),
    _yesno(
        GASTROSTOMY,
        "alsfrs_r",
        "Does the patient have a gastrostomy? (5a without, 5b with)",
        "ignore",
        note="Decides whether item 5a or 5b is asked; Cellpath knows it from the item answered.",
    ),
    *(_item_field(key) for key in ALSFRS_R_KEYS),
    Field(
        "alsfrs_total",
        "alsfrs_r",
        "calc",
        "ALSFRS-R total (0-48)",
        "ignore",
        calculation="sum(" + ",".join(f"[alsfrs_{k}]" for k in ALSFRS_R_KEYS) + ")",
        note="Computed; never imported (Cellpath computes it from the items).",
    ),
)

SPIROMETRY: tuple[Field, ...] = (
    _date("spiro_date", "spirometry", "Day measured", "spirometry.measured_on"),
    _number("fvc_litres", "spirometry", "FVC (litres)", "spirometry.fvc_litres", "0.1", "10"),
    _number(
        "fvc_percent",
        "spirometry",
        "FVC % predicted (from a report)",
        "spirometry.fvc_percent_entered",
        "1",
        "200",
    ),
    _number("svc_litres", "spirometry", "SVC (litres)", "spirometry.svc_litres", "0.1", "10"),
    _radio(
        "fvc_equation",
        "spirometry",
        "Reference equation for % predicted",
        "spirometry.equation",
        _terms(FVC_EQUATIONS),
    ),
)

WEIGHT: tuple[Field, ...] = (
    _date("weight_date", "weight", "Day weighed", "weight.measured_on"),
    _number("weight_kg", "weight", "Weight (kg)", "weight.kg", "20", "300"),
)

_RELATED = [(r.value, r.label) for r in Relatedness]
AE_CRITERIA_SHORT = ("death", "life", "hosp", "disab", "congen", "other")
"""REDCap names of the ICH E2A seriousness criteria (`ae_sc_…`), in `SERIOUSNESS_CRITERIA`'s
order: short, as REDCap advises for field names."""

ADVERSE_EVENTS: tuple[Field, ...] = (
    Field("ae_description", "adverse_events", "notes", "What happened", "ignore"),
    _date("ae_onset", "adverse_events", "The day it started", "ignore"),
    _date("ae_resolved", "adverse_events", "The day it resolved", "ignore"),
    Field(
        "ae_grade",
        "adverse_events",
        "radio",
        "CTCAE v5 grade",
        "ignore",
        choices=tuple((str(g), f"Grade {g}") for g in range(1, 6)),
    ),
    _yesno("ae_serious", "adverse_events", "Serious adverse event", "ignore"),
    *(
        _yesno(
            f"ae_sc_{short}",
            "adverse_events",
            f"Seriousness criterion: {label.lower()}",
            "ignore",
            branching="[ae_serious] = '1'",
        )
        for short, (_, label) in zip(AE_CRITERIA_SHORT, SERIOUSNESS_CRITERIA, strict=True)
    ),
    _radio(
        "ae_expectedness",
        "adverse_events",
        "Expected (against the protocol or investigator's brochure)",
        "ignore",
        [(e.value, e.label) for e in Expectedness],
    ),
    _radio("ae_rel_procedure", "adverse_events", "Related to the procedure", "ignore", _RELATED),
    _radio("ae_rel_cells", "adverse_events", "Related to the cells", "ignore", _RELATED),
    _radio(
        "ae_outcome",
        "adverse_events",
        "Outcome",
        "ignore",
        [(o.value, o.label) for o in AdverseEvent.Outcome],
    ),
    Field("ae_action", "adverse_events", "text", "Action taken", "ignore"),
    _date("ae_aware", "adverse_events", "The day the site first knew of it", "ignore"),
    _date("ae_reported_regulator", "adverse_events", "Reported to the regulator on", "ignore"),
    _date("ae_reported_ethics", "adverse_events", "Reported to the ethics committee on", "ignore"),
    _number("ae_course", "adverse_events", "Course it followed", "ignore", "1", "99", integer=True),
)

DOSES: tuple[Field, ...] = (
    _date("dose_date", "doses", "The day given", "ignore"),
    _number("dose_course", "doses", "Course", "ignore", "1", "99", integer=True),
    Field("dose_lot", "doses", "text", "Lot number", "ignore"),
    _number("dose_cells", "doses", "Cells given", "ignore", "0", "", integer=True),
    _radio("dose_route", "doses", "Route", "ignore", _terms(ROUTES)),
    Field("dose_body_site", "doses", "text", "Where on the body", "ignore"),
    Field("dose_given_by", "doses", "text", "Who gave it", "ignore"),
)

FORMS: dict[str, tuple[Field, ...]] = {
    "enrolment": ENROLMENT,
    "visit": VISIT,
    "alsfrs_r": ALSFRS_R,
    "spirometry": SPIROMETRY,
    "weight": WEIGHT,
    "adverse_events": ADVERSE_EVENTS,
    "doses": DOSES,
}
FORM_LABELS = {
    "enrolment": "Enrolment",
    "visit": "Visit",
    "alsfrs_r": "ALSFRS-R",
    "spirometry": "Spirometry",
    "weight": "Weight",
    "adverse_events": "Adverse events",
    "doses": "Doses",
}
FIELDS: tuple[Field, ...] = tuple(f for fields in FORMS.values() for f in fields)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
ENROLMENT_FORMS = ("enrolment", "adverse_events", "doses")
VISIT_FORMS = ("visit", "alsfrs_r", "spirometry", "weight")
REPEATING_INSTRUMENTS = {"adverse_events": "[ae_onset] [ae_description]", "doses": "[dose_date]"}


def record_header() -> list[str]:
    """Every column of records.csv, in REDCap's order: its own columns, then each form's fields
    followed by `<form>_complete`."""
    header = list(RECORD_COLUMNS)
    for form, fields in FORMS.items():
        header += [f.name for f in fields if f.name != "record_id"]
        header.append(f"{form}_complete")
    return header


# --- events ------------------------------------------------------------------------------------


def event_slug(label: str) -> str:
    """A time point's REDCap event name: `baseline`, `week_2`, `month_6`; other labels
    lower-cased with `_` for anything else, starting with a letter, at most 18 characters
    (REDCap builds the unique event name from the event name; UNVERIFIED: the exact rule)."""
    text = label.strip().lower()
    if match := re.fullmatch(r"(\d+)\s*weeks?", text):
        return f"week_{match[1]}"
    if match := re.fullmatch(r"(\d+)\s*months?", text):
        return f"month_{match[1]}"
    slug = re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "visit"
    if not slug[0].isalpha():
        slug = f"v_{slug}"
    return slug[:18].rstrip("_")


def unique_event_name(label: str) -> str:
    return f"{event_slug(label)}_arm_{ARM}"


@dataclass(frozen=True)
class Event:
    name: str  # REDCap's event name (what REDCap makes the unique name from)
    unique_name: str
    label: str  # the Cellpath visit label, or "enrolment" / "unscheduled"
    day_offset: int
    window: int
    repeating: bool = False


def project_events(extra: list[tuple[str, int, int]] = ()) -> list[Event]:  # type: ignore[assignment]
    """The project's events: enrolment, the standard plan's time points and `extra` ones (label,
    day offset, window) of other plans, then the repeating unscheduled event."""
    events = [Event("enrolment", ENROLMENT_EVENT, "enrolment", 0, 0)]
    seen = {ENROLMENT_EVENT, UNSCHEDULED_EVENT}
    points = sorted([*STANDARD_TIMEPOINTS, *extra], key=lambda p: p[1])
    for label, offset, window in points:
        unique = unique_event_name(label)
        if unique not in seen:
            seen.add(unique)
            events.append(Event(event_slug(label), unique, label, offset, window))
    last = max((e.day_offset + e.window for e in events), default=0)
    events.append(Event("unscheduled", UNSCHEDULED_EVENT, "unscheduled", last + 1, 0, True))
    return events
