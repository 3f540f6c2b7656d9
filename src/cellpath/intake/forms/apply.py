"""The application form's steps: who is applying, then the questions each programme needs."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from cellpath.intake.forms.public import ProgrammesChoiceField, honeypot, is_bot
from cellpath.intake.models import Application
from cellpath.intake.questions import DATE_QUESTIONS, TEXT_QUESTIONS, question_wording
from cellpath.outcomes.alsfrs_questions import BY_ITEM
from cellpath.programmes.models import Programme
from cellpath.screening import FIELDS, parse_answer

NOT_SURE = "not_sure"
"""The value of "Not sure" (and of "I prefer not to answer"): stored as None, like a missing
answer, but a value of its own so that a question nobody answered shows nothing chosen."""
YES_NO = [("yes", "Yes"), ("no", "No"), (NOT_SURE, "Not sure")]
NEEDED = "Needed for the pre-screen."
"""The hint of a question the programme's criteria read; any other question says "(optional)"
(the form field component), never both."""
PHONE = re.compile(r"[0-9 +\-()]+")
PHONE_DIGITS = (6, 20)
PHONE_PROBLEM = (
    "Give a phone number in digits, for example +44 20 7946 0958. Spaces, +, - and brackets "
    "are fine."
)


class AboutForm(forms.ModelForm):
    """Step 1: who is applying, how to reach them, the programmes, and consent per purpose."""

    programmes = ProgrammesChoiceField(
        queryset=Programme.objects.none(),
        label="The programmes you are applying to",
        help_text="Choose one or more. You answer the questions once for all of them; each "
        "programme's coordinators read only their own application.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one programme."},
    )
    consent_screening = forms.BooleanField(
        label="I agree that Cellpath uses my answers to pre-screen this application and that "
        "the programme's coordinators read them.",
        required=True,
        error_messages={"required": "We cannot pre-screen your application without this."},
    )
    consent_contact = forms.BooleanField(
        label="The programme may contact me about this application by e-mail or phone.",
        required=False,
    )
    consent_newsletter = forms.BooleanField(
        label="Send me Cellpath's newsletter about ALS research (you can stop it at any time).",
        required=False,
    )
    website = honeypot()

    class Meta:
        model = Application
        fields = (
            "applicant",
            "applicant_name",
            "patient_name",
            "relationship",
            "email",
            "phone",
            "consent_screening",
            "consent_contact",
            "consent_newsletter",
        )
        widgets = {
            "applicant": forms.RadioSelect,
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "applicant_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    field_order = (
        "applicant", "applicant_name", "patient_name", "relationship", "email", "phone",
        "programmes", "consent_screening", "consent_contact", "consent_newsletter",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = Programme.objects.filter(
            published=True, screening_criteria__isnull=False
        ).distinct()
        self.fields["applicant"].choices = list(Application.Applicant.choices)
        self.fields["patient_name"].help_text = "Only if you are applying for someone else."

    @property
    def bot(self) -> bool:
        return is_bot(self.data)

    def clean_phone(self) -> str:
        """Digits, with the spaces, +, - and brackets people write between them: 6 to 20
        digits (an extension or a short number fits; "abc" does not)."""
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        low, high = PHONE_DIGITS
        digits = sum(character.isdigit() for character in phone)
        if not PHONE.fullmatch(phone) or not low <= digits <= high:
            raise forms.ValidationError(PHONE_PROBLEM)
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("applicant") == Application.Applicant.ON_BEHALF and not cleaned.get(
            "patient_name"
        ):
            self.add_error("patient_name", "Tell us the name of the person with ALS.")
        return cleaned


def _not_sure_or_score(value: str) -> int | None:
    return None if value == NOT_SURE else int(value)


def _answer_field(key: str, *, needed: bool, for_someone_else: bool = False) -> forms.Field:
    """One question. A needed one says "Needed for the pre-screen." and not "(optional)"; a
    radio question has nothing chosen until the person chooses ("Not sure" included)."""
    field = _question(key, hint=NEEDED if needed else "", for_someone_else=for_someone_else)
    field.hide_optional = needed  # type: ignore[attr-defined]
    return field


def _question(key: str, *, hint: str, for_someone_else: bool) -> forms.Field:
    if key in TEXT_QUESTIONS:
        return forms.CharField(
            label=question_wording(key, for_someone_else=for_someone_else),
            required=False,
            max_length=1000,
            help_text=hint,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    if key in DATE_QUESTIONS:
        return forms.DateField(
            label=question_wording(key, for_someone_else=for_someone_else),
            required=False,
            help_text=hint,
            widget=forms.DateInput(attrs={"type": "date"}),
        )
    if key in BY_ITEM:
        question = BY_ITEM[key]
        return forms.TypedChoiceField(
            label=f"{question.number}. {question.title}: {question.question}",
            choices=[*question.plain_choices(), (NOT_SURE, "I prefer not to answer")],
            coerce=_not_sure_or_score,
            empty_value=None,
            required=False,
            help_text=hint,
            widget=forms.RadioSelect,
        )
    field = FIELDS[key]
    if field.kind == "yes_no":
        return forms.ChoiceField(
            label=field.question, choices=YES_NO, required=False, widget=forms.RadioSelect,
            help_text=hint,
        )  # fmt: skip
    if field.kind == "choice":
        return forms.ChoiceField(
            label=field.question,
            choices=[*field.choices, (NOT_SURE, "Not sure")],
            required=False,
            widget=forms.RadioSelect,
            help_text=hint,
        )
    unit = f" ({field.unit})" if field.unit else ""
    return forms.CharField(
        label=f"{field.question}{unit}",
        required=False,
        max_length=20,
        help_text=" ".join(filter(None, (hint, "Leave empty if you do not know."))),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def _radio(key: str) -> bool:
    return key in BY_ITEM or (key in FIELDS and FIELDS[key].kind in ("yes_no", "choice"))


class AnswersForm(forms.Form):
    """One step's questions, built from the keys the programme needs."""

    def __init__(
        self,
        *args: Any,
        keys: list[str],
        needed: set[str],
        for_someone_else: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for key in keys:
            self.fields[key] = _answer_field(
                key, needed=key in needed, for_someone_else=for_someone_else
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        today = timezone.localdate()
        for key, value in list(cleaned.items()):
            if _radio(key) and not self.data.get(self.add_prefix(key)):
                del cleaned[key]  # nothing chosen: unanswered, not "not sure"
            elif value == NOT_SURE:
                cleaned[key] = None
            elif isinstance(value, date):
                if value > today:
                    self.add_error(key, "This date is in the future.")
                cleaned[key] = value.isoformat()
            elif key in FIELDS:
                try:
                    cleaned[key] = parse_answer(key, value)
                except ValueError as error:
                    self.add_error(key, str(error))
        born, onset = cleaned.get("date_of_birth"), cleaned.get("onset_date")
        if born and onset and onset < born:
            self.add_error("onset_date", "Symptoms cannot start before the date of birth.")
        return cleaned

    @staticmethod
    def initial_from(answers: dict[str, Any], keys: list[str]) -> dict[str, Any]:
        """Stored answers as the form shows them (yes/no as "yes"/"no"; a stored None to a
        radio question as "Not sure", a question never answered with nothing chosen)."""
        initial: dict[str, Any] = {}
        for key in keys:
            value = answers.get(key)
            if value is None and key in answers and _radio(key):
                value = NOT_SURE
            elif value is True:
                value = "yes"
            elif value is False:
                value = "no"
            initial[key] = value
        return initial
