"""The information packet: a PDF made from records, e-mailed, and downloadable for 7 days."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core import mail
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from cellpath.accounts.tokens import token_hash
from cellpath.evidence.models import Control, Design, EndpointMet
from cellpath.intake.models import PacketRequest
from cellpath.intake.packets.pdf import QUESTIONS, _latin1, build_packet
from cellpath.intake.packets.services import packet_by_token, packet_request
from cellpath.programmes.warning_signs import ALL_SIGNS
from tests.intake.conftest import csrf_post
from tests.programmes.kit import clinic_data, make_programme, make_study, trial_data

TODAY = date(2026, 3, 2)
URL = "/info-packet/"


def text_of(pdf: bytes) -> str:
    """The text an uncompressed fpdf2 PDF shows, wrapped lines joined by spaces."""
    runs = re.findall(r"\(((?:[^()\\]|\\.)*)\) Tj", pdf.decode("latin-1"))
    return " ".join(" ".join(re.sub(r"\\(.)", r"\1", run) for run in runs).split())


def _trial(world, **overrides):
    return make_programme(world.site_a, trial_data(**overrides))


def _with_studies(world):
    failed = make_study(
        "nurown-phase-3",
        short_name="NurOwn phase 3",
        year=2021,
        n_treated=95,
        n_control=94,
        primary_endpoint_met=EndpointMet.NO,
    )
    single = make_study(
        "open-label-study",
        short_name="Open label study",
        design=Design.OPEN_LABEL,
        control=Control.NONE,
        n_treated=12,
        primary_endpoint_met=EndpointMet.NOT_APPLICABLE,
    )
    hidden = make_study("hidden-study", short_name="Hidden study", published=False)
    return _trial(world), [failed, single, hidden]


def _request(client: Client, programme, **data):
    return csrf_post(client, URL, {"programme": programme.pk, "email": "pat@example.org", **data})


def _token(response) -> str:
    return resolve(response.url).kwargs["token"]


# --- the PDF -------------------------------------------------------------------------------------


def test_it_builds_a_pdf_with_the_programme_and_the_studies_it_cites(world) -> None:
    programme, studies = _with_studies(world)
    programme.studies.set(studies)
    pdf = build_packet(programme, today=TODAY)
    assert pdf.startswith(b"%PDF")
    text = text_of(build_packet(programme, today=TODAY, compress=False))
    assert "Good trial" in text
    assert "Information packet" in text
    assert "Made by Cellpath on 2 March 2026" in text
    assert "Free - clinical trial" in text
    assert "NCT09990001" in text
    assert "None of the warning signs we check were found" in text
    assert "NurOwn phase 3" in text and "2021" in text
    assert "Primary endpoint not met" in text
    assert "95 treated, 94 in the control group" in text
    assert "Randomised controlled trial" in text and "Placebo" in text
    assert "Higher" in text  # evidence level from the record: randomised, placebo, 189 patients
    assert "Open label study" in text and "Very low" in text and "No efficacy endpoint" in text
    assert "Hidden study" not in text
    assert QUESTIONS[0] in text
    for words in ("not medical advice", "experimental", "No cell therapy is approved to treat ALS",
                  "Talk to your neurologist", "A listing is not an endorsement"):  # fmt: skip
        assert words in text


def test_it_lists_the_warning_signs_of_a_paid_clinic(world) -> None:
    programme = make_programme(world.site_a, clinic_data())
    text = text_of(build_packet(programme, today=TODAY, compress=False))
    assert "18,500 USD" in text
    assert "We found 6 of the warning signs" in text
    for sign in ALL_SIGNS:
        assert f"Warning sign: {sign.title}" in text
        assert sign.explanation[:60] in text
    assert "None of the warning signs" not in text
    assert "This programme cites no studies in our library" in text


def test_it_replaces_characters_the_core_font_cannot_show(world) -> None:
    assert (
        _latin1("≥ 2×10⁶ cells – ‘twice’ … 10¹² → ok")
        == ">= 2×10^6 cells - 'twice' ... 10^12 -> ok"
    )
    assert _latin1("Ω 🙂 Dąbrowa, Kraków") == "? ? Dabrowa, Kraków"
    programme = _trial(
        world,
        name="Trial – “Ωmega” 🙂",
        summary="1×10⁹ cells per dose, ≥ 18 years – twice, 4 µg/kg",
        schedule="Day 0 → day 30",
    )
    programme.studies.set([make_study("odd-names", short_name="CO₂ – study ≥ 2")])
    text = text_of(build_packet(programme, today=TODAY, compress=False))
    assert 'Trial - "?mega" ?' in text
    assert "1×10^9 cells per dose, >= 18 years - twice, 4 µg/kg" in text
    assert "Day 0 -> day 30" in text
    assert "CO2 - study >= 2" in text


def test_it_is_the_same_pdf_for_the_same_records_and_day(world) -> None:
    programme = _trial(world)
    assert build_packet(programme, today=TODAY) == build_packet(programme, today=TODAY)


def test_it_builds_a_packet_with_ten_studies(world) -> None:
    """Its speed is measured by `make bench-apply` (packet_ms), not asserted here: a timing
    assertion fails on a busy machine, not on slow code."""
    programme = make_programme(world.site_a, clinic_data())
    programme.studies.set([make_study(f"study-{n}", year=2010 + n) for n in range(10)])
    text = text_of(build_packet(programme, today=TODAY, compress=False))
    assert all(f"Study {n}" in text for n in range(10)), "every study is in the packet"


# --- asking for it -------------------------------------------------------------------------------


def test_it_offers_published_programmes_with_the_one_asked_for_chosen(world) -> None:
    programme = _trial(world)
    _trial(world, slug="hidden-trial", name="Hidden trial", published=False)
    response = Client().get(URL, {"programme": programme.slug})
    page = response.content.decode()
    assert response.status_code == 200
    label = "Good trial — Clinical trial · free · no warning signs found"
    assert f'<option value="{programme.pk}" selected>{label}</option>' in page
    assert "Hidden trial" not in page
    assert "We use your e-mail address only to send this packet" in page
    assert 'name="website"' in page


def test_it_e_mails_the_packet_as_an_attachment(world, django_capture_on_commit_callbacks) -> None:
    programme = _trial(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(Client(enforce_csrf_checks=True), programme)
    assert response.status_code == 302
    token = _token(response)
    packet = PacketRequest.objects.get()
    assert packet.token_hash == token_hash(token) and token not in packet.token_hash
    assert packet.email == "pat@example.org"
    assert packet.sent_at is not None
    assert timedelta(days=6, hours=23) < packet.expires_at - timezone.now() <= timedelta(days=7)
    [message] = mail.outbox
    assert message.to == ["pat@example.org"]
    assert message.subject == "Information packet: Good trial"
    [(filename, content, mimetype)] = message.attachments
    assert filename == "good-trial-information-packet.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert reverse("intake:packet-download", args=[token]) in message.body
    expires = timezone.localtime(packet.expires_at).date()
    assert f"{expires.day} {expires:%B %Y}" in message.body
    assert "neurologist" in message.body


def test_the_sent_page_offers_the_download_at_once(world) -> None:
    programme = _trial(world)
    client = Client(enforce_csrf_checks=True)
    sent = _request(client, programme)
    response = client.get(sent.url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "pat@example.org" in page
    assert f'href="{reverse("intake:packet-download", args=[_token(sent)])}"' in page
    assert "Download the packet (PDF)" in page


def test_it_downloads_the_packet(world) -> None:
    programme = _trial(world)
    _packet, token = packet_request(programme=programme, email="pat@example.org")
    response = Client().get(reverse("intake:packet-download", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="good-trial-information-packet.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    assert packet_by_token(token) == _packet
    assert packet_by_token("not-a-token") is None


def test_an_unknown_link_gets_a_friendly_404(world) -> None:
    for name in ("intake:packet-sent", "intake:packet-download"):
        response = Client().get(reverse(name, args=["no-such-token"]))
        assert response.status_code == 404
        assert "We do not know this link" in response.content.decode()


def test_an_expired_link_gets_a_410_that_offers_a_new_packet(world) -> None:
    programme = _trial(world)
    packet, token = packet_request(programme=programme, email="pat@example.org")
    PacketRequest.objects.filter(pk=packet.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for name in ("intake:packet-sent", "intake:packet-download"):
        response = Client().get(reverse(name, args=[token]))
        page = response.content.decode()
        assert response.status_code == 410
        assert "work for 7 days" in page
        assert f"{URL}?programme=good-trial" in page


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(
    world, django_capture_on_commit_callbacks
) -> None:
    programme = _trial(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(Client(enforce_csrf_checks=True), programme, website="http://x.example")
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not PacketRequest.objects.exists()
    assert not mail.outbox


def test_too_many_requests_for_one_email_get_a_429(world) -> None:
    programme = _trial(world)
    client = Client(enforce_csrf_checks=True)
    for _ in range(5):
        assert _request(client, programme).status_code == 302
    response = _request(client, programme, email="PAT@example.org")
    assert response.status_code == 429
    assert "Please wait a little" in response.content.decode()
    assert PacketRequest.objects.count() == 5


def test_too_many_requests_from_one_address_get_a_429(world) -> None:
    programme = _trial(world)
    client = Client(enforce_csrf_checks=True)
    for n in range(10):
        assert _request(client, programme, email=f"p{n}@example.org").status_code == 302
    assert _request(client, programme, email="other@example.org").status_code == 429


def test_it_explains_mistakes_beside_the_fields_and_keeps_what_was_typed(world) -> None:
    programme = _trial(world)
    hidden = _trial(world, slug="hidden-trial", name="Hidden trial", published=False)
    client = Client(enforce_csrf_checks=True)
    for value, error in (
        ("", "Choose the programme you want the packet for."),
        ("abc", "Choose a programme from the list."),
        ("999999", "Choose a programme from the list."),
        (str(hidden.pk), "Choose a programme from the list."),
    ):
        response = csrf_post(client, URL, {"programme": value, "email": "pat@example.org"})
        page = response.content.decode()
        assert response.status_code == 200
        assert error in page and 'value="pat@example.org"' in page
    response = _request(client, programme, email="not-an-address")
    page = response.content.decode()
    assert "Enter an e-mail address like name@example.org." in page
    assert 'value="not-an-address"' in page
    assert f'<option value="{programme.pk}" selected>' in page
    assert not PacketRequest.objects.exists()


def test_the_form_needs_its_csrf_token(world) -> None:
    programme = _trial(world)
    response = Client(enforce_csrf_checks=True).post(
        URL, {"programme": programme.pk, "email": "pat@example.org"}
    )
    assert response.status_code == 403
    assert not PacketRequest.objects.exists()


def test_the_programme_page_links_to_the_packet_the_contact_form_and_apply(world) -> None:
    programme = _trial(world)
    page = Client().get(programme.get_absolute_url()).content.decode()
    for name, label in (
        ("intake:packet-request", "Request the information packet"),
        ("intake:contact", "Send a message"),
        ("intake:start", "Apply"),
    ):
        assert f'href="{reverse(name)}?programme=good-trial"' in page
        assert label in page
