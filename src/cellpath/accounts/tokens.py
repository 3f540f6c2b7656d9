"""Secrets in links (resume an application, confirm a subscription, download a packet, accept a
caregiver invitation): only their SHA-256 is stored, so a copy of the database opens nothing."""

from __future__ import annotations

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
