"""Five FICTIONAL programmes for the demo: a trial, an expanded access programme, two paid clinic
offers and an academic programme with ethics approval only.

Every name, organisation, registry ID and contact here is made up; the summaries say so. The
trial's registry ID is one of the demo's invented registry records (NCT99000001, `trials/data/`),
so that its page and the trial's link to each other; the others (NCT0999xxxx) name no record.
The paid offers are built to show the warning signs of trials-and-evidence.md §6.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cellpath.accounts.audit import Actor
from cellpath.accounts.models import Site
from cellpath.evidence.models import Study
from cellpath.programmes.models import Programme
from cellpath.programmes.services import programme_create

FICTIONAL = "This is a fictional example made for the Cellpath demo; it is not a real programme."

Kind = Programme.Kind
Status = Programme.RegulatoryStatus

DEMO_PROGRAMMES: list[dict[str, Any]] = [
    {
        "site": "riv",
        "studies": ["nurown-phase-3", "msc-long-term-survival-2023", "cochrane-2019"],
        "data": {
            "slug": "riverside-msc-trial",
            "name": "RIVER-MSC phase 2 trial (fictional)",
            "kind": Kind.CLINICAL_TRIAL,
            "organisation": "Riverside University Hospital, Department of Neurology (fictional)",
            "locations": "Riverside, United States",
            "summary": (
                "A randomised, placebo-controlled trial of the patient's own bone-marrow "
                "stromal cells given into the spinal fluid. Half of the people in the trial get "
                f"a placebo for the first six months. {FICTIONAL}"
            ),
            "product": "RVX-101, autologous bone-marrow MSCs (fictional)",
            "cell_type": "msc",
            "tissue_source": "Bone marrow, taken from the hip",
            "donor": "autologous",
            "routes": "intrathecal",
            "schedule": "Three doses by lumbar puncture, eight weeks apart.",
            "repeat_policy": "No repeat treatment within the trial.",
            "is_free": True,
            "price_includes": "The trial pays for study visits, tests and travel costs.",
            "regulatory_status": Status.REGISTERED_TRIAL,
            "registry_id": "NCT99000001",  # the demo trial it is (trials/data/)
            "ind_number": "IND 099001 (fictional)",
            "ethics_approval": "Riverside University ethics board, RU-IRB-2024-031 (fictional)",
            "has_written_protocol": True,
            "contact_email": "river-msc@riverside.example",
            "contact_phone": "+1 555 0100",
            "website": "https://riverside.example/trials/river-msc",
        },
    },
    {
        "site": "nor",
        "studies": ["nurown-phase-3", "lenzumestrocel-phase-2"],
        "data": {
            "slug": "northfield-msc-ntf-expanded-access",
            "name": "Northfield MSC-NTF expanded access programme (fictional)",
            "kind": Kind.EXPANDED_ACCESS,
            "organisation": "Northfield Cell Therapeutics Inc. (fictional)",
            "locations": "Northfield, United States",
            "summary": (
                "Access to an experimental cell product for people who cannot join a trial, "
                "under FDA oversight. The product did not meet its main goal in its phase 3 "
                f"trial. {FICTIONAL}"
            ),
            "product": "NF-NTF, MSCs that secrete neurotrophic factors (fictional)",
            "cell_type": "msc_ntf",
            "tissue_source": "Bone marrow",
            "donor": "autologous",
            "routes": "intrathecal",
            "schedule": "Three doses, two months apart.",
            "repeat_policy": "A second course only if the FDA agrees.",
            "is_free": True,
            "price_includes": "The sponsor pays for the product; your insurer may be billed "
            "for hospital care.",
            "regulatory_status": Status.IND,
            "registry_id": "NCT09990002",
            "ind_number": "IND 099002 (fictional)",
            "ethics_approval": "Northfield Medical Center ethics board (fictional)",
            "has_written_protocol": True,
            "contact_email": "access@northfield-cell.example",
            "website": "https://northfield-cell.example/expanded-access",
        },
    },
    {
        "site": "riv",
        "studies": ["whartons-jelly-msc-2020"],
        "data": {
            "slug": "vitacell-regeneration-package",
            "name": "VitaCell ALS regeneration package (fictional)",
            "kind": Kind.PAID_CLINIC,
            "organisation": "VitaCell Regeneration Centre (fictional)",
            "locations": "Cancún, Mexico\nPanama City, Panama",
            "summary": (
                "A clinic abroad that sells infusions of umbilical-cord cells for ALS. Its "
                "website shows videos of happy patients and says the cells are completely "
                f"safe. {FICTIONAL}"
            ),
            "product": "“NeuroRegen” Wharton's jelly stem cells",
            "cell_type": "msc",
            "tissue_source": "Umbilical cord (Wharton's jelly)",
            "donor": "allogeneic",
            "routes": "intravenous intrathecal",
            "schedule": "Four infusions over one week.",
            "repeat_policy": "Recommended every 6 months, at full price each time.",
            "price_amount": Decimal("18500"),
            "price_currency": "USD",
            "price_includes": "One course: 4 infusions, 7 nights in a hotel, airport transfers.",
            "regulatory_status": Status.NONE_STATED,
            "uses_testimonials": True,
            "claims_no_risk": True,
            "conditions_offered": (
                "Parkinson's disease\nMultiple sclerosis\nAutism\nKnee arthritis\n"
                "Type 2 diabetes\nAnti-ageing"
            ),
            "contact_email": "info@vitacell.example",
            "contact_phone": "+52 555 0199",
            "website": "https://vitacell.example",
        },
    },
    {
        "site": "nor",
        "studies": ["mazzini-2019-neural-stem-cells"],
        "data": {
            "slug": "neurorenew-bone-marrow-programme",
            "name": "NeuroRenew bone-marrow cell programme (fictional)",
            "kind": Kind.PAID_CLINIC,
            "organisation": "NeuroRenew Institute (fictional)",
            "locations": "Limassol, Cyprus",
            "summary": (
                "A private institute that sells bone-marrow cell injections for ALS and says "
                "its method is approved by a local ethics committee. It shows patient stories "
                f"as proof. {FICTIONAL}"
            ),
            "product": "Autologous bone-marrow mononuclear cells",
            "cell_type": "bm_mnc",
            "tissue_source": "Bone marrow",
            "donor": "autologous",
            "routes": "intrathecal intramuscular",
            "schedule": "One harvest and injection day, then a 3-day stay.",
            "repeat_policy": "Offered again after 3 months.",
            "price_amount": Decimal("14900"),
            "price_currency": "EUR",
            "price_includes": "Harvest, injections and 3 nights in the clinic. No travel.",
            "regulatory_status": Status.ETHICS_APPROVAL,
            "ethics_approval": "Institute's own ethics committee, no reference given (fictional)",
            "uses_testimonials": True,
            "conditions_offered": "Multiple sclerosis\nStroke\nSpinal cord injury",
            "contact_email": "care@neurorenew.example",
            "website": "https://neurorenew.example",
        },
    },
    {
        "site": "nor",
        "studies": ["mazzini-2019-neural-stem-cells", "cns10-npc-gdnf"],
        "data": {
            "slug": "northfield-neural-stem-cell-study",
            "name": "Northfield neural stem cell safety study (fictional)",
            "kind": Kind.CLINICAL_TRIAL,
            "organisation": "Northfield University Hospital (fictional)",
            "locations": "Northfield, United Kingdom",
            "summary": (
                "A small academic study of neural stem cells placed in the spinal cord by "
                "surgery. It checks safety only, in 12 people. It has ethics approval but is not "
                f"yet in a public trial registry. {FICTIONAL}"
            ),
            "product": "NUH-NSC, donor neural stem cells (fictional)",
            "cell_type": "neural",
            "tissue_source": "Donated fetal spinal cord tissue",
            "donor": "allogeneic",
            "routes": "intraspinal",
            "schedule": "One operation; immune-suppressing medicines for 4 months.",
            "repeat_policy": "No repeat treatment.",
            "is_free": True,
            "price_includes": "The study pays for the operation and follow-up visits.",
            "regulatory_status": Status.ETHICS_APPROVAL,
            "ethics_approval": (
                "Northfield Research Ethics Committee, ref. NREC 24/NF/0117 (fictional)"
            ),
            "has_written_protocol": True,
            "contact_email": "nsc-study@northfield-hospital.example",
            "contact_phone": "+44 20 7946 0999",
        },
    },
]


def load_demo_programmes(
    *, sites: dict[str, Site], actor: Actor = "demo loader"
) -> list[Programme]:
    """Create the fictional demo programmes whose slugs do not exist yet; return those created.

    `sites` maps a site code ("riv", "nor") to its Site; a programme whose site code is missing
    goes to the first site given. Cited studies that are not in the library are skipped."""
    if not sites:
        return []
    fallback = next(iter(sites.values()))
    created = []
    for entry in DEMO_PROGRAMMES:
        data = entry["data"]
        if Programme.objects.filter(slug=data["slug"]).exists():
            continue
        studies = Study.objects.filter(slug__in=entry["studies"])
        created.append(
            programme_create(
                actor=actor,
                site=sites.get(entry["site"], fallback),
                data=dict(data),
                studies=list(studies),
            )
        )
    return created
