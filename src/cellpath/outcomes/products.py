"""The cell-product vocabulary: what cells, whose, from which tissue, and how they are given.

One definition, used by the study library (`evidence`), the programme listings (`programmes`)
and the treatment record (`care`): their models build their choices from it, their forms their
options, the library loader its validation. Pure Python, no Django; the `Term` helpers are the
clinical vocabulary's (`cellpath.outcomes.vocabulary`).

A product is described on three axes, each with one code per value:

* **cell type** — what the cells are;
* **donor** — whose cells: the patient's own (autologous) or someone else's (allogeneic);
* **source tissue** — the tissue the cells were taken from or grown out of.

Care used to fold donor and tissue into one code ("auto_bone_marrow", "allo_cord"); they are
two fields now, so that a course, a programme and a study can be compared on each. Studies
and listings may also say "various" (a review of several products, a clinic offering more
than one) or, for the donor, "not applicable" (a regulatory decision): those answers describe
a body of evidence, never one product, so a treatment course cannot record them.

Sources
-------
* MSC: Horwitz EM et al., Clarification of the nomenclature for MSC: the International Society
  for Cellular Therapy position statement. Cytotherapy 2005;7(5):393–395,
  doi:10.1080/14653240500319234 — plastic-adherent cells from bone marrow and other tissues are
  "multipotent mesenchymal stromal cells"; "mesenchymal stem cells" only for cells that meet
  stem-cell criteria; "MSC" may stand for both. Minimal criteria: Dominici M et al.,
  Cytotherapy 2006;8(4):315–317, doi:10.1080/14653240600855905 (plastic adherence; CD105, CD73,
  CD90 present and CD45, CD34, CD14 or CD11b, CD79α or CD19, HLA-DR absent; differentiation into
  osteoblasts, adipocytes and chondroblasts in vitro).
* Muse cells (multilineage-differentiating stress-enduring cells): Kuroda Y et al., Unique
  multipotent cells in adult human mesenchymal cell populations. PNAS 2010;107(19):8639–8643,
  doi:10.1073/pnas.0911647107.
* The other cell types, tissues and routes are those of the ALS studies in the study library
  (`evidence/library/studies.toml`): MSC-NTF in the NurOwn trials (``nurown-phase-1-2`` …),
  neural stem or progenitor cells (``nsi-566``, ``cns10-npc-gdnf``,
  ``mazzini-2019-neural-stem-cells``), astrocytes from embryonic stem cells
  (``astrorx-phase-1-2a``), regulatory T cells from cord blood (``ck0803-regals``), bone-marrow
  mononuclear cells (``bmmc-intramuscular-spain``), Wharton's jelly MSC
  (``whartons-jelly-msc-2020``).
"""

from __future__ import annotations

from cellpath.outcomes.vocabulary import Term, choices, label_of, values

__all__ = [
    "ALLOGENEIC",
    "AUTOLOGOUS",
    "CELL_TYPES",
    "DONORS",
    "INTRAVENOUS",
    "LISTING_CELL_TYPES",
    "LISTING_DONORS",
    "NOT_APPLICABLE",
    "OTHER",
    "ROUTES",
    "SOURCE_TISSUES",
    "VARIOUS",
    "Term",
    "choices",
    "label_of",
    "unknown_routes",
    "values",
]

OTHER = "other"
VARIOUS = "various"
NOT_APPLICABLE = "n/a"
AUTOLOGOUS = "autologous"
ALLOGENEIC = "allogeneic"
INTRAVENOUS = "intravenous"

#: What the cells of one product are (Horwitz 2005 and Dominici 2006 for MSC; Kuroda 2010 for
#: Muse cells; the study library for the others).
CELL_TYPES: tuple[Term, ...] = (
    Term("msc", "Mesenchymal stromal cells (MSC)"),
    Term("msc_ntf", "MSCs that secrete neurotrophic factors (MSC-NTF)"),
    Term("neural", "Neural stem or progenitor cells"),
    Term("astrocytes", "Astrocytes"),
    Term("treg", "Regulatory T cells (Treg)"),
    Term("muse", "Muse cells"),
    Term("bm_mnc", "Bone-marrow mononuclear cells"),
    Term(OTHER, "Other"),
)

#: A study or a programme listing may cover several products (a review, a clinic that offers
#: more than one).
LISTING_CELL_TYPES: tuple[Term, ...] = (*CELL_TYPES, Term(VARIOUS, "Various (several kinds)"))

#: Whose cells one product is made of.
DONORS: tuple[Term, ...] = (
    Term(AUTOLOGOUS, "Autologous (the patient's own cells)"),
    Term(ALLOGENEIC, "Allogeneic (donor cells)"),
)

#: A study or listing may cover both kinds, or none (a regulatory decision).
LISTING_DONORS: tuple[Term, ...] = (
    *DONORS,
    Term(VARIOUS, "Various"),
    Term(NOT_APPLICABLE, "Not applicable"),
)

#: The tissue the cells were collected from, or grown out of.
SOURCE_TISSUES: tuple[Term, ...] = (
    Term("bone_marrow", "Bone marrow"),
    Term("adipose", "Adipose (fat) tissue"),
    Term("blood", "Blood"),
    Term("umbilical_cord", "Umbilical cord"),
    Term("wharton_jelly", "Wharton's jelly of the umbilical cord"),
    Term("cord_blood", "Umbilical cord blood"),
    Term("fetal_tissue", "Fetal nervous-system tissue"),
    Term("embryonic_stem_cells", "Embryonic stem cells"),
    Term(OTHER, "Other"),
)

#: How the cells are given, one code per route (plain words in brackets).
ROUTES: tuple[Term, ...] = (
    Term(INTRAVENOUS, "Intravenous (into a vein)"),
    Term("intrathecal", "Intrathecal (into the spinal fluid)"),
    Term("intraspinal", "Intraspinal (surgery into the spinal cord)"),
    Term("intramuscular", "Intramuscular (into muscles)"),
    Term("intracortical", "Intracortical (into the brain's motor cortex)"),
    Term(OTHER, "Other"),
)


def unknown_routes(codes: str) -> list[str]:
    """The codes in a space-separated list of routes that are not routes, sorted."""
    return sorted(set(codes.split()) - set(values(ROUTES)))
