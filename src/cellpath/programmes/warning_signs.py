"""Warning signs of an offer that may not be legitimate, as regulators and the ISSCR describe them.

Sources (trials-and-evidence.md §6):

- FDA, "Important Patient and Consumer Information About Regenerative Medicine Therapies"
  (3 June 2021): unapproved cell products need FDA oversight in a clinical trial; "If you are
  being charged for these products or offered these products outside of a clinical trial, you are
  likely being deceived." A ClinicalTrials.gov listing or "registered with FDA" is not approval.
- ISSCR, "A Closer Look at Stem Cells" and its Patient Handbook on stem cell therapies: warning
  signs are claims based on patient testimonials, the same cells offered for many diseases, no
  written protocol, and claims of no risk; patients should ask whether the treatment is a formal
  clinical trial with independent oversight (an ethics committee and a national regulator).

`warning_signs` is pure: it reads only a programme's own fields, so it works on an unsaved
instance and costs no database query.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


class Programme(Protocol):
    """The facts of a programme the warning signs read (a `models.Programme` has them all)."""

    kind: str
    regulatory_status: str
    registry_id: str
    is_free: bool
    price_amount: Decimal | None
    product_approved_for_als: bool
    uses_testimonials: bool
    conditions_offered: str
    has_written_protocol: bool
    claims_no_risk: bool


FDA_2021 = (
    "U.S. Food and Drug Administration (FDA), “Important Patient and Consumer Information About "
    "Regenerative Medicine Therapies”, 3 June 2021"
)
ISSCR = "International Society for Stem Cell Research (ISSCR), “A Closer Look at Stem Cells”"
ISSCR_HANDBOOK = "ISSCR Patient Handbook on Stem Cell Therapies"


@dataclass(frozen=True)
class WarningSign:
    code: str
    title: str
    explanation: str
    source: str
    ask: str
    """What to ask the programme about this sign (ISSCR Patient Handbook questions; FDA 2021)."""


PAYMENT_OUTSIDE_TRIAL = WarningSign(
    code="payment_outside_trial",
    title="Asks you to pay, outside a registered clinical trial",
    explanation=(
        "No cell product is approved to treat ALS. The FDA says that if you are charged for "
        "such a product, or offered it outside a clinical trial, you are likely being deceived. "
        "You should not have to pay to take part in a trial."
    ),
    source=FDA_2021,
    ask=(
        "Why am I asked to pay, when people in a clinical trial do not? Which regulator has "
        "approved this product for ALS?"
    ),
)
NO_REGISTRY_ID = WarningSign(
    code="no_registry_id",
    title="No trial registry ID",
    explanation=(
        "A real clinical trial is listed in a public registry, such as ClinicalTrials.gov, "
        "with an ID like NCT01234567. Without one, you cannot check who oversees it. "
        "A listing alone does not mean a treatment is approved or safe."
    ),
    source=f"{ISSCR_HANDBOOK}; {FDA_2021}",
    ask=(
        "Is this a formal clinical trial? What is its registry ID, and which ethics committee "
        "and which national regulator oversee it? In the United States, ask to see the FDA "
        "letter for its IND."
    ),
)
TESTIMONIALS = WarningSign(
    code="testimonials",
    title="Uses patient stories as proof",
    explanation=(
        "Stories from happy patients are not evidence that a treatment works. "
        "Only a well-run study that compares patients can show that."
    ),
    source=ISSCR,
    ask=("Which studies, published in medical journals, show that it helps people with ALS?"),
)
MANY_DISEASES = WarningSign(
    code="many_diseases",
    title="Offers the same cells for many diseases",
    explanation=(
        "Different diseases have different causes. The same cells given the same way are "
        "very unlikely to treat them all."
    ),
    source=ISSCR,
    ask=("Why are the same cells offered for other diseases? What shows that they help in ALS?"),
)
NO_PROTOCOL = WarningSign(
    code="no_protocol",
    title="No written protocol",
    explanation=(
        "A written protocol says exactly what will be done, to whom, and how results are "
        "checked. Ask to see it. Without one, the treatment cannot be checked by anyone else."
    ),
    source=ISSCR,
    ask=(
        "May I read the written protocol: what is done, to whom, and how the results are checked?"
    ),
)
NO_RISK_CLAIM = WarningSign(
    code="no_risk_claim",
    title="Claims there is no risk",
    explanation=(
        "Every medical treatment has risks. The FDA has reports of blindness, tumours and "
        "infections after unapproved cell treatments. A clinic that says there is no risk is "
        "not telling you the whole story."
    ),
    source=f"{ISSCR}; {FDA_2021}",
    ask=(
        "What harms have been reported after this treatment? If something goes wrong, who "
        "treats me and who pays for that care?"
    ),
)

ALL_SIGNS: tuple[WarningSign, ...] = (
    PAYMENT_OUTSIDE_TRIAL,
    NO_REGISTRY_ID,
    TESTIMONIALS,
    MANY_DISEASES,
    NO_PROTOCOL,
    NO_RISK_CLAIM,
)
"""Every sign, in the order pages show them."""


def charges_patients(programme: Programme) -> bool:
    """Asks for payment: not marked free, or a price above zero."""
    price = programme.price_amount
    return not programme.is_free or (price is not None and price > 0)


def in_registered_trial(programme: Programme) -> bool:
    """A clinical trial whose regulator or ethics approval comes with a public registry ID."""
    return (
        programme.kind == "clinical_trial"
        and programme.regulatory_status == "registered_trial"
        and bool(programme.registry_id.strip())
    )


def warning_signs(programme: Programme) -> list[WarningSign]:
    """The warning signs a programme shows, in the order of `ALL_SIGNS`.

    - payment_outside_trial: payment is asked for a product not approved for ALS, outside a
      registered clinical trial (FDA 2021: "If you are being charged for these products or
      offered these products outside of a clinical trial, you are likely being deceived").
    - no_registry_id: no registry ID (ISSCR Patient Handbook: is it a formal clinical trial with
      independent oversight?; FDA 2021: a registry listing is not approval, but its absence
      leaves nothing to check).
    - testimonials: patient testimonials used as evidence (ISSCR warning signs).
    - many_diseases: the same cells offered for other diseases (ISSCR warning signs).
    - no_protocol: no written protocol (ISSCR warning signs).
    - no_risk_claim: claims of no risk (ISSCR warning signs; FDA 2021 lists reported harms).
    """
    fired = {
        PAYMENT_OUTSIDE_TRIAL.code: charges_patients(programme)
        and not programme.product_approved_for_als
        and not in_registered_trial(programme),
        NO_REGISTRY_ID.code: not programme.registry_id.strip(),
        TESTIMONIALS.code: programme.uses_testimonials,
        MANY_DISEASES.code: bool(programme.conditions_offered.strip()),
        NO_PROTOCOL.code: not programme.has_written_protocol,
        NO_RISK_CLAIM.code: programme.claims_no_risk,
    }
    return [sign for sign in ALL_SIGNS if fired[sign.code]]
