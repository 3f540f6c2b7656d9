"""Saved searches: being told by e-mail when a new trial may match one's answers.

Double opt-in, the same mechanism as the newsletter's (`accounts.subscriptions`): the answers
are kept and nothing is sent until the address confirms (by POST: mail scanners open links; of
that link only a hash is kept). Every e-mail carries the same one-click link — and the RFC 8058
headers — that stops the alerts and deletes the answers at once (signed, so nothing is stored
for it). The alerts run as a background task after each import that added or changed an open
ALS trial. An alert names trials and links to them, never the person's answers: e-mail is not
private.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from cellpath.accounts.subscriptions import DoubleOptIn
from cellpath.outbox import absolute_url
from cellpath.screening import Profile, Verdict
from cellpath.trials.finder.queries import Place, Search, match_trials
from cellpath.trials.models import OPEN_STATUSES, SavedSearch, Trial

ALERTS = DoubleOptIn(
    model=SavedSearch,
    confirm_url="trials:alert-confirm",
    stop_url="trials:alert-stop",
    stop_salt="cellpath.trials.alert-stop",
    asked_at="created_at",
    stopped_at=None,  # stopping deletes the answers: nothing of them is kept
)
CONFIRM_DAYS = ALERTS.confirm_days
SEARCH_SALT = "cellpath.trials.match-results"
SEARCH_MAX_AGE = 24 * 60 * 60
"""A results page's "tell me about new trials" form works for a day."""
TOLD = (Verdict.LIKELY_ELIGIBLE, Verdict.NEED_MORE_INFORMATION)
"""Trials worth an e-mail: likely eligible, or possibly so with more answers."""


# --- a search as data ---------------------------------------------------------------------------


def search_json(query: Search) -> dict[str, Any]:
    """The finder filters of a search, as JSON."""
    place = query.place
    return {
        "words": query.words,
        "statuses": list(query.statuses),
        "phases": list(query.phases),
        "kinds": list(query.kinds),
        "als_only": query.als_only,
        "place": [place.latitude, place.longitude, place.label] if place else None,
        "radius_km": query.radius_km,
    }


def search_from_json(data: dict[str, Any]) -> Search:
    return Search(
        words=data.get("words", ""),
        statuses=data.get("statuses") or OPEN_STATUSES,
        phases=data.get("phases", ()),
        kinds=data.get("kinds", ()),
        als_only=data.get("als_only", True),
        place=Place(*data["place"]) if data.get("place") else None,
        radius_km=data.get("radius_km"),
    )


def sign_search(profile: Profile, query: Search) -> str:
    """The answers and filters of a results page, signed into it, so that "tell me about new
    trials" keeps exactly what was matched (and nothing a visitor could alter)."""
    data = {"profile": profile.as_json(), "search": search_json(query)}
    return signing.dumps(data, salt=SEARCH_SALT, compress=True)


def unsign_search(value: str) -> tuple[Profile, Search] | None:
    try:
        data = signing.loads(value, salt=SEARCH_SALT, max_age=SEARCH_MAX_AGE)
    except signing.BadSignature:
        return None
    return Profile.from_json(data["profile"]), search_from_json(data["search"])


def _told(profile: Profile, query: Search) -> list[str]:
    """The trials a search's answers would be told about today."""
    ranked = match_trials(profile, query, show=0).ranked
    return [nct_id for nct_id, found in ranked if found.verdict in TOLD]


# --- the double opt-in ---------------------------------------------------------------------------


def stop_token(saved: SavedSearch) -> str:
    return ALERTS.stop_token(saved)


def saved_search_create(
    *, email: str, profile: Profile, query: Search, consent_text: str
) -> SavedSearch:
    """Keep the answers (unconfirmed) and e-mail the confirmation link. The trials that match
    today count as already shown: alerts are about new ones."""
    saved = SavedSearch(
        email=email.strip(), profile=profile.as_json(), filters=search_json(query),
        known=_told(profile, query),
    )  # fmt: skip
    with transaction.atomic():
        confirm = ALERTS.start(saved, consent_text=consent_text)
        ALERTS.send_after_commit(
            saved,
            subject="Please confirm: e-mails about new ALS trials",
            body=(
                "Someone (we hope you) asked Cellpath to keep their answers and to e-mail this "
                "address when a new clinical trial may match them. Nothing is sent until you "
                "confirm:\n\n"
                f"{ALERTS.confirm_link(confirm)}\n\n"
                f"This link works for {CONFIRM_DAYS} days. If it was not you, ignore this "
                f"e-mail, or delete the answers now:\n{ALERTS.stop_link(saved)}"
            ),
        )
    return saved


def saved_search_by_confirm_token(token: str) -> SavedSearch | None:
    """The saved search a confirmation link opens: confirmed ones always (clicking twice is
    harmless), unconfirmed ones for CONFIRM_DAYS."""
    return ALERTS.by_confirm_token(token)


def saved_search_by_stop_token(token: str) -> SavedSearch | None:
    return ALERTS.by_stop_token(token)


def saved_search_confirm(saved: SavedSearch) -> None:
    ALERTS.confirm(saved)


def saved_search_delete(saved: SavedSearch) -> None:
    """Stop the alerts and delete the answers: nothing of them is kept."""
    ALERTS.stop(saved)


@task()
def notify_saved_searches(*, changed: Sequence[str]) -> int:
    """After an import: tell each confirmed saved search about the trials among `changed` that
    now match it and that it was not told about before. Returns the number of e-mails."""
    changed_set = set(changed)
    sent = 0
    for saved in SavedSearch.objects.filter(confirmed_at__isnull=False):
        profile = Profile.from_json(saved.profile)
        ranked = match_trials(profile, search_from_json(saved.filters), show=0).ranked
        new = [
            (nct_id, found.verdict)
            for nct_id, found in ranked
            if found.verdict in TOLD and nct_id in changed_set and nct_id not in saved.known
        ]
        if not new:
            continue
        titles = dict(Trial.objects.filter(nct_id__in=[n for n, _ in new]).values_list(
            "nct_id", "title"))  # fmt: skip
        lines = [
            "A trial in the ClinicalTrials.gov registry may match the answers you saved on "
            "Cellpath:",
            "",
        ]
        for nct_id, verdict in new:
            lines += [
                f"- {titles.get(nct_id, nct_id)} ({nct_id}): {verdict.label.lower()}",
                f"  {absolute_url(reverse('trials:detail', args=[nct_id]))}",
            ]
        lines += [
            "",
            "A match is not a medical decision and a registry listing is not an endorsement. "
            "Please talk to your neurologist and to the trial team.",
            "",
            "To stop these e-mails and delete your answers, in one click:",
            ALERTS.stop_link(saved),
        ]
        with transaction.atomic():
            saved.known = [*saved.known, *(nct_id for nct_id, _ in new)]
            saved.last_sent_at = timezone.now()
            saved.save(update_fields=["known", "last_sent_at"])
            ALERTS.send_after_commit(
                saved,
                subject=f"{len(new)} new ALS trial{'s' if len(new) > 1 else ''} may match you",
                body="\n".join(lines),
            )
        sent += 1
    return sent
