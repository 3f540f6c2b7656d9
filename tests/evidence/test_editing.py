"""Editors maintain the library in the app; every change is validated, versioned and audited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.evidence.models import Claim, KnowledgePage, Study

STUDY = {
    "slug": "new-trial",
    "short_name": "New trial",
    "title": "A new randomised trial",
    "kind": "study",
    "year": "2024",
    "cell_type": "msc",
    "donor": "autologous",
    "genetically_modified": "unknown",
    "routes": ["intrathecal"],
    "phase": "2",
    "design": "randomised",
    "control": "sham",
    "n_treated": "40",
    "n_control": "20",
    "primary_endpoint_met": "not_reported",
    "confidence": "V",
    "published": "on",
    "doi": "10.1000/xyz123",
    "pmid": "12345678",
    "registry_ids": "nct01234567, NCT07654321",
}


def post(client, url: str, data: dict):
    """Post as a signed-in editor; the form's button is Publish unless `data` names another."""
    client.get(reverse("home"))  # every page carries the CSRF cookie (the sign-out form)
    token = client.cookies["csrftoken"].value
    return client.post(url, {"action": "publish", **data, "csrfmiddlewaretoken": token})


@pytest.fixture
def editor(client_for):
    return client_for("editor")


def _errors(response) -> str:
    return " ".join(re.findall(r'class="error"[^>]*>([^<]+)<', response.content.decode()))


def test_an_editor_adds_a_study(editor, db) -> None:
    response = post(editor, reverse("evidence:edit-new", args=["studies"]), STUDY)
    assert response.status_code == 302, _errors(response)
    study = Study.objects.get(slug="new-trial")
    assert study.registry_ids == "NCT01234567 NCT07654321"
    assert study.route_codes == ["intrathecal"]
    event = AuditEvent.objects.get(object_type="evidence.study", action="create")
    assert event.actor.email == "editor@example.org"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doi", "https://doi.org/10.1/x", "Enter a DOI"),
        ("pmid", "PMID123", "A PubMed ID is a number"),
        ("registry_ids", "NCT123", "is not a ClinicalTrials.gov ID"),
        ("year", "1850", "greater than or equal to 1950"),
        ("n_treated", "-3", "greater than or equal to 0"),
        ("key_results", "See {{no-such-figure}}", "No figure is called “no-such-figure”"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_kept(editor, db, field, value, message):
    response = post(editor, reverse("evidence:edit-new", args=["studies"]), {**STUDY, field: value})
    assert response.status_code == 200
    assert message in _errors(response)
    assert value.replace(">", "&gt;") in response.content.decode()
    assert not Study.objects.exists()


def test_an_edit_is_a_new_version_with_old_and_new_values(editor, library) -> None:
    url = reverse("evidence:edit", args=["studies", library.phase3.slug])
    form = editor.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(short_name="NurOwn phase three", routes=["intrathecal"], published="on")
    data.pop("genetically_modified", None)
    response = post(editor, url, data)
    assert response.status_code == 302, _errors(response)
    library.phase3.refresh_from_db()
    assert library.phase3.version == 2
    event = AuditEvent.objects.filter(object_type="evidence.study", action="update").get()
    assert event.changes["short_name"] == {"old": "NurOwn phase 3", "new": "NurOwn phase three"}
    history = editor.get(reverse("evidence:history", args=["studies", library.phase3.slug]))
    assert "NurOwn phase three" in history.content.decode()
    assert "editor@example.org" in history.content.decode()


def test_a_page_refuses_numbers_typed_instead_of_figures(editor, library) -> None:
    data = {"slug": "new-page", "title": "New", "summary": "About ALS.", "order": "1",
            "body": "About 87 % of people respond.", "published": "on"}  # fmt: skip
    response = post(editor, reverse("evidence:edit-new", args=["pages"]), data)
    assert "Write each number as a figure" in _errors(response)
    data["body"] = "Most people live {{median-survival}} after symptoms start."
    response = post(editor, reverse("evidence:edit-new", args=["pages"]), data)
    assert response.status_code == 302
    assert KnowledgePage.objects.get(slug="new-page").version == 1


def test_markup_an_editor_types_is_sanitised_on_the_public_page(editor, library, client) -> None:
    data = {"slug": "new-page", "title": "New", "summary": "About ALS.", "order": "1",
            "body": "Hello <script>alert('x')</script> [x](javascript:alert(1))",
            "published": "on"}  # fmt: skip
    response = post(editor, reverse("evidence:edit-new", args=["pages"]), data)
    assert "Broken link: “javascript:alert(1)” is not a web address" in _errors(response)
    data["body"] = "Hello <script>alert('x')</script> [x](https://example.org/)"
    assert post(editor, reverse("evidence:edit-new", args=["pages"]), data).status_code == 302
    page = client.get(reverse("evidence:page", args=["new-page"])).content.decode()
    assert "alert(" not in page and "javascript:" not in page


def test_the_studies_a_claim_cites_are_audited(editor, library) -> None:
    url = reverse("evidence:edit", args=["claims", library.claim.slug])
    data = {"text": library.claim.text, "verdict": "not_supported", "summary": "No.",
            "explanation": "Randomised: {{nurown-responders}}.", "order": "0",
            "studies": [library.phase3.pk], "published": "on"}  # fmt: skip
    response = post(editor, url, data)
    assert response.status_code == 302, _errors(response)
    claim = Claim.objects.get(pk=library.claim.pk)
    assert list(claim.studies.all()) == [library.phase3]
    change = AuditEvent.objects.filter(object_type="evidence.claim").order_by("pk").last().changes
    assert change["studies"] == {
        "old": ["nurown-phase-1-2", "nurown-phase-3"],
        "new": ["nurown-phase-3"],
    }


def test_the_slug_cannot_be_changed_once_created(editor, library) -> None:
    url = reverse("evidence:edit", args=["pages", library.page.slug])
    data = {"slug": "renamed", "title": "T", "summary": "S", "body": "B", "order": "0"}
    post(editor, url, data)
    assert KnowledgePage.objects.filter(slug=library.page.slug).exists()
    assert not KnowledgePage.objects.filter(slug="renamed").exists()


def test_an_unknown_kind_is_not_found(editor, db) -> None:
    assert editor.get("/evidence/edit/patients/new/").status_code == 404


def test_a_percentage_above_100_is_refused(editor, library) -> None:
    data = {"slug": "odd", "label": "Share", "value": "33 % vs 128 %", "study": library.phase3.pk,
            "confidence": "V", "order": "0", "published": "on"}  # fmt: skip
    response = post(editor, reverse("evidence:edit-new", args=["figures"]), data)
    assert "128 % is more than 100 %." in _errors(response)
    data["value"] = "33 % vs 28 %"
    assert post(editor, reverse("evidence:edit-new", args=["figures"]), data).status_code == 302
