"""Rate limits of the public forms (OWASP ASVS V2.2.1 / V11.1.4): per address per hour and per
e-mail address per day, counted in the database (`throttle`) so every app process sees the same
counts. Every public form's limit is in this table, so the policy reads in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from cellpath.accounts import throttle

HOUR, DAY = 60 * 60, 24 * 60 * 60


@dataclass(frozen=True)
class FormLimit:
    form: str  # names the counters, e.g. "apply"
    per_address: int  # per hour
    per_email: int  # per day

    def _keys(self, request: HttpRequest, email: str) -> tuple[tuple[str, int, int], ...]:
        return (
            (f"{self.form}-ip:{request.META.get('REMOTE_ADDR', '')}", self.per_address, HOUR),
            (f"{self.form}-email:{email.strip().lower()}", self.per_email, DAY),
        )

    def exceeded(self, request: HttpRequest, email: str) -> bool:
        return any(
            throttle.exceeded(key, limit=limit, window_seconds=window)
            for key, limit, window in self._keys(request, email)
        )

    def count(self, request: HttpRequest, email: str) -> None:
        for key, _, _ in self._keys(request, email):
            throttle.hit(key)


APPLY = FormLimit("apply", per_address=20, per_email=5)
NEWSLETTER = FormLimit("newsletter", per_address=10, per_email=3)
PACKET = FormLimit("packet", per_address=10, per_email=5)
CONTACT = FormLimit("contact", per_address=10, per_email=5)
TRIAL_ALERT = FormLimit("trial-alert", per_address=10, per_email=3)
