"""Counting attempts per key in a time window: sign-in lockout and rate limits on public forms.

Kept in the database so that every app process sees the same counts, with no cache server
(the embedded default must be complete).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cellpath.accounts.models import ThrottleEvent


def hits(key: str, *, window_seconds: int) -> int:
    since = timezone.now() - timedelta(seconds=window_seconds)
    return ThrottleEvent.objects.filter(key=key, at__gte=since).count()


def hit(key: str, *, keep_seconds: int = 24 * 60 * 60) -> None:
    """Count one attempt, and forget this key's attempts older than `keep_seconds`."""
    ThrottleEvent.objects.filter(
        key=key, at__lt=timezone.now() - timedelta(seconds=keep_seconds)
    ).delete()
    ThrottleEvent.objects.create(key=key)


def clear(key: str) -> None:
    ThrottleEvent.objects.filter(key=key).delete()


def exceeded(key: str, *, limit: int, window_seconds: int) -> bool:
    """True when `key` has been hit `limit` times or more within the window."""
    return hits(key, window_seconds=window_seconds) >= limit
