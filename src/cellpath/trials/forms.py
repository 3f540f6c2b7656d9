"""The finder's forms: search filters (GET), and the questions a match needs (all optional)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from cellpath.outcomes.alsfrs_questions import QUESTIONS as ALSFRS_QUESTIONS
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH, EL_ESCORIAL, choices
from cellpath.screening import Profile
from cellpath.screening.profile import FIELDS, ITEM, NUMBER, parse_answer
from cellpath.screening.profile import YES_NO as YES_NO_KIND
from cellpath.trials.finder.gazetteer import NEAR_MAX_CHARS
from cellpath.trials.finder.queries import Place, Search, place_from
from cellpath.trials.models import KINDS, OPEN_STATUSES, PHASES, Status

RADII = [("", "Any distance"), ("50", "50 km"), ("100", "100 km"), ("250", "250 km"),
         ("500", "500 km"), ("1000", "1,000 km"), ("2500", "2,500 km")]  # fmt: skip
STATUS_CHOICES = [
    (s.value, s.label)
    for s in (
        *OPEN_STATUSES,
        Status.ACTIVE_NOT_RECRUITING,
        Status.COMPLETED,
        Status.SUSPENDED,
        Status.TERMINATED,
        Status.WITHDRAWN,
    )
] + [(Status.UNKNOWN.value, "Unknown (not verified for 2 years, or not given)")]
"""Unknown finds records whose status the registry marks unknown and those that give none."""
YES_NO = [("", "Not sure"), ("yes", "Yes"), ("no", "No")]
MONTH_HELP = "Month and year are enough."


UNKNOWN_PLACE = (
    "We do not know where that is. Try a town, a UK postcode, a US ZIP code, or coordinates "
    "such as 52.37, 4.89."
)


def _near_field() -> forms.CharField:
    return forms.CharField(
        label="Near (town, postcode or coordinates)",
        required=False,
        max_length=NEAR_MAX_CHARS,
        help_text="A town (Manchester; Manchester, NH), a UK postcode (M13), a US ZIP code "
        "(10001), or latitude, longitude such as 52.37, 4.89.",
    )


def _clean_near(form: forms.Form) -> Place | None:
    text = form.cleaned_data.get("near", "")
    if not text:
        return None
    place = place_from(text)
    if place is None:
        raise forms.ValidationError(UNKNOWN_PLACE)
    return place


class NearForm(forms.Form):
    """Where the sites of one trial are sorted from."""

    near = _near_field()
    clean_near = _clean_near

    def place(self) -> Place | None:
        return self.cleaned_data["near"] if self.is_valid() else None


class SearchForm(forms.Form):
    """What and where: words, status, phase, kind of treatment, distance. An unknown value is
    ignored with a message beside the field, never an error page."""

    is_filter = True  # every field may be left empty: no "(optional)" on each

    q = forms.CharField(label="Words", required=False, max_length=200,
                        help_text="For example a drug, a cell type or a sponsor.")  # fmt: skip
    status = forms.MultipleChoiceField(
        label="Status",
        choices=STATUS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="If you choose none: open to enrol (recruiting, not yet recruiting, by "
        "invitation, expanded access).",
    )
    phase = forms.MultipleChoiceField(
        label="Phase", choices=list(PHASES.items()), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    kind = forms.MultipleChoiceField(
        label="Kind of treatment", choices=list(KINDS.items())[:4], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    near = _near_field()
    radius = forms.ChoiceField(label="Within", choices=RADII, required=False)

    @property
    def more_chosen(self) -> bool:
        """Whether a status, phase or kind was chosen (their section then starts open)."""
        return self.is_bound and any(self.data.get(n) for n in ("status", "phase", "kind"))

    clean_near = _clean_near

    def search(self) -> Search:
        data = self.cleaned_data if self.is_valid() else _valid_part(self)
        radius = data.get("radius")
        return Search(
            words=data.get("q", ""),
            statuses=data.get("status") or OPEN_STATUSES,
            phases=data.get("phase") or (),
            kinds=data.get("kind") or (),
            place=data.get("near"),
            radius_km=float(radius) if radius and data.get("near") else None,
        )


def months_since(month: str | None, today: date) -> float | None:
    """Months from a "YYYY-MM" (the middle of that month) to today."""
    if not month:
        return None
    year, number = (int(part) for part in month.split("-")[:2])
    middle = date(year, number, 15)
    return round(max(0.0, (today - middle).days / DAYS_PER_MONTH), 1)


def _valid_part(form: forms.Form) -> dict[str, Any]:
    """The fields that validated (the others are shown with their message)."""
    return {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _month_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=MONTH_HELP,
        widget=forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )


def _yes_no_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=YES_NO, required=False,
                             widget=forms.RadioSelect)  # fmt: skip


class MatchForm(SearchForm):
    """The questions ALS trials ask most. Every answer is optional: a trial whose criterion
    needs a missing answer says "we need more information" and asks it."""

    age = forms.IntegerField(label="Your age (years)", required=False, min_value=0, max_value=120)
    sex = forms.ChoiceField(
        label="Sex", required=False, widget=forms.RadioSelect,
        choices=[("", "Prefer not to say"), ("female", "Female"), ("male", "Male")],
    )  # fmt: skip
    onset = _month_field("When did your first ALS symptoms start?")
    diagnosis = _month_field("When were you diagnosed with ALS?")
    alsfrs_r_total = forms.IntegerField(
        label="Your latest ALSFRS-R total (0–48)", required=False, min_value=0, max_value=48,
        help_text="Your ALS clinic can tell you. Or answer the 12 questions below.",
    )  # fmt: skip
    vc_percent = forms.DecimalField(
        label="Your latest breathing test, in % of predicted", required=False,
        min_value=1, max_value=200, decimal_places=1,
    )  # fmt: skip
    vc_measure = forms.ChoiceField(
        label="Which breathing test", required=False, widget=forms.RadioSelect,
        choices=[("FVC", "Forced vital capacity (FVC)"), ("SVC", "Slow vital capacity (SVC)")],
        initial="FVC",
    )  # fmt: skip
    el_escorial = forms.ChoiceField(
        label="El Escorial category of your diagnosis",
        required=False,
        choices=[("", "Not sure"), *choices(EL_ESCORIAL)],
    )
    tracheostomy = _yes_no_field("Do you have a tracheostomy?")
    niv_hours = forms.DecimalField(
        label="Hours a day you use a breathing mask (NIV); 0 if none", required=False,
        min_value=0, max_value=24, decimal_places=1,
    )  # fmt: skip
    gastrostomy = _yes_no_field("Do you have a feeding tube (gastrostomy)?")
    riluzole = _yes_no_field("Do you take riluzole?")
    riluzole_since = _month_field("Since when on the same riluzole dose?")
    edaravone = _yes_no_field("Do you take edaravone (Radicava)?")
    prior_stem_cell_therapy = _yes_no_field("Have you ever had a stem-cell treatment?")
    anticoagulants = _yes_no_field("Do you take a blood thinner?")
    pregnancy = _yes_no_field("Are you pregnant or breastfeeding?")
    sod1 = _yes_no_field("Has a genetic test found a change in the SOD1 gene?")
    c9orf72 = _yes_no_field("Has a genetic test found a C9orf72 repeat expansion?")
    height_cm = forms.DecimalField(label="Height (cm)", required=False, min_value=100,
                                   max_value=230, decimal_places=1)  # fmt: skip
    weight_kg = forms.DecimalField(label="Weight (kg)", required=False, min_value=25,
                                   max_value=250, decimal_places=1)  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in ALSFRS_QUESTIONS:
            if question.item == "q5b":
                continue  # with a feeding tube item 5b is asked instead: one item 5 here
            self.fields[question.item] = forms.TypedChoiceField(
                label=f"{question.number.rstrip('a')}. {question.title}: {question.question}",
                choices=[("", "Not answered"), *question.choices()],
                coerce=int,
                empty_value=None,
                required=False,
            )

    ITEM_FIELDS = tuple(q.item for q in ALSFRS_QUESTIONS if q.item != "q5b")
    SECTIONS = (
        ("About you", ("age", "sex")),
        ("Your diagnosis", ("onset", "diagnosis", "el_escorial")),
        ("Function and breathing", ("alsfrs_r_total", "vc_percent", "vc_measure", "niv_hours",
                                    "tracheostomy", "gastrostomy")),
        ("Medicines and earlier treatments", ("riluzole", "riluzole_since", "edaravone",
                                              "anticoagulants", "prior_stem_cell_therapy")),
        ("Other questions some trials ask", ("pregnancy", "sod1", "c9orf72", "height_cm",
                                             "weight_kg")),
    )  # fmt: skip

    @property
    def alsfrs_given(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.ITEM_FIELDS)

    def _month(self, name: str) -> str | None:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-")[:2])
            when = date(year, month, 1)
        except ValueError:
            self.add_error(name, "Give a month and year, for example 2026-03.")
            return None
        if when > timezone.localdate():
            self.add_error(name, "This month is in the future.")
            return None
        if year < 1950:
            self.add_error(name, "Please check the year.")
            return None
        return f"{year:04d}-{month:02d}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("onset", "diagnosis", "riluzole_since"):
            cleaned[name] = self._month(name)
        if (
            cleaned.get("onset")
            and cleaned.get("diagnosis")
            and cleaned["diagnosis"] < cleaned["onset"]
        ):
            self.add_error("diagnosis", "The diagnosis cannot come before the first symptoms.")
        return cleaned

    def profile(self) -> Profile:
        """The answers as a matching profile (answers that did not validate are left out)."""
        data = self.cleaned_data if self.is_valid() else _valid_part(self)
        today = timezone.localdate()
        items = {
            int(name[1:].rstrip("a")): data[name]
            for name in self.ITEM_FIELDS
            if data.get(name) is not None
        }
        total = data.get("alsfrs_r_total")  # else worked out from the items (with_derived)
        height, weight = data.get("height_cm"), data.get("weight_kg")
        riluzole = _yes_no(data.get("riluzole", ""))
        since = months_since(data.get("riluzole_since"), today)
        return Profile(
            age_years=data.get("age"),
            sex=data.get("sex") or None,
            months_since_symptom_onset=months_since(data.get("onset"), today),
            months_since_diagnosis=months_since(data.get("diagnosis"), today),
            alsfrs_r_total=total,
            alsfrs_r_items=items,
            vc_percent_predicted=_float(data.get("vc_percent")),
            vc_measure=(data.get("vc_measure") or "FVC") if data.get("vc_percent") else None,
            el_escorial=data.get("el_escorial") or None,
            riluzole=riluzole,
            riluzole_stable_days=round(since * DAYS_PER_MONTH) if riluzole and since else None,
            edaravone=_yes_no(data.get("edaravone", "")),
            prior_stem_cell_therapy=_yes_no(data.get("prior_stem_cell_therapy", "")),
            tracheostomy=_yes_no(data.get("tracheostomy", "")),
            niv_hours_per_day=float(data["niv_hours"])
            if data.get("niv_hours") is not None
            else None,
            gastrostomy=_yes_no(data.get("gastrostomy", "")),
            pregnancy=_yes_no(data.get("pregnancy", "")),
            anticoagulants=_yes_no(data.get("anticoagulants", "")),
            sod1_mutation=_yes_no(data.get("sod1", "")),
            c9orf72=_yes_no(data.get("c9orf72", "")),
            bmi=round(float(weight) / (float(height) / 100) ** 2, 1) if height and weight else None,
        )


class AlertForm(forms.Form):
    """Being told about new matching trials: an address and consent, nothing else."""

    email = forms.EmailField(label="Your e-mail address")
    consent = forms.BooleanField(
        label="Keep my answers above and e-mail me when a new trial may match them. I can stop "
        "this, and delete my answers, with one click in any e-mail.",
        error_messages={"required": "We need your permission to keep your answers."},
    )
    website = forms.CharField(  # a honeypot: hidden from people and screen readers
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


ANSWER_PREFIX = "answer_"
ANSWER_MAX_CHARS = 20
_PROFILE_KEYS = frozenset(f.name for f in dataclass_fields(Profile))
_ANSWER_HINTS = {"bmi": "Weight in kilograms divided by the square of height in metres."}


def answerable(key: str) -> bool:
    """Whether a question can be answered on the results page (one number, yes/no or choice)."""
    definition = FIELDS.get(key)
    return definition is not None and key in _PROFILE_KEYS and definition.kind != ITEM


class RecordAnswersForm(forms.Form):
    """Answers to the questions a record leaves open, posted from the results page and used for
    that match only: they are never written to the record. One field per question (`keys`, in
    order); every answer optional and checked against the question's plausible range."""

    def __init__(self, data: Any = None, *, keys: Iterable[str], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        wanted = set(keys)
        for key in (k for k in FIELDS if k in wanted and answerable(k)):  # the catalogue's order
            definition = FIELDS[key]
            name = ANSWER_PREFIX + key
            if definition.kind == NUMBER:
                unit = f" ({definition.unit})" if definition.unit else ""
                self.fields[name] = forms.CharField(
                    label=f"{definition.label}{unit}",
                    help_text=_ANSWER_HINTS.get(key, definition.question),
                    required=False,
                    max_length=ANSWER_MAX_CHARS,
                    error_messages={
                        "max_length": f"Please give a shorter answer: a number, at "
                        f"most {ANSWER_MAX_CHARS} characters."
                    },
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
                )
            else:
                options = (
                    YES_NO
                    if definition.kind == YES_NO_KIND
                    else [("", "Not sure"), *definition.choices]
                )
                self.fields[name] = forms.ChoiceField(
                    label=definition.question, choices=options, required=False,
                    widget=forms.RadioSelect,
                )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in self.fields:
            if name in self.errors:
                continue
            try:
                cleaned[name] = parse_answer(name.removeprefix(ANSWER_PREFIX), cleaned.get(name))
            except ValueError as error:
                self.add_error(name, str(error))
        return cleaned

    def answers(self) -> dict[str, Any]:
        """The answers given and valid, by profile field (a refused one is left out)."""
        data = self.cleaned_data if self.is_valid() else _valid_part(self)
        return {
            name.removeprefix(ANSWER_PREFIX): value
            for name, value in data.items()
            if value is not None
        }


def answered_keys(data: Any) -> list[str]:
    """The questions posted answers name (so that an answered question keeps its field)."""
    keys = (name.removeprefix(ANSWER_PREFIX) for name in data if name.startswith(ANSWER_PREFIX))
    return [key for key in keys if answerable(key)]


def with_answers(profile: Profile, answers: dict[str, Any]) -> Profile:
    """`profile` with `answers` filling what it does not hold (what it holds stays)."""
    filled = {k: v for k, v in answers.items() if getattr(profile, k) is None}
    return replace(profile, **filled) if filled else profile
