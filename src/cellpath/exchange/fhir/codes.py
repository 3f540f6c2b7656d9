"""Every code, code system and URL the FHIR R4 export writes: one place, checked by tests.

LOINC codes: shared/design/reports-and-interop.md §2. Those it marks UNVERIFIED are in
`UNVERIFIED`; confirm each against LOINC itself before relying on it, then take it out (a test
pins the set, so the change is deliberate). Every LOINC code here carries a mod-10 check digit,
tested with `loinc_check_digit` (LOINC Users' Guide, appendix C).

Code systems of FHIR R4 core (hl7.org/fhir/R4): observation-category, data-absent-reason,
adverse-event-seriousness, adverse-event-severity, adverse-event-outcome, administrative-gender.
Pure Python: no Django (an import-linter contract).
"""

from __future__ import annotations

from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, SEXES, sex_word

# --- LOINC ----------------------------------------------------------------------------------------

LOINC = "http://loinc.org"

ALSFRS_R_PANEL = "82954-9"
"""ALSFRS-R panel (the Questionnaire's code)."""
ALSFRS_R_TOTAL = "82953-1"
"""ALSFRS-R total score, 0–48."""

_ITEM_LOINC = (
    "82940-8",  # 1 speech (confirmed)
    "82941-6",  # 2 salivation (confirmed)
    "82942-4",  # 3 swallowing
    "82943-2",  # 4 handwriting
    "82944-0",  # 5a cutting food, no gastrostomy (confirmed)
    "82945-7",  # 5b cutting food, with gastrostomy
    "82946-5",  # 6 dressing and hygiene
    "82947-3",  # 7 turning in bed
    "82948-1",  # 8 walking (confirmed)
    "82949-9",  # 9 climbing stairs
    "82950-7",  # 10 dyspnoea (R1)
    "82951-5",  # 11 orthopnoea (R2)
    "82952-3",  # 12 respiratory insufficiency (R3)
)
ALSFRS_R_ITEM_CODES: dict[str, str] = dict(zip(ALSFRS_R_KEYS, _ITEM_LOINC, strict=True))
"""The LOINC code of each ALSFRS-R item, by the vocabulary's key (q1 … q12, q5a, q5b): the
vocabulary's order (1–4, 5a, 5b, 6–12) is the order of the contiguous LOINC block."""

FVC_LITRES = "19870-5"
"""Forced vital capacity, a volume in litres (not % predicted)."""
FVC_PERCENT_PREDICTED = "19872-1"
"""FVC % predicted (unit %)."""

UNVERIFIED: frozenset[str] = frozenset(
    {
        "82942-4",  # swallowing
        "82943-2",  # handwriting
        "82945-7",  # 5b
        "82946-5",  # dressing
        "82947-3",  # turning
        "82949-9",  # stairs
        "82950-7",  # dyspnoea
        "82951-5",  # orthopnoea
        "82952-3",  # respiratory insufficiency
    }
)
"""The LOINC codes the design file marks UNVERIFIED (checked only by their place in the block)."""

LOINC_CODES: frozenset[str] = frozenset(
    {ALSFRS_R_PANEL, ALSFRS_R_TOTAL, *_ITEM_LOINC, FVC_LITRES, FVC_PERCENT_PREDICTED}
)
"""Every LOINC code the export writes."""


def loinc_check_digit(body: str) -> int:
    """The mod-10 check digit of a LOINC code's body (the digits before the hyphen), by the
    LOINC Users' Guide, appendix C: the digits in odd places counted from the right, read as a
    number and doubled; the digits of that and of the even-placed digits summed; the check digit
    is what brings the sum up to the next multiple of ten (0 when it already is one)."""
    if not body.isdigit():
        raise ValueError(f"A LOINC code's body is digits only: {body!r}")
    from_right = body[::-1]
    odd = int(from_right[0::2]) * 2
    even = from_right[1::2]
    total = sum(int(d) for d in f"{even}{odd}")
    return (10 - total % 10) % 10


