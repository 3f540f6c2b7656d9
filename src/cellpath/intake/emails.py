"""E-mails a coordinator sends an applicant, from templates they can edit before sending.

Plain words, no medical advice, and always the way back to the applicant's neurologist. The
placeholders are filled from the application: {name}, {reference}, {programme}, {coordinator}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    key: str
    label: str
    subject: str
    body: str


SIGN_OFF = (
    "\n\nWith best wishes,\n{coordinator}\n{programme}\n\n"
    "This message is not medical advice. Cell therapies for ALS are experimental; please talk "
    "to your neurologist before you decide anything."
)
TEMPLATES = (
    Template(
        "more_information",
        "Ask for more information",
        "Your application {reference}: we need a little more information",
        "Dear {name},\n\nThank you for applying to {programme}. To review your application we "
        "need to know more about: \n\n- \n\nYou can add answers with the link in your first "
        "e-mail, or reply to this message." + SIGN_OFF,
    ),
    Template(
        "consultation",
        "Invite to a consultation",
        "Your application {reference}: an invitation to talk",
        "Dear {name},\n\nWe would like to talk with you about {programme}, what it involves, "
        "its risks and what the evidence shows so far. Please reply with times that suit you. "
        "You are welcome to bring a family member." + SIGN_OFF,
    ),
    Template(
        "accepted",
        "Tell them they are accepted",
        "Your application {reference}: next steps",
        "Dear {name},\n\nAfter our consultation, you can take part in {programme}. We will "
        "send you the written information and the consent form. Please read them with your "
        "neurologist and your family; taking part is your choice, and you can stop at any time."
        + SIGN_OFF,
    ),
    Template(
        "declined",
        "Tell them they cannot take part",
        "Your application {reference}",
        "Dear {name},\n\nThank you for your interest in {programme}. We are sorry that you "
        "cannot take part. This is about the programme's criteria, not about you. Other "
        "programmes and clinical trials have other criteria: your neurologist can help you "
        "find one, and Cellpath lists programmes side by side." + SIGN_OFF,
    ),
)
BY_KEY = {template.key: template for template in TEMPLATES}


def filled(template: Template, **values: str) -> tuple[str, str]:
    """The template's subject and body with the application's values in place."""
    return template.subject.format(**values), template.body.format(**values)
