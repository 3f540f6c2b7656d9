"""Editors find records by title, kind and status; save drafts; preview unsaved text with the
public template; submit changes for another editor's approval; and broken links are refused."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.accounts.roles import Role
from cellpath.evidence.models import Claim, KnowledgePage, Study
from cellpath.evidence.services import content_save
from tests.conftest import ACTORS, sign_in
from tests.evidence.conftest import make_study
from tests.evidence.test_editing import STUDY, _errors, post
from tests.factories import UserFactory

PAGE = {"slug": "new-page", "title": "Finding a trial", "summary": "How to look.", "order": "1",
        "body": "Most people live {{median-survival}} after symptoms start."}  # fmt: skip


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def editor(client_for) -> Client:
    return client_for("editor")


@pytest.fixture
def second_editor(world) -> Client:
    user = UserFactory(email="editor2@example.org", memberships=[(world.site_a, Role.EDITOR)])
    return sign_in(Client(enforce_csrf_checks=True), user)


@pytest.fixture
def second_review(settings) -> None:
    settings.CELLPATH_EDITORIAL_SECOND_REVIEW = True


def _page_data(slug: str) -> dict[str, str]:
    page = KnowledgePage.objects.get(slug=slug)
    return {"title": page.title, "summary": page.summary, "body": page.body, "order": page.order}


# --- the editors' list -------------------------------------------------------------------------


def test_the_list_is_paginated_and_searchable(editor, library) -> None:
    for n in range(30):
        make_study(f"filler-{n:02}", short_name=f"Filler {n:02}")
    home = _text(editor.get(reverse("evidence:edit-home")))
    assert "40 records" in home  # 33 studies, 2 sources, 3 figures, a claim and a page
    assert home.count('<td><a href="/evidence/edit/') == 25
    assert "Page 1 of 2" in home
    found = _text(editor.get(reverse("evidence:edit-home"), {"q": "nurown"}))
    assert ">NurOwn phase 3</a>" in found and ">NurOwn phase 1/2</a>" in found
    assert "Filler" not in found and "What ALS is" not in found
    by_slug = _text(editor.get(reverse("evidence:edit-home"), {"q": "what-is-als"}))
    assert ">What ALS is</a>" in by_slug and "1 record," in by_slug


def test_the_list_filters_by_kind_and_status(editor, library) -> None:
    hidden = KnowledgePage(
        slug="hidden", title="Hidden page", summary="S", body="B", published=False
    )
    content_save(actor="test", instance=hidden)
    pages = _text(editor.get(reverse("evidence:edit-home"), {"kind": "pages"}))
    assert ">What ALS is</a>" in pages and ">Hidden page</a>" in pages
    assert "NurOwn" not in pages
    drafts = _text(editor.get(reverse("evidence:edit-home"), {"status": "draft"}))
    assert ">Hidden page</a>" in drafts and "Draft (not public)" in drafts
    assert "What ALS is" not in drafts
    published = _text(editor.get(reverse("evidence:edit-home"), {"status": "published"}))
    assert "Hidden page" not in published and ">What ALS is</a>" in published


def test_the_list_shows_overdue_reviews(editor, library) -> None:
    library.neural.reviewed_on = date.today() - timedelta(days=400)
    library.neural.next_review_on = date.today() - timedelta(days=10)
    content_save(actor="test", instance=library.neural)
    overdue = _text(editor.get(reverse("evidence:edit-home"), {"status": "overdue"}))
    assert ">Neural graft</a>" in overdue and "review overdue" in overdue
    assert "NurOwn phase 3" not in overdue


def test_bad_filters_are_an_error_not_a_500(editor, library) -> None:
    query = {"q": "x" * 101, "kind": "patients", "status": "<b>", "page": "zz"}
    response = editor.get(reverse("evidence:edit-home"), query)
    assert response.status_code == 200
    assert "Select a valid choice" in _errors(response)
    assert ">NurOwn phase 3</a>" in _text(response)


# --- drafts and publishing -------------------------------------------------------------------


def test_a_draft_is_not_public(editor, library, client) -> None:
    url = reverse("evidence:edit-new", args=["pages"])
    assert post(editor, url, {**PAGE, "action": "draft"}).status_code == 302
    page = KnowledgePage.objects.get(slug="new-page")
    assert not page.published and page.status_label == "Draft (not public)"
    assert client.get(reverse("evidence:page", args=["new-page"])).status_code == 404
    post(editor, reverse("evidence:edit", args=["pages", "new-page"]), PAGE)
    assert client.get(reverse("evidence:page", args=["new-page"])).status_code == 200


def test_draft_changes_to_a_published_page_leave_the_public_version(editor, library, client):
    url = reverse("evidence:edit", args=["pages", library.page.slug])
    data = {**_page_data(library.page.slug), "title": "ALS explained", "action": "draft"}
    assert post(editor, url, data).status_code == 302
    page = KnowledgePage.objects.get(pk=library.page.pk)
    assert page.title == "What ALS is" and page.published and page.version == 1
    assert page.status_label == "Published, with draft changes"
    assert "What ALS is" in _text(client.get(page.get_absolute_url()))
    assert 'value="ALS explained"' in editor.get(url).content.decode()  # the editor's draft
    assert post(editor, url, {**data, "action": "publish"}).status_code == 302
    page.refresh_from_db()
    assert page.title == "ALS explained" and page.version == 2 and page.pending == {}


def test_publishing_is_refused_when_a_second_review_is_required(editor, library, second_review):
    response = post(editor, reverse("evidence:edit-new", args=["pages"]), PAGE)
    assert response.status_code == 200
    assert "Another editor must approve changes" in _text(response)
    assert not KnowledgePage.objects.filter(slug="new-page").exists()
    form = editor.get(reverse("evidence:edit-new", args=["pages"])).content.decode()
    assert 'value="publish"' not in form


# --- second review -----------------------------------------------------------------------------


def test_a_submission_needs_another_editor(
    editor, second_editor, library, client, second_review, django_capture_on_commit_callbacks
) -> None:
    url = reverse("evidence:edit", args=["pages", library.page.slug])
    data = {**_page_data(library.page.slug), "title": "ALS explained", "action": "submit"}
    assert post(editor, url, data).status_code == 302
    page = KnowledgePage.objects.get(pk=library.page.pk)
    assert page.status_label == "Awaiting review (earlier version public)"
    assert page.submitted_by.email == "editor@example.org"

    review = reverse("evidence:review", args=["pages", page.slug])
    shown = _text(editor.get(review))
    assert "You submitted these changes" in shown and 'value="approve"' not in shown
    assert "ALS explained" in shown and "What ALS is" in shown  # proposed and public now
    refused = post(editor, review, {"action": "approve"})
    assert refused.status_code == 302
    page.refresh_from_db()
    assert page.title == "What ALS is" and page.review_state == "submitted"
    assert "ALS explained" not in _text(client.get(page.get_absolute_url()))

    assert 'value="approve"' in _text(second_editor.get(review))
    with django_capture_on_commit_callbacks(execute=True):  # the public cache moves on
        assert post(second_editor, review, {"action": "approve"}).status_code == 302
    page.refresh_from_db()
    assert page.title == "ALS explained" and page.published and page.review_state == ""
    assert page.version == 2
    assert "ALS explained" in _text(client.get(page.get_absolute_url()))
    approval = AuditEvent.objects.filter(object_type="evidence.knowledgepage").order_by("pk").last()
    assert approval.actor.email == "editor2@example.org"
    assert approval.changes["title"] == {"old": "What ALS is", "new": "ALS explained"}


def test_a_new_claim_awaits_approval_then_is_public(editor, second_editor, library, client,
                                                    second_review) -> None:  # fmt: skip
    data = {"slug": "new-claim", "text": "Cells cure ALS", "verdict": "not_supported",
            "summary": "No study shows it.", "explanation": "See {{nurown-responders}}.",
            "order": "0", "studies": [library.phase3.pk], "action": "submit"}  # fmt: skip
    assert post(editor, reverse("evidence:edit-new", args=["claims"]), data).status_code == 302
    claim = Claim.objects.get(slug="new-claim")
    assert not claim.published and claim.review_state == "submitted"
    assert client.get(claim.get_absolute_url()).status_code == 404
    review = reverse("evidence:review", args=["claims", claim.slug])
    preview = _text(second_editor.get(review, {"preview": "1"}))
    assert "Preview — not published." in preview and "Cells cure ALS" in preview
    post(second_editor, review, {"action": "approve"})
    claim.refresh_from_db()
    assert claim.published and list(claim.studies.all()) == [library.phase3]
    assert client.get(claim.get_absolute_url()).status_code == 200


def test_a_reviewer_can_return_a_submission_to_draft(editor, second_editor, library,
                                                     second_review) -> None:  # fmt: skip
    post(editor, reverse("evidence:edit-new", args=["pages"]), {**PAGE, "action": "submit"})
    review = reverse("evidence:review", args=["pages", "new-page"])
    post(second_editor, review, {"action": "send_back"})
    page = KnowledgePage.objects.get(slug="new-page")
    assert page.review_state == "draft" and not page.published
    assert post(second_editor, review, {"action": "approve"}).status_code == 302
    assert not KnowledgePage.objects.get(slug="new-page").published  # nothing awaited review


# --- preview -----------------------------------------------------------------------------------


def test_preview_shows_the_unsaved_page_and_saves_nothing(editor, library) -> None:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    url = reverse("evidence:edit", args=["pages", library.page.slug])
    data = {**_page_data(library.page.slug), "title": "A better title", "action": "preview"}
    response = post(editor, url, data)
    assert response.status_code == 200
    page = _text(response)
    assert "Preview — not published." in page and "Nothing has been saved" in page
    assert "<h1>A better title</h1>" in page and ">2 to 3 years</a>" in page
    assert "<script" not in page.split("<main", 1)[-1] or "nonce" in page
    assert "no-store" in response["Cache-Control"]
    assert KnowledgePage.objects.get(pk=library.page.pk).title == "What ALS is"
    assert not AuditEvent.objects.filter(action__in=["create", "update"], pk__gt=last).exists()


def test_preview_of_a_new_study(editor, library) -> None:
    data = {**STUDY, "key_results": "Responders: {{nurown-responders}}.", "action": "preview"}
    response = post(editor, reverse("evidence:edit-new", args=["studies"]), data)
    assert response.status_code == 200, _errors(response)
    page = _text(response)
    assert "Preview — not published." in page and "<h1>New trial</h1>" in page
    assert ">33 % vs 28 %</a>" in page
    assert not Study.objects.filter(slug="new-trial").exists()


def test_preview_of_invalid_input_shows_the_errors(editor, library) -> None:
    data = {**PAGE, "body": "See {{nothing-here}}.", "action": "preview"}
    response = post(editor, reverse("evidence:edit-new", args=["pages"]), data)
    assert response.status_code == 200 and "No figure is called" in _errors(response)


# --- links -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("/learn/no-such-page/", "links to knowledge page “no-such-page”, which does not exist"),
        ("/evidence/studies/nope/", "links to study “nope”, which does not exist"),
        ("/evidence/claims/nope/", "links to claim “nope”, which does not exist"),
        ("/programmes/nope/", "links to programme “nope”, which does not exist"),
        ("/trials/NCT00000001/", "which does not exist"),
        ("/no/such/place/", "is not a page of Cellpath"),
        ("/learn/what-is-als", "does it need a / at the end?"),
        ("learn/what-is-als/", "from the site root"),
        ("ftp://example.org/x", "is not a web address"),
    ],
)
def test_a_broken_link_is_refused_beside_its_field(editor, library, link, message) -> None:
    data = {**PAGE, "body": f"Read [this page]({link}) first."}
    response = post(editor, reverse("evidence:edit-new", args=["pages"]), data)
    assert response.status_code == 200
    errors = _errors(response)
    assert "Broken link:" in errors and message in errors
    assert re.search(r'id="id_body-error"', response.content.decode())
    assert not KnowledgePage.objects.filter(slug="new-page").exists()


def test_good_links_are_accepted(editor, library) -> None:
    body = ("See [the page](/learn/what-is-als/), [the trial](/evidence/studies/nurown-phase-3/),"
            " [the claim](/evidence/claims/87-percent-respond/#why), [the list](/evidence/),"
            " [a site](https://www.example.org/als) and [a section](#top).")  # fmt: skip
    response = post(editor, reverse("evidence:edit-new", args=["pages"]), {**PAGE, "body": body})
    assert response.status_code == 302, _errors(response)


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_only_editors_may_approve(actor, client_for, library, world, settings) -> None:
    page = library.page
    page.review_state, page.submitted_label = "submitted", "someone else"
    content_save(actor="test", instance=page)
    client = client_for(actor)
    client.get(reverse(settings.LOGIN_URL) if actor == "anonymous" else reverse("home"))
    token = client.cookies.get("csrftoken")
    data = {"action": "approve", "csrfmiddlewaretoken": token.value if token else ""}
    response = client.post(reverse("evidence:review", args=["pages", page.slug]), data)
    expected = {"anonymous": 302, "editor": 302}.get(actor, 403)
    assert response.status_code == expected, actor
    assert KnowledgePage.objects.get(pk=page.pk).published is True
    assert KnowledgePage.objects.get(pk=page.pk).review_state == (
        "" if actor == "editor" else "submitted"
    )


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_shows_a_draft_and_a_submission(library, client, editor) -> None:
    from cellpath.evidence.demo import DRAFT_SLUG, load_demo_editorial

    load_demo_editorial()
    load_demo_editorial()  # idempotent
    draft = KnowledgePage.objects.get(slug=DRAFT_SLUG)
    assert not draft.published and draft.status_label == "Draft (not public)"
    submitted = KnowledgePage.objects.get(review_state="submitted")
    assert submitted.published and submitted.pending["summary"] == ["A short page, in plain words."]
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "in plain words" not in _text(client.get(submitted.get_absolute_url()))
    waiting = _text(editor.get(reverse("evidence:edit-home"), {"status": "submitted"}))
    assert "1 record," in waiting and ">What ALS is</a>" in waiting
    review = reverse("evidence:review", args=["pages", submitted.slug])
    assert 'value="approve"' in _text(editor.get(review))  # the demo editor did not submit it