def loinc_is_valid(code: str) -> bool:
    """Whether `code` is `digits-digit` with the right check digit."""
    body, _, check = code.partition("-")
    return (
        body.isdigit()
        and check.isdigit()
        and len(check) == 1
        and (loinc_check_digit(body) == int(check))
    )


# --- Other code systems ---------------------------------------------------------------------------

UCUM = "http://unitsofmeasure.org"
UCUM_LITRES = "L"
UCUM_PERCENT = "%"
UCUM_CELLS = "{cells}"
"""A count of cells: UCUM's unity with an annotation (what `{cells}` means in UCUM)."""

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CATEGORY_SURVEY = "survey"
CATEGORY_PROCEDURE = "procedure"
"""Spirometry's category: R4 defines `procedure` as observations made by procedures other than
laboratory and imaging; `vital-signs` is the profile-bound vital-signs panel, and `exam` means
findings of a physical examination with simple instruments — neither fits a spirometer's
manoeuvre."""
OBSERVATION_STATUSES = frozenset(
    {"registered", "preliminary", "final", "amended", "corrected", "cancelled",
     "entered-in-error", "unknown"}
)  # fmt: skip

DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
ABSENT_UNKNOWN = "unknown"

ADVERSE_EVENT_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
SERIOUSNESS: dict[bool, tuple[str, str]] = {
    True: ("serious", "Serious"),
    False: ("non-serious", "Non-serious"),
}

SERIOUSNESS_CRITERIA: dict[str, tuple[str, str]] = {
    "results_in_death": ("SeriousResultsInDeath", "Results in death"),
    "life_threatening": ("SeriousIsLifeThreatening", "Is Life-threatening"),
    "hospitalisation": (
        "SeriousResultsInHospitalization",
        "Requires or prolongs inpatient hospitalization",
    ),
    "disability": (
        "SeriousResultsInDisability",
        "Results in persistent or significant disability/incapacity",
    ),
    "congenital_anomaly": ("SeriousIsBirthDefect", "Is a congenital anomaly/birth defect"),
}
"""ICH E2A's seriousness criteria as the level-2 codes of R4's adverse-event-seriousness code
system. R4's seriousness is 0..1, so they travel in `SERIOUSNESS_CRITERION_EXTENSION`, one per
criterion met; R4's sixth code ("requires intervention to prevent permanent impairment") is not
E2A's "other important medical event", which takes Cellpath's own code."""
IMPORTANT_MEDICAL_EVENT = ("medically_important", "Other important medical event")

ADVERSE_EVENT_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
SEVERITY_BY_GRADE: dict[int, tuple[str, str]] = {
    1: ("mild", "Mild"),
    2: ("moderate", "Moderate"),
    3: ("severe", "Severe"),
    4: ("severe", "Severe"),
    5: ("severe", "Severe"),
}
"""CTCAE v5 grade → R4 severity (a required binding of three codes): 1 mild, 2 moderate,
3–5 severe. The grade itself travels in `CTCAE_GRADE_EXTENSION` and in severity's text, so
grades 3, 4 and 5 (severe, life-threatening, death) stay apart."""

ADVERSE_EVENT_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
OUTCOMES: dict[str, tuple[str, str]] = {
    "recovered": ("resolved", "Resolved"),
    "recovering": ("recovering", "Recovering"),
    "not_recovered": ("ongoing", "Ongoing"),
    "sequelae": ("resolvedWithSequelae", "Resolved with Sequelae"),
    "fatal": ("fatal", "Fatal"),
    "unknown": ("unknown", "Unknown"),
}
"""Cellpath's adverse-event outcome → R4 adverse-event-outcome (a required binding)."""

ADMINISTRATIVE_GENDER: dict[str, str] = {t.value: str(sex_word(t.value)) for t in SEXES}
"""Cellpath's recorded sex → R4 administrative-gender (female, male: the vocabulary's words)."""

