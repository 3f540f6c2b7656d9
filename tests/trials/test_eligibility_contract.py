"""The output contract of the eligibility reader (field and operator names, value shapes, units,
quotes, JSON), a whole record shaped like a real ALS cell-therapy trial, and properties that hold
for any text: every criterion fits the contract, and no item is dropped."""

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.trials.criteria.contract import EL_ESCORIAL, FIELDS, OPERATORS, Criterion
from cellpath.trials.criteria.reader import criteria_json, read_criteria
from cellpath.trials.criteria.splitting import split_criteria

UNITS = {
    "age_years": "years",
    "alsfrs_r_total": "points",
    "alsfrs_r_item": "points",
    "alsfrs_r_slope_per_month": "points/month",
    "alsfrs_r_decline_points": "points",
    "vc_percent_predicted": "%",
    "months_since_symptom_onset": "months",
    "months_since_diagnosis": "months",
    "riluzole_stable_days": "days",
    "niv_hours_per_day": "hours/day",
    "bmi": "kg/m2",
}
PRESENCE = {
    "riluzole_stable_days",  # present: taking riluzole
    "edaravone",
    "prior_stem_cell_therapy",
    "tracheostomy",
    "gastrostomy",
    "pregnancy",
    "anticoagulants",
    "sod1_mutation",
    "c9orf72",
    "other",
}


def unescape_and_collapse(text: str) -> str:
    return " ".join(re.sub(r"\\(.)", r"\1", text).split())


def assert_fits_the_contract(criterion: Criterion) -> None:
    d = criterion.as_dict()
    assert d["section"] in ("inclusion", "exclusion")
    assert d["field"] in FIELDS
    assert d["op"] in OPERATORS
    assert isinstance(d["quote"], str) and d["quote"].strip() == d["quote"] != ""
    value, op, field = d["value"], d["op"], d["field"]
    if op in ("present", "absent"):
        assert value is None and d["unit"] is None
        assert field in PRESENCE
    elif op == "in":
        assert field == "el_escorial" and d["unit"] is None
        assert value and set(value) <= set(EL_ESCORIAL)
        assert value == [c for c in EL_ESCORIAL if c in value]  # in EL_ESCORIAL order
    elif op == "between":
        low, high = value
        assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        assert low <= high
    else:
        assert isinstance(value, int | float) and not isinstance(value, bool)
    if op not in ("present", "absent", "in"):
        assert d["unit"] == UNITS[field]
    for number in value if op == "between" else [value] if op not in ("in",) else []:
        if isinstance(number, float):
            assert not number.is_integer()  # whole numbers are ints
    assert ("item" in d) == (field == "alsfrs_r_item")
    if "item" in d:
        assert d["item"] in range(1, 13)
    assert ("measure" in d) == (field == "vc_percent_predicted")
    if "measure" in d:
        assert d["measure"] in ("FVC", "SVC", "VC")


# --- Names and the JSON ------------------------------------------------------------------------


def test_the_names_of_fields_operators_and_categories_are_fixed():
    assert FIELDS == (
        "age_years",
        "alsfrs_r_total",
        "alsfrs_r_item",
        "alsfrs_r_slope_per_month",
        "alsfrs_r_decline_points",
        "vc_percent_predicted",
        "months_since_symptom_onset",
        "months_since_diagnosis",
        "el_escorial",
        "riluzole_stable_days",
        "edaravone",
        "prior_stem_cell_therapy",
        "tracheostomy",
        "niv_hours_per_day",
        "gastrostomy",
        "pregnancy",
        "anticoagulants",
        "sod1_mutation",
        "c9orf72",
        "bmi",
        "other",
    )
    assert OPERATORS == (">=", "<=", ">", "<", "==", "between", "in", "present", "absent")
    assert EL_ESCORIAL == (
        "definite",
        "probable",
        "probable_laboratory_supported",
        "possible",
        "suspected",
    )


def test_criteria_json_is_the_contract_in_text_order():
    text = (
        "Inclusion Criteria:\n"
        "* ALSFRS-R item 3 (swallowing) ≥ 2\n"
        "* FVC ≥ 65% predicted\n"
        "Exclusion Criteria:\n"
        "* Tracheostomy\n"
    )
    assert json.loads(criteria_json(text)) == [
        {
            "section": "inclusion",
            "field": "alsfrs_r_item",
            "op": ">=",
            "value": 2,
            "unit": "points",
            "quote": "ALSFRS-R item 3 (swallowing) ≥ 2",
            "item": 3,
        },
        {
            "section": "inclusion",
            "field": "vc_percent_predicted",
            "op": ">=",
            "value": 65,
            "unit": "%",
            "quote": "FVC ≥ 65% predicted",
            "measure": "FVC",
        },
        {
            "section": "exclusion",
            "field": "tracheostomy",
            "op": "present",
            "value": None,
            "unit": None,
            "quote": "Tracheostomy",
        },
    ]


