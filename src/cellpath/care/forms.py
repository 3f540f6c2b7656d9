from __future__ import annotations

from typing import Any

from django import forms

from cellpath.accounts.models import Site
from cellpath.care.models import Patient

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatientForm(forms.ModelForm):
    """Shape only; the model's clean() holds the date rules, the service the permissions."""

    site = forms.ModelChoiceField(queryset=Site.objects.none(), label="Site")

    class Meta:
        model = Patient
        fields = ["site", "full_name", "sex", "date_of_birth", "onset_date", "diagnosis_date"]
        widgets = {"date_of_birth": DATE, "onset_date": DATE, "diagnosis_date": DATE}

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if self.instance.pk:
            del self.fields["site"]
        elif sites.count() == 1:
            self.fields["site"].initial = sites.first()
