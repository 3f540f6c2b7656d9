"""Secrets in links (resume an application, confirm a subscription, download a packet, accept a
caregiver invitation): only their SHA-256 is stored, so a copy of the database opens nothing.
A staff invitation's link is signed instead (nothing stored), like a password-reset link."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """The signed link of a staff invitation: Django's password-reset token (bound to the
    account's password hash, last sign-in and e-mail, so it stops working once a password is
    chosen), under its own salt (a reset link is not an invitation, nor the other way round) and
    valid for `CELLPATH_INVITATION_SECONDS` instead of the reset link's hour."""

    key_salt = "cellpath.accounts.tokens.InvitationTokenGenerator"

    def check_token(self, user: AbstractBaseUser | None, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - ts <= settings.CELLPATH_INVITATION_SECONDS


invitation_token = InvitationTokenGenerator()