# --- Cellpath's own URLs --------------------------------------------------------------------------

CELLPATH_FHIR = "https://cellpath.org/fhir"
QUESTIONNAIRE_URL = f"{CELLPATH_FHIR}/Questionnaire/alsfrs-r"
QUESTIONNAIRE_VERSION = "1.0"
QUESTIONNAIRE_CANONICAL = f"{QUESTIONNAIRE_URL}|{QUESTIONNAIRE_VERSION}"
GASTROSTOMY_LINK_ID = "gastrostomy"
"""The Questionnaire's boolean item that chooses item 5a (false) or 5b (true)."""

STUDY_ID_SYSTEM = f"{CELLPATH_FHIR}/sid/study-id"

CELL_TYPE_SYSTEM = f"{CELLPATH_FHIR}/CodeSystem/cell-type"
"""Cellpath's cell types (`outcomes.products.CELL_TYPES`), for Medication.code."""
ROUTE_SYSTEM = f"{CELLPATH_FHIR}/CodeSystem/route"
"""Cellpath's routes (`outcomes.products.ROUTES`), for dosage.route (no SNOMED mapping yet)."""

_EXTENSION = f"{CELLPATH_FHIR}/StructureDefinition"
RESPONDENT_EXTENSION = f"{_EXTENSION}/alsfrs-r-respondent"
"""valueCode: who answered the ALSFRS-R (clinic, phone, self), as recorded."""
CTCAE_GRADE_EXTENSION = f"{_EXTENSION}/ctcae-grade"
"""valueInteger 1–5: the adverse event's CTCAE v5 grade."""
RESOLVED_DATE_EXTENSION = f"{_EXTENSION}/resolved-date"
"""valueDate: the day the adverse event resolved (R4 AdverseEvent has no element for it)."""
SERIOUSNESS_CRITERION_EXTENSION = f"{_EXTENSION}/seriousness-criterion"
"""valueCoding, repeated: each ICH E2A seriousness criterion met (`SERIOUSNESS_CRITERIA`)."""
SERIOUSNESS_CRITERION_SYSTEM = f"{CELLPATH_FHIR}/CodeSystem/seriousness-criterion"
"""Cellpath's code for the criterion R4 has none for (`IMPORTANT_MEDICAL_EVENT`)."""
EXPECTEDNESS_EXTENSION = f"{_EXTENSION}/expectedness"
"""valueCode: expected, unexpected or not_assessed, against the reference safety information
(R4 AdverseEvent has no element for it)."""
AWARE_DATE_EXTENSION = f"{_EXTENSION}/aware-date"
REPORTED_TO_REGULATOR_EXTENSION = f"{_EXTENSION}/reported-to-regulator"
REPORTED_TO_ETHICS_EXTENSION = f"{_EXTENSION}/reported-to-ethics"
"""valueDate: the day the site first knew of the event, and the days it was reported."""
RELATED_TO_CELLS_EXTENSION = f"{_EXTENSION}/related-to-cells"
RELATED_TO_PROCEDURE_EXTENSION = f"{_EXTENSION}/related-to-procedure"
"""valueCode: the investigator's relatedness (unrelated, unlikely, possible, probable,
definite), kept even when no lot is named as the suspect entity."""

ITEM_WEIGHT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/itemWeight"
"""An answer's score (valueDecimal), on Questionnaire.item.answerOption (FHIR extensions pack)."""
ORDINAL_VALUE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
"""itemWeight's older name (R4 core, on Coding): written too, on the answer's valueCoding, for
R4 readers that know only it."""

RESPONDENT_SELF = "self"
STAFF_RATINGS: dict[str, str] = {
    "clinic": "Site staff (rated in clinic)",
    "phone": "Site staff (rated by telephone)",
}
"""How an ALSFRS-R rated by staff names its author (care's `Respondent`, other than self)."""
