"""Being told about new matching trials: double opt-in, an alert after an import naming only the
trial, one-click stop that deletes the answers, abuse limits."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from cellpath.trials.alerts import notify_saved_searches
from cellpath.trials.ctgov.importer import import_source
from cellpath.trials.ctgov.sources import open_source
from cellpath.trials.models import SavedSearch
from tests.trials.conftest import demo_record, edited, write_zip

pytestmark = pytest.mark.django_db

ANSWERS = {"age": "55", "alsfrs_r_total": "38", "vc_percent": "82", "el_escorial": "probable",
           "tracheostomy": "no", "prior_stem_cell_therapy": "no"}  # fmt: skip


def _csrf(client: Client) -> str:
    return client.cookies["csrftoken"].value


def _ask(client: Client, email: str = "pat@example.org", **extra) -> object:
    """Match, then ask to be told, as the results page's form does."""
    client.get("/trials/match/")
    page = client.post("/trials/match/", {**ANSWERS, "csrfmiddlewaretoken": _csrf(client)})
    search = re.search(r'name="search" value="([^"]+)"', page.content.decode()).group(1)
    data = {"search": search, "email": email, "consent": "on", "csrfmiddlewaretoken": _csrf(client)}
    return client.post("/trials/alerts/", {**data, **extra})


def _link(body: str, kind: str) -> str:
    return re.search(rf"http://[^\s]+/trials/alerts/{kind}/[^\s]+/", body).group(0)


def _new_trial(tmp_path, nct_id: str = "NCT99000100"):
    record = edited(
        demo_record("NCT99000001"),
        **{"identificationModule.nctId": nct_id,
           "identificationModule.briefTitle": "A brand-new MSC trial (demo)"},
    )  # fmt: skip
    return import_source(open_source(write_zip(tmp_path / f"{nct_id}.zip", {"n.json": record})))


def test_nothing_is_sent_until_the_address_confirms(
    demo_trials, tmp_path, django_capture_on_commit_callbacks
) -> None:
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client)
    assert response.status_code == 302 and response["Location"] == "/trials/alerts/sent/"
    [confirm] = mail.outbox
    assert "confirm" in confirm.body.lower() and confirm.extra_headers["List-Unsubscribe"]
    saved = SavedSearch.objects.get()
    assert not saved.active and "NCT99000001" in saved.known  # today's matches count as shown
    summary = _new_trial(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_saved_searches.call(changed=summary.changed_open_als) == 0
    assert len(mail.outbox) == 1


def test_a_confirmed_search_hears_once_about_a_new_matching_trial(
    demo_trials, tmp_path, django_capture_on_commit_callbacks
) -> None:
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client)
    confirm = _link(mail.outbox[0].body, "confirm")
    assert "Yes, tell me" in client.get(confirm).content.decode()  # a GET confirms nothing
    assert not SavedSearch.objects.get().active
    client.post(confirm, {"csrfmiddlewaretoken": _csrf(client)})
    assert SavedSearch.objects.get().active
    summary = _new_trial(tmp_path)
    assert summary.changed_open_als == ["NCT99000100"]
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_saved_searches.call(changed=summary.changed_open_als) == 1
    alert = mail.outbox[-1]
    assert "A brand-new MSC trial (demo)" in alert.body and "/trials/NCT99000100/" in alert.body
    words = re.sub(r"http://\S+", "", alert.body)  # a link's random token may hold any digits
    assert "38" not in words and "probable" not in words  # never the answers
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_saved_searches.call(changed=["NCT99000100"]) == 0  # told once


def test_one_click_stops_and_deletes_the_answers(
    demo_trials, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _ask(Client(enforce_csrf_checks=True))
    stop = _link(mail.outbox[0].body, "stop")
    assert "Stop and delete my answers" in Client().get(stop).content.decode()
    assert SavedSearch.objects.exists()
    # a mail client's one-click POST (RFC 8058) carries no CSRF token
    response = Client(enforce_csrf_checks=True).post(stop, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not SavedSearch.objects.exists()
    assert "answers deleted" in Client().post(stop).content.decode()  # twice: still fine


def test_a_refused_address_is_explained_and_nothing_kept(demo_trials) -> None:
    response = _ask(Client(enforce_csrf_checks=True), email="not-an-address")
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_an_altered_or_old_results_form_is_refused(demo_trials) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/trials/match/")
    response = client.post(
        "/trials/alerts/",
        {"search": "forged", "email": "a@example.org", "consent": "on",
         "csrfmiddlewaretoken": _csrf(client)},
    )  # fmt: skip
    assert response.status_code == 400 and not SavedSearch.objects.exists()


def test_bots_and_floods_are_stopped(demo_trials) -> None:
    client = Client(enforce_csrf_checks=True)
    assert _ask(client, website="http://spam.example").status_code == 200
    assert not SavedSearch.objects.exists()
    statuses = [_ask(client, email="flood@example.org").status_code for _ in range(4)]
    assert statuses[:3] == [302, 302, 302] and statuses[3] == 429
