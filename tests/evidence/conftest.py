"""A small study library built through the services (independent of the shipped content)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cellpath.evidence.models import Claim, Figure, KnowledgePage, Source, Study
from cellpath.evidence.services import claim_save, content_save

ACTOR = "test"


def make_study(slug: str, **fields: object) -> Study:
    values: dict[str, object] = {
        "short_name": slug.replace("-", " ").title(),
        "title": f"A study called {slug}",
        "year": 2020,
        "cell_type": "msc",
        "design": "open_label",
        "control": "none",
        "n_treated": 10,
    }
    values.update(fields)
    return content_save(actor=ACTOR, instance=Study(slug=slug, **values))


@dataclass
class Library:
    phase3: Study
    open_label: Study
    neural: Study
    responders: Figure
    unverified: Figure
    survival: Figure
    claim: Claim
    page: KnowledgePage


@pytest.fixture
def library(db: None) -> Library:
    return build_library()


def build_library() -> Library:
    """Three studies, a source and figures, a claim and a page (through the services)."""
    phase3 = make_study(
        "nurown-phase-3",
        short_name="NurOwn phase 3",
        product="NurOwn (MSC-NTF)",
        cell_type="msc_ntf",
        routes="intrathecal",
        phase="3",
        design="randomised",
        control="placebo",
        n_treated=95,
        n_control=94,
        primary_endpoint="Responders at 28 weeks",
        primary_endpoint_met="no",
        key_results="Responders: {{nurown-responders}}.",
        registry_ids="NCT03280056",
        doi="10.1002/mus.27472",
    )
    open_label = make_study(
        "nurown-phase-1-2",
        short_name="NurOwn phase 1/2",
        product="NurOwn (MSC-NTF)",
        cell_type="msc_ntf",
        routes="intrathecal intramuscular",
        phase="1/2",
        n_treated=26,
        primary_endpoint_met="n/a",
    )
    neural = make_study(
        "neural-graft",
        short_name="Neural graft",
        cell_type="neural",
        routes="intraspinal",
        phase="1",
        control="contralateral_limb",
        primary_endpoint_met="yes",
    )
    paper = content_save(
        actor=ACTOR,
        instance=Source(
            slug="phase3-paper", study=phase3, label="Phase 3 paper", kind="paper",
            url="https://doi.org/10.1002/mus.27472",
        ),
    )  # fmt: skip
    responders = content_save(
        actor=ACTOR,
        instance=Figure(
            slug="nurown-responders", label="Responders, MSC-NTF vs placebo",
            value="33 % vs 28 %", study=phase3, source=paper, confidence="V",
        ),
    )  # fmt: skip
    unverified = content_save(
        actor=ACTOR,
        instance=Figure(
            slug="responders-87", label="Responders (post hoc)", value="87 %",
            study=open_label, confidence="U",
        ),
    )  # fmt: skip
    reference = content_save(
        actor=ACTOR,
        instance=Source(slug="natural-history", label="Natural history paper", kind="reference"),
    )
    survival = content_save(
        actor=ACTOR,
        instance=Figure(
            slug="median-survival", label="Median survival from onset", value="2 to 3 years",
            source=reference, confidence="V",
        ),
    )  # fmt: skip
    claim = claim_save(
        actor=ACTOR,
        claim=Claim(
            slug="87-percent-respond", text="87 % of patients respond", verdict="partly",
            summary="A small uncontrolled study; the randomised trial missed its goal.",
            explanation="Early: {{responders-87}}. Randomised: {{nurown-responders}}.",
        ),
        studies=[open_label, phase3],
    )  # fmt: skip
    page = content_save(
        actor=ACTOR,
        instance=KnowledgePage(
            slug="what-is-als", title="What ALS is", summary="A short page.",
            body="## Living with ALS\n\nMost people live {{median-survival}} after symptoms start.",
        ),
    )  # fmt: skip
    return Library(phase3, open_label, neural, responders, unverified, survival, claim, page)
