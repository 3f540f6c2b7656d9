"""Applicants add letters or reports; only real PDF, JPEG or PNG files of at most 5 MB are
kept, outside the web root, and only the site's coordinators can download them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.intake.documents import MAX_BYTES
from cellpath.intake.models import ApplicationDocument
from cellpath.intake.services import application_start

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


@pytest.fixture
def started(trial, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return application_start(
        programme=trial, applicant="patient", applicant_name="Doc Sender",
        email="doc@example.org", consent_screening=True,
    )  # fmt: skip


def _upload(client: Client, token: str, name: str, content: bytes):
    url = reverse("intake:documents", args=[token])
    client.get(url)
    return client.post(
        url,
        {  # the token first, as the form sends it: an oversized file stops the reading
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "document": SimpleUploadedFile(name, content),
        },
    )


@pytest.mark.parametrize(("name", "content"), [("letter.pdf", PDF), ("scan.png", PNG),
                                               ("photo.JPG", JPEG)])  # fmt: skip
def test_it_keeps_real_pdf_jpeg_and_png_files(started, name, content, tmp_path) -> None:
    _, token = started
    response = _upload(Client(enforce_csrf_checks=True), token, name, content)
    assert response.status_code == 302
    document = ApplicationDocument.objects.get()
    assert document.original_name == name
    assert str(tmp_path) in document.file.path and name not in document.file.name
    assert document.file.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", PNG, "This file is a PNG image, but its name says PDF."),
        ("setup.pdf", EXE, "This file is a Windows program."),
        ("notes.txt", b"hello there", "Please send a PDF, JPEG or PNG file."),
    ],
)
def test_it_refuses_a_disguised_or_unknown_file(started, name, content, message) -> None:
    _, token = started
    response = _upload(Client(enforce_csrf_checks=True), token, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_it_refuses_an_oversized_file_before_storing_it(started, tmp_path) -> None:
    _, token = started
    response = _upload(Client(enforce_csrf_checks=True), token, "big.pdf", PDF + b"0" * MAX_BYTES)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not ApplicationDocument.objects.exists()
    assert not any(tmp_path.rglob("*")), "nothing may be written to the upload folder"


def test_an_upload_without_the_csrf_token_is_refused(started) -> None:
    _, token = started
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("intake:documents", args=[token]),
        {"document": SimpleUploadedFile("letter.pdf", PDF)},
    )
    assert response.status_code == 403
    assert not ApplicationDocument.objects.exists()


def test_only_the_sites_coordinators_download_and_the_read_is_audited(
    started, client_for, world
) -> None:
    application, token = started
    _upload(Client(enforce_csrf_checks=True), token, "letter.pdf", PDF)
    document = ApplicationDocument.objects.get()
    from cellpath.intake.services import application_submit

    application_submit(application=application, token=token, notify=False)
    url = reverse("intake:document", args=[application.reference, document.pk])
    response = client_for("coordinator_a").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(
        action="view", object_type="intake.applicationdocument",
        actor=world.users["coordinator_a"],
    ).exists()  # fmt: skip
    assert client_for("coordinator_b").get(url).status_code == 404
    assert client_for("clinician_a").get(url).status_code == 403
    assert Client().get(url).status_code == 302