def test_criteria_json_keeps_unicode_and_is_indented():
    out = criteria_json("Inclusion Criteria:\n* ALSFRS-R ≥ 25")
    assert "≥" in out and "\\u2265" not in out
    assert out.startswith("[\n  {\n    ")
    assert criteria_json("") == "[]"


def test_ranges_and_categories_are_json_lists():
    (age,) = read_criteria("Age 18 to 80 years")
    assert age.as_dict()["value"] == [18, 80]
    (escorial,) = read_criteria("Definite or probable ALS per El Escorial")
    assert escorial.as_dict()["value"] == ["definite", "probable"]
    assert {age, escorial}  # criteria are hashable, e.g. to de-duplicate across records


# --- A whole record ---------------------------------------------------------------------------

RECORD = """\
This study enrols adults living with ALS at three sites.

Inclusion Criteria:

1. Men or women aged 18 to 75 years, inclusive, at the screening visit.
2. ALS diagnosed as clinically definite, clinically probable, or clinically probable \
laboratory-supported according to the revised El Escorial criteria.
3. Onset of first ALS symptom (muscle weakness) no more than 24 months before the screening visit.
4. ALSFRS-R total score of at least 30 at screening, with a score of at least 2 on the \
swallowing item.
5. Slow vital capacity (SVC) \\>= 65% of predicted for age, height and sex.
6. Participants taking riluzole must have been on a stable dose for at least 30 days before \
screening.
7. Women of childbearing potential must use two forms of contraception for the duration of the \
study.

Exclusion Criteria:

1. Tracheostomy, or non-invasive ventilation for more than 22 hours per day.
2. Gastrostomy (PEG or RIG) in place.
3. Previous treatment with any stem cell product.
4. Contraindication to lumbar puncture, such as:
   * use of anticoagulant or antiplatelet medication within 14 days
   * platelet count below 100,000/mm3
5. Treatment with edaravone within 30 days of screening.
6. BMI \\< 18.5 kg/m2 or \\> 35 kg/m2.
7. Pregnant or breastfeeding.
8. Confirmed SOD1 mutation (SOD1 carriers are offered a separate study).
9. Participation in another interventional trial within 3 months.
"""


def test_a_whole_als_cell_therapy_record():
    rows = []
    for criterion in read_criteria(RECORD):
        d = criterion.as_dict()
        rows.append(
            (
                d["section"][:3],
                d["field"],
                d["op"],
                d["value"],
                d["unit"],
                *(d[key] for key in ("item", "measure") if key in d),
            )
        )
    assert rows == [
        ("inc", "other", "present", None, None),
        ("inc", "age_years", "between", [18, 75], "years"),
        (
            "inc",
            "el_escorial",
            "in",
            ["definite", "probable", "probable_laboratory_supported"],
            None,
        ),
        ("inc", "months_since_symptom_onset", "<=", 24, "months"),
        ("inc", "alsfrs_r_total", ">=", 30, "points"),
        ("inc", "alsfrs_r_item", ">=", 2, "points", 3),
        ("inc", "vc_percent_predicted", ">=", 65, "%", "SVC"),
        ("inc", "riluzole_stable_days", ">=", 30, "days"),
        ("inc", "other", "present", None, None),
        ("exc", "tracheostomy", "present", None, None),
        ("exc", "niv_hours_per_day", ">", 22, "hours/day"),
        ("exc", "gastrostomy", "present", None, None),
        ("exc", "prior_stem_cell_therapy", "present", None, None),
        ("exc", "other", "present", None, None),  # blood thinners within 14 days: a window
        ("exc", "other", "present", None, None),
        ("exc", "other", "present", None, None),  # edaravone within 30 days: a window
        ("exc", "bmi", "<", 18.5, "kg/m2"),
        ("exc", "bmi", ">", 35, "kg/m2"),
        ("exc", "pregnancy", "present", None, None),
        ("exc", "sod1_mutation", "present", None, None),
        ("exc", "other", "present", None, None),
    ]


def test_the_record_quotes_read_as_in_the_text():
    quotes = [c.quote for c in read_criteria(RECORD)]
    assert quotes[0] == "This study enrols adults living with ALS at three sites."
    assert "Slow vital capacity (SVC) >= 65% of predicted for age, height and sex." in quotes
    assert (
        "Contraindication to lumbar puncture, such as: platelet count below 100,000/mm3" in quotes
    )
    for criterion in read_criteria(RECORD):
        assert_fits_the_contract(criterion)


