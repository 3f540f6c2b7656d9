"""Forms for staff data entry: treatment courses, follow-up assessments, adverse events,
sign-off, and the patient list's search. They parse and validate shape; the models' clean() and
the services hold the rules and the permissions."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cellpath.care.forms import DATE, date_widgets
from cellpath.care.models import (
    Administration,
    AdverseEvent,
    Batch,
    FollowUpPlan,
    Harvest,
    Spirometry,
    TreatmentCourse,
    Visit,
    Weight,
)
from cellpath.care.models.assessments import Expectedness, Relatedness, Respondent
from cellpath.care.models.treatment import programme_choices
from cellpath.care.queries.adverse_events import REASONABLE, AdverseEventFilters
from cellpath.care.safety import CRITERIA
from cellpath.outcomes.alsfrs_questions import BY_ITEM, Question, questions_for
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, ITEM5_KEYS, item5_key

CELLS_HELP = (
    'Write the number of cells in digits ("100000000" or "100,000,000"), in scientific '
    'notation ("1e8" or "1.5 × 10^8"), or in words ("100 million"). Use a point for decimals.'
)
_BIGINT_MAX = 2**63 - 1
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_WORDS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_CELL_COUNT = re.compile(
    r"""^
    (?P<whole>\d{1,3}(?:(?P<sep>[,\s_'’])\d{3})(?:(?P=sep)\d{3})*|\d+)
    (?:\.(?P<fraction>\d+))?
    \s*
    (?:
        e\s*(?P<e>[+-]?\d{1,2})
      | [x×*]\s*10\s*(?:\^|\*\*)?\s*(?P<power>[+-]?\d{1,2})
      | (?P<word>thousand|million|billion|trillion)
    )?
    \s*(?:cells?)?
    $""",
    re.VERBOSE,
)


def parse_cell_count(text: str) -> int:
    """A whole number of cells from the ways people write it on a lot sheet: digits with
    thousands separators, scientific notation ("1.5e8", "1.5 × 10^8", "1.5×10⁸") or words
    ("100 million"). Refuses what it cannot read exactly, rather than guessing."""
    cleaned = " ".join(text.strip().lower().replace("\u00a0", " ").replace("\u202f", " ").split())
    cleaned = cleaned.translate(_SUPERSCRIPTS)
    # "10⁸" becomes "108" once translated; put the caret back for "× 10⁸".
    cleaned = re.sub(r"([x×*]\s*)10(?=[+-]?\d{1,2}(?:\s*cells?)?$)", r"\g<1>10^", cleaned)
    match = _CELL_COUNT.match(cleaned)
    if not match:
        if re.fullmatch(r"\d+,\d{1,2}(?:\s*[a-z].*)?", cleaned):
            raise ValidationError(
                'Use a point for decimals, for example "1.5 million" or "1.5e8".', code="comma"
            )
        raise ValidationError(
            'This is not a number of cells we can read. Write it like "100000000", '
            '"100,000,000", "1e8" or "100 million".',
            code="invalid",
        )
    whole = re.sub(r"\D", "", match["whole"])
    exponent = int(match["e"] or match["power"] or _WORDS.get(match["word"] or "", 0))
    try:
        value = Decimal(f"{whole}.{match['fraction'] or 0}").scaleb(exponent)
    except InvalidOperation as error:  # pragma: no cover - the pattern bounds the exponent
        raise ValidationError("This number is too large.", code="invalid") from error
    if value != value.to_integral_value():
        raise ValidationError("A number of cells is a whole number.", code="fraction")
    if value < 1:
        raise ValidationError("Enter at least 1 cell.", code="min_value")
    if value > _BIGINT_MAX:
        raise ValidationError("This number is too large.", code="max_value")
    return int(value)


def format_cells(count: int | None) -> str:
    """ "100,000,000 (1.0 × 10⁸)": the digits, and the power of ten people compare doses by."""
    if count is None:
        return "—"
    exponent = len(str(count)) - 1
    if exponent < 3:
        return f"{count:,}"
    superscript = str(exponent).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{count:,} ({count / 10**exponent:.1f} × 10{superscript})"


class CellCountField(forms.Field):
    widget = forms.TextInput
    default_error_messages = {"required": "Enter the number of cells."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", CELLS_HELP)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()[:100]
        return parse_cell_count(text) if text else None

    def prepare_value(self, value: Any) -> Any:
        return f"{value:,}" if isinstance(value, int) else value


def errors_into(
    form: forms.BaseForm, error: ValidationError, *, non_field_to: str | None = None
) -> None:
    """Show a service's refusal next to the field it is about; a refusal about the whole entry
    (a duplicate on the same day) goes next to `non_field_to`, its date."""
    if not hasattr(error, "error_dict"):
        form.add_error(non_field_to, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS or target is None:
            target = non_field_to
        for message in messages:
            form.add_error(target, message)


class EntryForm(forms.ModelForm):
    """A ModelForm for a new row whose owner (patient or course) is set before validation, so
    the model's own rules (before onset, lot of another course…) show next to the fields.
    (Django links each input to its help text: `aria-describedby` = `<id>_helptext`.)"""


NOT_LISTED = "Not listed in Cellpath: type its name below"


def _programme_field(field: forms.ModelChoiceField, site_id: int) -> None:
    """The programmes a course at this site may link to (published listings and the site's own);
    anything else posted is refused as an invalid choice, and again by the service."""
    field.queryset = programme_choices(site_id)
    field.label_from_instance = lambda p: p.name if p.published else f"{p.name} (not published)"


class CourseForm(EntryForm):
    class Meta:
        model = TreatmentCourse
        fields = [
            "programme",
            "programme_name",
            "product",
            "cell_type",
            "donor",
            "tissue",
            "route",
            "planned_schedule",
            "started_on",
            "follow_up_plan",
        ]
        widgets = {"started_on": DATE}
        labels = {"programme_name": "Name of the programme, if it is not listed"}
        help_texts = {
            "programme": "Published programmes, and your site's own.",
            "programme_name": "Only for a programme that is not in the list above.",
            "follow_up_plan": "The visits of this plan are scheduled from the course start.",
            "product": "The product's name or code, if it has one.",
            "tissue": "Where the cells were collected from or grown out of.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _programme_field(self.fields["programme"], self.instance.patient.site_id)
        self.fields["programme"].empty_label = NOT_LISTED
        plan = self.fields["follow_up_plan"]
        plan.queryset = FollowUpPlan.objects.all()
        plan.empty_label = None
        if not self.instance.follow_up_plan_id:
            self.initial["follow_up_plan"] = FollowUpPlan.default()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("programme") is not None and cleaned.get("programme_name", "").strip():
            self.add_error(
                "programme_name", "Choose a programme from the list or type a name, not both."
            )
        return cleaned


class CourseProgrammeForm(forms.Form):
    """Link a course to its programme, or confirm that the programme it names is not listed."""

    programme = forms.ModelChoiceField(
        label="Programme or trial",
        queryset=None,  # the site's choices, set per course
        required=False,
        empty_label="Not listed in Cellpath: keep the name as entered",
    )

    def __init__(self, *args: Any, course: TreatmentCourse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _programme_field(self.fields["programme"], course.patient.site_id)
        self.fields["programme"].help_text = (
            f"As entered: “{course.programme_name}”." if course.programme_name else ""
        )
        if course.programme_id:
            self.initial["programme"] = course.programme_id


class HarvestForm(EntryForm):
    class Meta:
        model = Harvest
        fields = ["collected_on", "tissue", "reference"]
        widgets = {"collected_on": DATE}
        labels = {"tissue": "Tissue collected"}
        help_texts = {"reference": "The label on the harvest bag or tube."}


class BatchForm(EntryForm):
    cell_count = CellCountField(label="Cells in the lot", required=False)

    class Meta:
        model = Batch
        fields = ["lot_number", "harvest", "processed_on", "cell_count", "viability_percent"]
        widgets = {"processed_on": DATE}
        labels = {"harvest": "Made from harvest"}
        help_texts = {
            "harvest": "Autologous lots must name the harvest they were made from.",
            "lot_number": "As printed on the product label.",
        }
        error_messages = {"lot_number": {"unique": "This lot number is already recorded."}}

    def __init__(self, *args: Any, course: TreatmentCourse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["harvest"].queryset = Harvest.objects.filter(course=course)
        self.fields["harvest"].empty_label = "No harvest (allogeneic product)"


class AdministrationForm(EntryForm):
    dose_cells = CellCountField(label="Dose (cells)")

    class Meta:
        model = Administration
        fields = ["given_on", "dose_cells", "route", "batch", "body_site", "given_by_name"]
        widgets = {"given_on": DATE}
        labels = {"batch": "From lot", "given_by_name": "Given by"}
        help_texts = {
            "batch": "The lot this dose came from (chain of identity).",
            "given_by_name": "Leave empty if you gave it yourself.",
            "body_site": "For example: L3–L4, or left arm.",
        }

    def __init__(self, *args: Any, course: TreatmentCourse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = Batch.objects.filter(course=course).select_related(
            "harvest"
        )
        self.fields["batch"].label_from_instance = lambda b: (
            f"{b.lot_number} (from harvest {b.harvest.reference})" if b.harvest else b.lot_number
        )
        self.fields["batch"].empty_label = "Not from a recorded lot"
        if not self.instance.route:
            self.initial["route"] = course.route


CTCAE_GRADES = [
    (1, "1 — Mild: no or mild symptoms; no treatment needed"),
    (2, "2 — Moderate: minimal, local or non-invasive treatment needed"),
    (3, "3 — Severe or medically significant, not immediately life-threatening"),
    (4, "4 — Life-threatening: urgent treatment needed"),
    (5, "5 — Death related to the adverse event"),
]


SERIOUS_HELP = (
    "Serious: meets at least one of the criteria below (ICH E2A). Ticking a criterion makes the "
    "event serious. The site's clinicians are e-mailed at once."
)
AE_HELP = {
    "serious": SERIOUS_HELP,
    "results_in_death": "Only with a fatal outcome; a death is CTCAE grade 5.",
    "medically_important": (
        "In the investigator's judgement, it may put the patient at risk or need treatment to "
        "prevent one of the other outcomes."
    ),
    "expectedness": (
        "Against the reference safety information: the protocol or the investigator's brochure. "
        "A serious, unexpected event possibly related to the cells is a SUSAR, reported to the "
        "regulator within 7 or 15 days."
    ),
    "aware_date": "The day anyone at the site first knew of it: the reporting clock starts here.",
    "reported_to_regulator_on": "Leave empty until it is reported.",
    "reported_to_ethics_on": "Leave empty until it is reported.",
    "resolved_date": "Leave empty while the event is still going on.",
}
AE_LABELS = {
    "serious": "This is a serious adverse event",
    "expectedness": "Expected?",
    "aware_date": "The site first knew of it on",
}
AE_DATES = ("resolved_date", "aware_date", "reported_to_regulator_on", "reported_to_ethics_on")
AE_SERIOUSNESS = ["serious", *CRITERIA]
AE_REPORTING = ["expectedness", "aware_date", "reported_to_regulator_on", "reported_to_ethics_on"]


class AdverseEventForm(EntryForm):
    grade = forms.TypedChoiceField(
        label="CTCAE grade", choices=CTCAE_GRADES, coerce=int, widget=forms.RadioSelect
    )

    class Meta:
        model = AdverseEvent
        fields = [
            "course",
            "description",
            "onset_date",
            "resolved_date",
            "grade",
            *AE_SERIOUSNESS,
            "related_to_procedure",
            "related_to_cells",
            "outcome",
            "action_taken",
            *AE_REPORTING,
        ]
        widgets = {
            **date_widgets("onset_date", *AE_DATES),
            "description": forms.Textarea(attrs={"rows": 4}),
            "expectedness": forms.RadioSelect,
        }
        labels = {
            **AE_LABELS,
            "course": "Treatment course",
            "description": "What happened",
        }
        help_texts = {**AE_HELP, "course": "The course this event may be related to, if any."}

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["course"].empty_label = "Not related to a course"
        self.fields["description"].required = True


class AdverseEventFollowUpForm(EntryForm):
    """Later facts of an event (`services.entry.FOLLOW_UP_FIELDS`): how it ended, its grade,
    seriousness and assessments as they became clear, and when it was reported."""

    grade = forms.TypedChoiceField(
        label="CTCAE grade", choices=CTCAE_GRADES, coerce=int, widget=forms.RadioSelect
    )

    class Meta:
        model = AdverseEvent
        fields = [
            "resolved_date",
            "outcome",
            "action_taken",
            "grade",
            *AE_SERIOUSNESS,
            "related_to_procedure",
            "related_to_cells",
            *AE_REPORTING,
        ]
        widgets = {**date_widgets(*AE_DATES), "expectedness": forms.RadioSelect}
        labels = AE_LABELS
        help_texts = {**AE_HELP, "resolved_date": "Leave empty if it has not resolved yet."}


STAFF_RESPONDENTS = [
    (Respondent.CLINIC.value, "In clinic, rated by staff"),
    (Respondent.PHONE.value, "By telephone"),
    (Respondent.SELF.value, "Self-reported on paper by the patient or caregiver"),
]
NOT_ASKED = ""


class AlsfrsRForm(forms.Form):
    """All twelve questions on one page, as radio groups with the scale's own wording.

    Item 5 is asked as 5a or 5b from the record's gastrostomy status; the other version stays
    available (a feeding tube placed since the record was updated), and exactly one is kept.
    """

    assessed_on = forms.DateField(label="Assessed on", widget=DATE)
    respondent = forms.ChoiceField(
        label="How was it answered?", choices=STAFF_RESPONDENTS, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, gastrostomy: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions_for(gastrostomy=gastrostomy)
        self.item5 = item5_key(gastrostomy=gastrostomy)
        self.item5_other = item5_key(gastrostomy=not gastrostomy)
        for question in [*self.questions, BY_ITEM[self.item5_other]]:
            self.fields[question.item] = self._item_field(question)
        # The item 5 asked is answered like any other: nothing chosen beforehand, and not
        # marked optional (only one of 5a and 5b is kept, so neither is required on its own).
        self.fields[self.item5].initial = "unanswered"
        self.fields[self.item5].hide_optional = True

    def _item_field(self, question: Question) -> forms.Field:
        choices: list[tuple[Any, str]] = [(str(s), f"{s} — {t}") for s, t in question.choices()]
        is_item5 = question.item in ITEM5_KEYS
        if is_item5:
            other = BY_ITEM[next(q for q in ITEM5_KEYS if q != question.item)].number
            choices.append((NOT_ASKED, f"Not asked — item {other} answered instead"))
        return forms.TypedChoiceField(
            label=f"{question.number}. {question.title}",
            help_text=question.question,
            choices=choices,
            coerce=int,
            empty_value=None,
            required=not is_item5,
            widget=forms.RadioSelect,
            error_messages={"required": f"Answer item {question.number}."},
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        answered = [n for n in ITEM5_KEYS if data.get(n) is not None]
        if not answered and self.item5 not in self.errors:
            self.add_error(self.item5, "Answer item 5 (5a without a feeding tube, 5b with one).")
        elif len(answered) == 2:
            self.add_error(
                self.item5_other,
                'Answer item 5 once: choose "Not asked" for 5a or for 5b.',
            )
        return data

    def items(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in ALSFRS_R_KEYS}

    def question_fields(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[q.item]) for q in self.questions]

    def other_item5(self) -> forms.BoundField:
        return self[self.item5_other]


class SpirometryForm(EntryForm):
    class Meta:
        model = Spirometry
        fields = ["measured_on", "fvc_litres", "fvc_percent_entered", "svc_litres", "equation"]
        widgets = {"measured_on": DATE}
        labels = {"equation": "Reference equation for % predicted"}
        help_texts = {
            "fvc_litres": "The best of three blows, in litres (for example 3.25).",
            "fvc_percent_entered": (
                "Only when a report gives the % and not the litres. Otherwise Cellpath computes "
                "it from height, age and sex."
            ),
            "svc_litres": "Slow vital capacity, if measured.",
        }
        error_messages = {
            "fvc_litres": {
                "max_value": "More than 10 litres is not possible. Enter litres, not millilitres."
            },
            "svc_litres": {
                "max_value": "More than 10 litres is not possible. Enter litres, not millilitres."
            },
            "fvc_percent_entered": {
                "max_value": "More than 200 %% of predicted is not possible; check the report."
            },
        }


class WeightForm(EntryForm):
    class Meta:
        model = Weight
        fields = ["measured_on", "kg"]
        widgets = {"measured_on": DATE}
        error_messages = {
            "kg": {
                "max_value": "Enter the weight in kilograms (between 20 and 300).",
                "min_value": "Enter the weight in kilograms (between 20 and 300).",
            }
        }


class UpdateForm(forms.Form):
    written_on = forms.DateField(label="Date", widget=DATE)
    text = forms.CharField(
        label="How is the patient doing?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="In the patient's words where you can. Up to 4,000 characters.",
    )


class UnscheduledVisitForm(forms.Form):
    visit_date = forms.DateField(label="Seen on", widget=DATE)
    label = forms.CharField(
        label="Name of the visit",
        max_length=40,
        initial="Unscheduled",
        help_text='For example "Unscheduled" or "Pre-treatment".',
    )


class SignForm(forms.Form):
    meaning = forms.ChoiceField(
        label="What does your signature mean?",
        choices=[
            (Visit.Meaning.REVIEWED.value, "Reviewed: I have reviewed the data of this visit"),
            (Visit.Meaning.APPROVED.value, "Approved: I approve the data of this visit as correct"),
        ],
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Enter your password again to sign (21 CFR 11.200).",
    )


class PatientFilterForm(forms.Form):
    """The patient list's search and filters (GET; every field optional)."""

    is_filter = True  # every field may be left empty: no "(optional)" on each

    q = forms.CharField(label="Search", required=False, max_length=100)
    site = forms.ModelChoiceField(
        label="Site", queryset=None, required=False, empty_label="All my sites"
    )
    overdue = forms.BooleanField(label="Has an overdue visit", required=False)
    open_adverse_event = forms.BooleanField(label="Has an open adverse event", required=False)

    def __init__(self, *args: Any, sites: Any, searches_names: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["q"].help_text = (
            "A study ID or a name, or part of one"
            if searches_names
            else "A study ID, or part of one"
        )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"].strip(),
            "site_id": data["site"].pk if data["site"] else None,
            "overdue": data["overdue"],
            "open_adverse_event": data["open_adverse_event"],
        }


_ANY = ("", "Any")


class AdverseEventFilterForm(forms.Form):
    """The adverse-event list's filters and order (GET; every field optional). A value that is
    not one of the choices is refused by its field and the filter left off."""

    is_filter = True  # every field may be left empty: no "(optional)" on each

    serious = forms.ChoiceField(
        label="Serious", required=False, choices=[_ANY, ("yes", "Serious"), ("no", "Not serious")]
    )
    susar = forms.BooleanField(label="Only SUSARs", required=False)
    overdue = forms.BooleanField(label="Only reports overdue", required=False)
    expectedness = forms.ChoiceField(
        label="Expected?", required=False, choices=[_ANY, *Expectedness.choices]
    )
    related_to_cells = forms.ChoiceField(label="Related to the cells", required=False)
    related_to_procedure = forms.ChoiceField(label="Related to the procedure", required=False)
    grade = forms.TypedChoiceField(
        label="CTCAE grade",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[_ANY, *((g, str(g)) for g in range(1, 6))],
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[_ANY, *AdverseEvent.Outcome.choices]
    )
    status = forms.ChoiceField(
        label="Open or closed",
        required=False,
        choices=[_ANY, ("open", "Open"), ("closed", "Resolved or fatal")],
    )
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[
            ("onset", "Newest first"),
            ("grade", "Highest grade first"),
            ("deadline", "Report deadline, soonest first"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        related = [
            _ANY,
            (REASONABLE, "Possibly, probably or definitely"),
            *Relatedness.choices,
        ]
        self.fields["related_to_cells"].choices = related
        self.fields["related_to_procedure"].choices = related

    def filters(self) -> AdverseEventFilters:
        """The valid filters; a field that did not validate is left off."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        serious = {"yes": True, "no": False}.get(data.get("serious") or "")
        return AdverseEventFilters(
            serious=serious,
            susar=bool(data.get("susar")),
            expectedness=data.get("expectedness") or "",
            related_to_cells=data.get("related_to_cells") or "",
            related_to_procedure=data.get("related_to_procedure") or "",
            grade=data.get("grade"),
            outcome=data.get("outcome") or "",
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            sort=data.get("sort") or "onset",
        )
