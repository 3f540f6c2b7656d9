"""Test helpers: studies and programmes created through their audited paths."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cellpath.accounts.audit import audited_save
from cellpath.accounts.models import Site
from cellpath.evidence.models import Control, Design, EndpointMet, Study
from cellpath.programmes.models import Programme
from cellpath.programmes.services import programme_create


def make_study(slug: str, **fields: Any) -> Study:
    values: dict[str, Any] = {
        "short_name": slug.replace("-", " ").title(),
        "title": f"A study called {slug}",
        "year": 2020,
        "cell_type": "msc",
        "design": Design.RANDOMISED,
        "control": Control.PLACEBO,
        "primary_endpoint_met": EndpointMet.NO,
    }
    values.update(fields)
    return audited_save(Study(slug=slug, **values), actor="test")


def trial_data(**overrides: Any) -> dict[str, Any]:
    """A properly registered, free clinical trial with a written protocol: no warning signs."""
    data: dict[str, Any] = {
        "slug": "good-trial",
        "name": "Good trial",
        "kind": Programme.Kind.CLINICAL_TRIAL,
        "organisation": "University Hospital",
        "locations": "Riverside, United States",
        "summary": "A randomised trial of bone-marrow cells.",
        "product": "BM-MSC",
        "cell_type": "msc",
        "tissue_source": "Bone marrow",
        "donor": "autologous",
        "routes": "intrathecal",
        "schedule": "Three doses",
        "is_free": True,
        "regulatory_status": Programme.RegulatoryStatus.REGISTERED_TRIAL,
        "registry_id": "NCT09990001",
        "has_written_protocol": True,
    }
    data.update(overrides)
    return data


def clinic_data(**overrides: Any) -> dict[str, Any]:
    """A paid clinic offer that shows every warning sign."""
    data = trial_data(
        slug="paid-clinic",
        name="Paid clinic",
        kind=Programme.Kind.PAID_CLINIC,
        organisation="Miracle Cells Ltd",
        locations="Cancún, Mexico",
        summary="Stem cells for everything.",
        product="Cord cells",
        donor="allogeneic",
        routes="intravenous",
        is_free=False,
        price_amount=Decimal("18500"),
        price_currency="USD",
        regulatory_status=Programme.RegulatoryStatus.NONE_STATED,
        registry_id="",
        has_written_protocol=False,
        uses_testimonials=True,
        claims_no_risk=True,
        conditions_offered="Parkinson's disease\nAutism",
    )
    data.update(overrides)
    return data


def unsaved(site: Site | None = None, **data: Any) -> Programme:
    return Programme(site=site, **data)


def make_programme(site: Site, data: dict[str, Any] | None = None, **kwargs: Any) -> Programme:
    return programme_create(actor="test", site=site, data=data or trial_data(), **kwargs)


def cache_control(response: Any) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


PUBLIC = {"public", "max-age=300"}