# --- Properties ---------------------------------------------------------------------------------

FIRST_WORDS = [
    "Age",
    "ALSFRS-R",
    "FVC",
    "SVC",
    "History",
    "Use",
    "Onset",
    "Prior",
    "No",
    "Tracheostomy",
    "Stable",
    "BMI",
    "Diagnosis",
    "Treatment",
    "Pregnant",
    "Riluzole",
    "Edaravone",
    "SOD1",
    "Gastrostomy",
    "Symptom",
    "Decline",
    "Able",
    "Current",
]
WORDS = [
    *("of", "the", "and", "or", "with", "within", "since", "onset", "months", "years", "weeks"),
    *("days", "points", "per", "month", "predicted", "%", "at", "least", "more", "than", "less"),
    *("no", "not", "without", "stem", "cell", "therapy", "tracheostomy", "NIV", "hours", "day"),
    *("El", "Escorial", "probable", "definite", "possible", "C9orf72", "PEG", "anticoagulants"),
    *("aspirin", "pregnant", "breastfeeding", "kg/m2", "item", "swallowing", "walking", "slope"),
    *("ΔFS", "(", ")", ",", ";", ".", "≥", "≤", ">", "<", "=", "\\>", "\\<", "\\>=", "\\*", "-"),
    *("–", "±", "twenty-four", "two", "48", "/", "x"),
]
TOKENS = st.one_of(
    st.sampled_from(WORDS),
    st.integers(0, 120).map(str),
    st.integers(1, 99).map(lambda n: f"{n / 10}"),
)
ITEMS = st.builds(
    lambda first, rest: " ".join([first, *rest]),
    st.sampled_from(FIRST_WORDS),
    st.lists(TOKENS, max_size=12),
)
MARKERS = st.sampled_from(["* ", "- ", "• ", "– ", "1. ", "2) ", "a. ", "(c) ", ""])
HEADERS = {
    "inclusion": ["Inclusion Criteria:", "INCLUSION CRITERIA", "Key Inclusion Criteria"],
    "exclusion": ["Exclusion Criteria:", "exclusion criteria", "Exclusion criteria -"],
}


@st.composite
def records(draw) -> tuple[str, list[tuple[str, str]]]:
    """A flat record (no nesting, no groups) and its items as (section, expected quote)."""
    lines: list[str] = []
    expected: list[tuple[str, str]] = []
    sections = st.lists(st.sampled_from(sorted(HEADERS)), min_size=1, max_size=3)
    for index, section in enumerate(draw(sections)):
        if index or draw(st.booleans()):
            lines.append(draw(st.sampled_from(HEADERS[section])))
        else:
            section = "inclusion"  # items before any header are inclusion
        blank = draw(st.booleans())
        for item in draw(st.lists(ITEMS, min_size=1, max_size=5)):
            lines.append(draw(MARKERS) + item)
            if blank:
                lines.append("")
            expected.append((section, unescape_and_collapse(item)))
    return "\n".join(lines), expected


@settings(max_examples=300, deadline=None)
@given(records())
def test_no_item_is_dropped_and_every_quote_is_the_text_as_written(record):
    text, expected = record
    assert [(c.section, c.text) for c in split_criteria(text)] == expected
    criteria = read_criteria(text)
    read_back = []
    for criterion in criteria:
        pair = (criterion.section, criterion.quote)
        if not read_back or read_back[-1] != pair:
            read_back.append(pair)
    assert read_back == [
        pair for i, pair in enumerate(expected) if i == 0 or expected[i - 1] != pair
    ]
    flat = unescape_and_collapse(text)
    for criterion in criteria:
        assert criterion.quote in flat
        assert_fits_the_contract(criterion)


PIECES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "\n",
            "\n\n",
            "  ",
            "* ",
            "1. ",
            "a) ",
            ":",
            "Inclusion Criteria:",
            "Exclusion Criteria",
            "Healthy volunteers:",
            "ALS participants:",
            "such as:",
            "\\>",
            "≥",
            "-",
            "(",
            "48 - ALSFRS-R /",
        ]
    ),
    ITEMS,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_any_text_gives_criteria_that_fit_the_contract(text):
    criteria = read_criteria(text)
    for criterion in criteria:
        assert_fits_the_contract(criterion)
    assert json.loads(criteria_json(text)) == [c.as_dict() for c in criteria]
    if not text.strip():
        assert criteria == []
