"""Forms of the accounts app: they parse and validate shape; services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from cellpath.accounts import throttle
from cellpath.accounts.audit import record
from cellpath.accounts.models import AuditEvent, Site
from cellpath.accounts.roles import STAFF_ROLES, Role
from cellpath.outbox import send_email_after_commit


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError("Enter the 6 digits shown in your authenticator app.")
        return code


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, limited per address and sent in the background.

    The page that follows is the same whether or not the address has an account.
    """

    def save(self, *args: Any, **kwargs: Any) -> None:
        email = self.cleaned_data["email"].strip().lower()
        key = f"password-reset:{email}"
        if throttle.exceeded(
            key, limit=settings.CELLPATH_PASSWORD_RESET_LIMIT, window_seconds=3600
        ):
            record(
                email,
                AuditEvent.Action.PASSWORD_RESET_REQUESTED,
                detail={"sent": False, "reason": "rate limit"},
            )
            return
        throttle.hit(key)
        record(email, AuditEvent.Action.PASSWORD_RESET_REQUESTED, detail={"sent": True})
        super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email_after_commit(subject=subject, body=body, to=[to_email])


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Who (e-mail contains)", required=False, max_length=254)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditEvent.Action.choices]
    )
    record = forms.CharField(label="Record (study ID or id)", required=False, max_length=200)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


STAFF_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in STAFF_ROLES]
"""The roles an administrator gives here: patients and caregivers join through the care
pathway (an application, a patient's invitation)."""


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Site) -> str:
        return obj.name


class _SiteRoleForm(forms.Form):
    site = SiteChoiceField(label="Site", queryset=Site.objects.none(), empty_label=None)
    role = forms.ChoiceField(label="Role", choices=STAFF_ROLE_CHOICES)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class InviteForm(_SiteRoleForm):
    email = forms.EmailField(label="E-mail address", max_length=254)
    full_name = forms.CharField(label="Full name", max_length=200, required=False)

    field_order = ["email", "full_name", "site", "role"]


class RoleAddForm(_SiteRoleForm):
    """Add a staff role at one of the administrator's sites to an existing account."""
