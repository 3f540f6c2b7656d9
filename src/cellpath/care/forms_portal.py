"""Forms of the patient portal: one ALSFRS-R question at a time, an update, an erasure request,
and the coordinator's decision on it. Messages are written for patients: plain and kind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from cellpath.outcomes.alsfrs_questions import Question


class AlsfrsAnswerForm(forms.Form):
    """One question of the self-reported ALSFRS-R, in the wording people answer it with
    (`Question.plain_choices`: the scale's own, in everyday words where it is shorthand)."""

    answer = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the answer that fits you best."},
    )

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["answer"].choices = question.plain_choices()
        self.fields["answer"].label = question.question


class UpdateForm(forms.Form):
    text = forms.CharField(
        label="How are you doing?",
        help_text="In your own words. Your care team reads this; it is not an emergency line.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Write a few words before sending.",
            "max_length": "Please keep it under 4,000 characters (you wrote %(show_value)d).",
        },
    )


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why are you asking?",
        help_text="You do not have to give a reason.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    understood = forms.BooleanField(
        label="I understand that, once my request is approved, I can no longer sign in to "
        "Cellpath and my name cannot be restored.",
        error_messages={"required": "Tick this box to confirm that you understand."},
    )


class ErasureDecisionForm(forms.Form):
    DECISIONS = (("approve", "Approve"), ("decline", "Decline"))

    decision = forms.ChoiceField(
        choices=DECISIONS,
        widget=forms.HiddenInput,
        error_messages={"required": "Choose to approve or to decline the request."},
    )
    note = forms.CharField(
        label="Note to the patient",
        help_text="Required when you decline: the patient sees it.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CaregiverInviteForm(forms.Form):
    email = forms.EmailField(
        label="Your caregiver's e-mail address",
        help_text="We send them a link to accept. It works for 14 days.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Give the e-mail address of the person you want to invite.",
            "invalid": "Give an e-mail address like name@example.org.",
        },
    )


class CaregiverJoinForm(forms.Form):
    full_name = forms.CharField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Give your name."},
    )
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 12 characters. A few unrelated words make a strong password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password."},
    )
    password_again = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password a second time."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords are not the same.")
        elif password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data
