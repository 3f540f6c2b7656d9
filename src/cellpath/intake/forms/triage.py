"""The coordinators' forms on an application: its status, an e-mail to the applicant, a note."""

from __future__ import annotations

from django import forms

from cellpath.intake.models import Application


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label="Move to", choices=Application.Status.choices)


class EmailForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=200)
    body = forms.CharField(
        label="Message", max_length=6000, widget=forms.Textarea(attrs={"rows": 12})
    )


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
