"""Forms parse and validate shape; the models' clean() hold the rules, services the permissions."""

from __future__ import annotations

from typing import Any

from django import forms

from cellpath.care.models import (
    Consent,
    Medication,
    Patient,
    PatientIdentity,
    PredictionRelease,
)
from cellpath.care.services.patients import EDITABLE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TRI_STATE = forms.NullBooleanSelect()

PATIENT_FIELDS = EDITABLE_FIELDS


def date_widgets(*names: str) -> dict[str, forms.Widget]:
    return dict.fromkeys(names, DATE)


class PatientForm(forms.ModelForm):
    """The record's clinical facts; with `clinicians` (the site's), also who is responsible."""

    clinician = forms.ModelChoiceField(
        label="Responsible clinician",
        queryset=None,
        required=False,
        empty_label="Not named yet",
        help_text="The clinician who signs this patient's visits: their work list shows them "
        "first.",
    )

    def __init__(self, *args: Any, clinicians: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clinicians is None:
            del self.fields["clinician"]
        else:
            self.fields["clinician"].queryset = clinicians
            self.fields["clinician"].label_from_instance = lambda u: u.full_name or u.email
            self.fields["clinician"].initial = self.instance.clinician_id

    class Meta:
        model = Patient
        fields = PATIENT_FIELDS
        widgets = {
            **date_widgets(
                "date_of_birth",
                "onset_date",
                "diagnosis_date",
                "gastrostomy_date",
                "niv_date",
                "niv_full_time_date",
                "tracheostomy_date",
                "death_date",
            ),
            "ftd": TRI_STATE,
            "c9orf72": TRI_STATE,
            "sod1": TRI_STATE,
        }
        help_texts = {
            "onset_date": "The day the first symptom was noticed; an estimate is fine.",
            "el_escorial": "The revised El Escorial category at diagnosis (Brooks et al. 2000).",
            "height_cm": "Needed to compute FVC % predicted.",
            "ftd": "Leave as 'Unknown' when it has not been assessed.",
        }


class IdentityForm(forms.ModelForm):
    class Meta:
        model = PatientIdentity
        fields = ["full_name", "email", "phone"]


class NewPatientForm(IdentityForm):
    """Identity, the site, and the clinical record in one form (coordinators only)."""

    site = forms.ModelChoiceField(queryset=None, label="Site")

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if sites.count() == 1:
            self.fields["site"].initial = sites.first()
        self.order_fields(["site", "full_name", "email", "phone"])


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["drug", "other_name", "started_on", "stopped_on"]
        widgets = date_widgets("started_on", "stopped_on")
        help_texts = {"stopped_on": "Leave empty while the patient is still taking it."}


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "version", "given_on", "method"]
        widgets = date_widgets("given_on")
        help_texts = {"version": "The version printed on the consent document, e.g. 2.1."}


class DateForm(forms.Form):
    """One date: when a medication stopped, when consent was withdrawn."""

    day = forms.DateField(widget=DATE)

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].label = label


class PredictionReleaseForm(forms.Form):
    """A clinician shows the predicted survival to the patient, after discussing it."""

    note = forms.CharField(
        label="How it was discussed",
        max_length=PredictionRelease.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: “Discussed at the clinic on 3 March with Ms Example and her "
        "husband.” The patient and their caregivers see this note beside the prediction. Up to "
        "2,000 characters.",
        error_messages={"required": "Write when and how the prediction was discussed."},
    )


class PredictionWithdrawForm(forms.Form):
    """A clinician hides the prediction from the patient and their caregivers again."""

    note = forms.CharField(
        label="Why",
        max_length=PredictionRelease.NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the record (the patient sees it in their data download). Up to "
        "2,000 characters.",
    )
