"""One ClinicalTrials.gov study record (API v2 JSON) → a typed, validated `StudyRecord`.

What it reads
=============

The study object of ClinicalTrials.gov's data API v2: one JSON file of the bulk download
(``ctg-studies.json.zip`` holds one file per study), one ``/api/v2/studies/{nctId}`` response, or
one item of the ``studies`` list of an ``/api/v2/studies`` page. Its structure, enumerations and
quirks are in ``shared/design/trials-and-evidence.md`` §1.1–1.5 (sources there: the official
study data structure page, AACT's v2→SQL mappings in ``ctti-clinicaltrials/aact`` ``app/models``
and the real records in its test fixtures).

- **Fields are omitted when empty.** A record is kept with whatever it has. Only two fields of
  ``protocolSection.identificationModule`` are required, as without them nobody could tell which
  study it is: ``nctId`` ("NCT" and 8 digits) and a title (``briefTitle``, or ``officialTitle``
  when there is none). Every other module may be missing. Without
  ``statusModule.overallStatus`` the status is unknown (``""``: not open to enrol); without
  ``statusModule.lastUpdatePostDateStruct.date`` the last update is unknown (None: the importer
  then never lets the record replace one already stored, as it cannot tell which is newer). A
  JSON ``null`` counts as absent.
- **A field of the wrong type is a malformed record**, not a crash: `parse_study` raises
  `RecordError` naming the JSON path ("protocolSection.designModule.phases must be a list, not a
  string"). It never raises ``KeyError``/``TypeError``/``AttributeError`` whatever it is given.
- **Old-format records** (the retired classic API: ``{"FullStudiesResponse": …}``,
  ``{"FullStudy": …}``, ``{"Study": {"ProtocolSection": …}}``) raise `OldFormatError`, which
  says to download the v2 JSON instead (an AACT fixture, ``NCT04780763.json``, is one).
- **Dates** may be partial: ``start_date`` and the completion dates are kept as given
  ("2026", "2026-03" or "2026-03-15"); ``first_posted`` and ``last_updated`` become dates, a
  partial one on its first day ("2026-03" → 1 March 2026).
- **Ages** are ``"<number> <unit>"`` with unit Years, Months, Weeks, Days, Hours or Minutes
  (AACT ``app/models/eligibility.rb``); they become years (a month is 1/12 year, a day one
  ``DAYS_PER_YEAR``-th, the year of ``outcomes.vocabulary``). Absent or ``"N/A"`` means no limit
  (None).
- **MeSH identifiers** are normalised: one older v2 record in AACT's fixtures carries
  zero-padded ids (``"D000003680"``) where current records write ``"D003680"``. MeSH numbered its
  descriptors with 6 digits until 2013 and with 9 from then on (``D000066388`` onwards), from
  one counter; so a 9-digit id whose number is below 66,000 is the padded form of a 6-digit id
  and is shortened (``"D000003680"`` → ``"D003680"``), and every other id is kept
  (``"D000690"`` stays, as does ``"D000086382"``).

Classification rules
====================

**ALS** (`StudyRecord.is_als`). MGH's guide and an AAN 2023 abstract (§1.1) found that searching
"ALS" brings in hundreds of non-ALS trials (drug names, "advanced life support"), so the MeSH
descriptor D000690 (Amyotrophic Lateral Sclerosis) among the condition MeSH ids comes first. A
record without it still counts when a condition or keyword names ALS:

- "amyotrophic lateral sclerosis" (any case, hyphens or spaces), or "Lou Gehrig";
- the abbreviation written in capitals as a whole word: "ALS", "ALS-FTD", "ALS/FTD", "fALS",
  "sALS" — never lower-case "als" (a German word) nor letters inside a word ("ALSO",
  "FALSE"); and not at all when a condition or keyword speaks of life support (advanced or basic
  life support, both "ALS" in emergency medicine), anti-lymphocyte serum or acetolactate
  synthase;
- "motor neurone disease" / "motor neuron disease" / "MND" — the name of ALS in the UK and
  Australia — unless the conditions and keywords also name another motor neuron disease (spinal
  muscular atrophy, spinal and bulbar muscular atrophy / Kennedy disease, primary lateral
  sclerosis, progressive muscular atrophy, post-polio syndrome) without naming ALS: then the
  study is about that disease. The MeSH ancestor "Motor Neuron Disease" (D016472) does not
  count, as spinal muscular atrophy sits under it too.

**Cell therapy** (`is_cell_therapy`, `Intervention.cell_therapy`). The intervention type does
not tell: cell products are registered as BIOLOGICAL, GENETIC (whose official definition
includes stem cells) or PROCEDURE (§1.3). So the name, other names and description are read:

- cell therapy when they name stem cells ("neural stem", "stem-cell"), stromal cells or the
  stromal vascular fraction, MSC(s) (MSC-NTF), mesenchymal (not a mesenchymal tumour),
  progenitor(s), precursor cells, induced pluripotent / iPSC, bone-marrow mononuclear cells
  (BMMC, BM-MNC, "mononuclear cells"), "cell therapy" and its kin ("cellular therapy",
  "cell-based", "cell transplantation", "cell infusion", "cells injection"…), autologous /
  allogeneic / xenogeneic … cells (up to four words between), Muse cells, umbilical cord … cells
  or cord blood, Wharton's jelly, regulatory T cells (Tregs), NK cells, CAR-T, NurOwn; in the
  name or other names only, astrocytes and NPC (hNPC01-like product codes) — in a description
  these often describe what a drug acts on (astrocytes) or another disease (NPC is also
  Niemann-Pick type C and nasopharyngeal carcinoma), so there astrocytes count only as a
  product ("astrocytes derived from…", "human astrocytes") and NPC only as "neural progenitor";
- not when the only cells named are something else: cell culture medium, a blood cell count,
  red or white (blood) cells ("autologous red blood cells" is a transfusion), sickle cell, a
  cell phone, stem-cell mobilisation or stem cell factor (drugs);
- never for a placebo, sham, vehicle or dummy (the word in the intervention's name), even when
  its description mentions the cells it imitates; nor for a bone-marrow aspiration on its own
  (a procedure, not a product).

**Intervention kinds** (`StudyRecord.intervention_kinds`), one per intervention, a subset of
``{"drug", "cell", "gene", "device", "procedure", "behavioral", "other"}``:

1. ``cell`` for a cell therapy (above), whatever its type;
2. ``gene`` for any GENETIC intervention that is not a cell therapy, and for other types (not
   DEVICE or BEHAVIORAL) that describe a genetic medicine: antisense, ASO, oligonucleotide, AAV
   or adeno-associated, gene therapy / transfer / silencing / editing / replacement, siRNA,
   RNAi, CRISPR, lentiviral or viral vector; and in the name or other names only, the INN stems
   of genetic medicines: -rsen (antisense, as in tofersen), -siran (siRNA), -gene and -vec
   (gene therapies) — only there, as "oncogene" in a description is no gene therapy;
3. by type: DRUG, BIOLOGICAL, COMBINATION_PRODUCT → ``drug``; DEVICE → ``device``; PROCEDURE
   → ``procedure``; BEHAVIORAL → ``behavioral``; everything else (OTHER, DIETARY_SUPPLEMENT,
   DIAGNOSTIC_TEST, RADIATION, none) → ``other``.

Placebo, sham, vehicle and dummy interventions do not add a kind ("Other: Placebo" does not make
a drug trial "other") unless the study has nothing else.

**Open to enrol** (`open_to_enrol`): RECRUITING, NOT_YET_RECRUITING, ENROLLING_BY_INVITATION and,
for expanded access, AVAILABLE (§1.3). A study whose status is unknown is not open.

Speed
=====

An import reads every study of the registry (about 600,000), so parsing is kept to a few tens of
microseconds per record: fields are read in batches with C-level ``map``, JSON paths are only
formatted for an error, the cell-therapy rules only run when one of their key words occurs, and
the dataclasses are filled without their generated ``__init__`` (see `_new_site`).

Pure Python (the standard library and the clinical vocabulary of `cellpath.outcomes`), no
Django: the importer, the command line and tests share it.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cellpath.outcomes.vocabulary import DAYS_PER_YEAR

__all__ = [
    "INTERVENTION_KINDS",
    "OPEN_STATUSES",
    "OVERALL_STATUSES",
    "Arm",
    "Contact",
    "Intervention",
    "Official",
    "OldFormatError",
    "RecordError",
    "Site",
    "StudyRecord",
    "is_cell_therapy",
    "normalise_mesh_id",
    "parse_study",
]

OVERALL_STATUSES: frozenset[str] = frozenset(
    {
        "RECRUITING",
        "NOT_YET_RECRUITING",
        "ENROLLING_BY_INVITATION",
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "SUSPENDED",
        "TERMINATED",
        "WITHDRAWN",
        "UNKNOWN",
        "WITHHELD",
        "AVAILABLE",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "APPROVED_FOR_MARKETING",
    }
)
OPEN_STATUSES: frozenset[str] = frozenset(
    {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE"}
)
INTERVENTION_KINDS: tuple[str, ...] = (
    "drug",
    "cell",
    "gene",
    "device",
    "procedure",
    "behavioral",
    "other",
)

ALS_MESH_ID = "D000690"


class RecordError(ValueError):
    """A malformed study record; ``str(error)`` is the reason in plain words."""


class OldFormatError(RecordError):
    """A record in the retired classic ClinicalTrials.gov format, not API v2."""


# --- The record -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    phone: str  # with " ext. 123" when the record gives an extension
    email: str


@dataclass(frozen=True)
class Official:
    name: str
    affiliation: str
    role: str


@dataclass(frozen=True)
class Site:
    facility: str
    city: str
    state: str
    zip: str
    country: str
    status: str
    lat: float | None
    lon: float | None
    contacts: tuple[Contact, ...]


@dataclass(frozen=True)
class Intervention:
    type: str
    name: str
    description: str
    other_names: tuple[str, ...]
    arm_labels: tuple[str, ...]
    cell_therapy: bool


@dataclass(frozen=True)
class Arm:
    label: str
    type: str
    description: str
    intervention_names: tuple[str, ...]  # type-prefixed, as given: "Drug: Riluzole"


@dataclass(frozen=True)
class StudyRecord:
    nct_id: str
    brief_title: str
    official_title: str
    acronym: str
    overall_status: str  # "": not in the record (status unknown)
    last_known_status: str
    why_stopped: str
    study_type: str
    phases: tuple[str, ...]
    start_date: str
    primary_completion_date: str
    completion_date: str
    first_posted: datetime.date | None
    last_updated: datetime.date | None  # None: not in the record
    enrollment: int | None
    enrollment_type: str
    lead_sponsor: str
    sponsor_class: str
    collaborators: tuple[str, ...]
    conditions: tuple[str, ...]
    keywords: tuple[str, ...]
    mesh_ids: tuple[str, ...]
    mesh_terms: tuple[str, ...]
    brief_summary: str
    detailed_description: str
    interventions: tuple[Intervention, ...]
    arms: tuple[Arm, ...]
    eligibility_text: str
    healthy_volunteers: bool | None
    sex: str
    minimum_age_years: float | None
    maximum_age_years: float | None
    std_ages: tuple[str, ...]
    central_contacts: tuple[Contact, ...]
    officials: tuple[Official, ...]
    sites: tuple[Site, ...]
    has_results: bool

    @property
    def is_als(self) -> bool:
        """An ALS study: MeSH D000690, or a condition or keyword naming ALS (module docstring)."""
        return ALS_MESH_ID in self.mesh_ids or _names_als(self.conditions + self.keywords)

    @property
    def intervention_kinds(self) -> frozenset[str]:
        """What the study gives: a subset of `INTERVENTION_KINDS` (module docstring)."""
        kinds: set[str] = set()
        placebo_kinds: set[str] = set()
        for intervention in self.interventions:
            kind = _kind_of(intervention)
            if _PLACEBO.search(intervention.name):
                placebo_kinds.add(kind)
            else:
                kinds.add(kind)
        return frozenset(kinds or placebo_kinds)

    @property
    def is_cell_therapy(self) -> bool:
        return any(intervention.cell_therapy for intervention in self.interventions)

    @property
    def open_to_enrol(self) -> bool:
        return self.overall_status in OPEN_STATUSES


# parse_study makes dozens of these objects per record. A frozen dataclass's generated __init__
# sets each field through object.__setattr__; giving a new instance its whole dict at once takes
# about half as long. These constructors do that; they must name every field (tests compare
# their objects with ones made by the generated __init__).

_new = object.__new__
_set = object.__setattr__


def _new_contact(name: str, role: str, phone: str, email: str) -> Contact:
    contact = _new(Contact)
    _set(contact, "__dict__", {"name": name, "role": role, "phone": phone, "email": email})
    return contact


def _new_official(name: str, affiliation: str, role: str) -> Official:
    official = _new(Official)
    _set(official, "__dict__", {"name": name, "affiliation": affiliation, "role": role})
    return official


def _new_site(
    facility: str,
    city: str,
    state: str,
    zip_code: str,
    country: str,
    status: str,
    lat: float | None,
    lon: float | None,
    contacts: tuple[Contact, ...],
) -> Site:
    site = _new(Site)
    _set(
        site,
        "__dict__",
        {
            "facility": facility,
            "city": city,
            "state": state,
            "zip": zip_code,
            "country": country,
            "status": status,
            "lat": lat,
            "lon": lon,
            "contacts": contacts,
        },
    )
    return site


def _new_intervention(
    kind: str,
    name: str,
    description: str,
    other_names: tuple[str, ...],
    arm_labels: tuple[str, ...],
    cell_therapy: bool,
) -> Intervention:
    intervention = _new(Intervention)
    _set(
        intervention,
        "__dict__",
        {
            "type": kind,
            "name": name,
            "description": description,
            "other_names": other_names,
            "arm_labels": arm_labels,
            "cell_therapy": cell_therapy,
        },
    )
    return intervention


def _new_arm(label: str, kind: str, description: str, names: tuple[str, ...]) -> Arm:
    arm = _new(Arm)
    _set(
        arm,
        "__dict__",
        {"label": label, "type": kind, "description": description, "intervention_names": names},
    )
    return arm


def _new_record(**values: object) -> StudyRecord:
    record = _new(StudyRecord)
    _set(record, "__dict__", values)
    return record


# --- Classification ---------------------------------------------------------------------------

_ALS_WORDS = re.compile(r"amyotrophic[\s-]+lateral[\s-]+scleros[ie]s|lou[\s-]+gehrig", re.I)
_ALS_ABBREVIATION = re.compile(r"(?<![A-Za-z0-9])[fFsS]?ALS(?![A-Za-z0-9])")
_NOT_ALS_ABBREVIATION = re.compile(
    r"life[\s-]+support|lymphocyte[\s-]+serum|acetolactate[\s-]+synthase", re.I
)
_MND = re.compile(r"(?i:motor[\s-]+neurone?[\s-]+disease)|(?<![A-Za-z0-9])MND(?![A-Za-z0-9])")
_OTHER_MND = re.compile(
    r"(?i:spinal[\s-]+muscular[\s-]+atrophy|spinal[\s-]+and[\s-]+bulbar|kennedy|"
    r"primary[\s-]+lateral[\s-]+sclerosis|progressive[\s-]+muscular[\s-]+atrophy|"
    r"post[\s-]*polio)|(?<![A-Za-z0-9])(?:SMA|SBMA|PLS|PMA)(?![A-Za-z0-9])"
)


def _names_als(texts: Sequence[str]) -> bool:
    if not texts:
        return False
    joined = "\n".join(texts)
    if _ALS_WORDS.search(joined):
        return True
    if _ALS_ABBREVIATION.search(joined) and not _NOT_ALS_ABBREVIATION.search(joined):
        return True
    return bool(_MND.search(joined)) and not _OTHER_MND.search(joined)


_PLACEBO = re.compile(r"\b(?:placebos?|sham|vehicle|dummy)\b", re.I)
# Cell-therapy rules, keyed by words that must be in the (lower-cased) text for the rule to
# apply: None when the words alone are enough, else a pattern that must match. Looking for the
# keys first and running only their patterns keeps the common case (no cells named) at one scan;
# keys are chosen not to occur in everyday words ("stem cell", not "stem", found in "system").
_B = r"(?<![a-z0-9])"  # start of a word
_CELLS = r"[\s-]+cells?\b"
_STEM_CELLS = re.compile(rf"{_B}stem[\s-]*cells?\b(?![\s-]+(?:mobili[sz]\w*|factor))")
_CAR_T = re.compile(rf"{_B}car[\s-]?t\b")
_NK_CELLS = re.compile(rf"{_B}nk{_CELLS}")
_CELL_RULES: dict[str, re.Pattern[str] | None] = {
    "stem cell": _STEM_CELLS,
    "stem-cell": _STEM_CELLS,
    "stemcell": _STEM_CELLS,
    "neural stem": None,
    "stromal": re.compile(r"stromal[\s-]+(?:vascular|cells?|stem)"),
    "svf": re.compile(rf"{_B}svf\b"),
    "msc": re.compile(rf"{_B}mscs?\b"),
    "mesenchymal": re.compile(r"mesenchymal\b(?![\s-]+(?:tumou?rs?|neoplasms?|chondrosarcoma))"),
    "progenitor": None,
    "precursor": re.compile(rf"precursor{_CELLS}"),
    "pluripotent": None,
    "ipsc": re.compile(rf"{_B}h?ipscs?\b"),
    "bmmc": re.compile(rf"{_B}bmmcs?\b"),
    "mnc": re.compile(rf"{_B}bm-?mncs?\b"),
    "mononuclear": re.compile(rf"mononuclear{_CELLS}"),
    "cell": re.compile(
        rf"{_B}cell(?:ular|s)?[\s-]+(?:based[\s-]+)?(?:therap|products?\b|transplant|implant"
        r"|graft|infusion|injection|suspension)"
    ),
    "autologous": re.compile(rf"autologous\b(?:[\s-]+\S+){{0,4}}?{_CELLS}"),
    "allogen": re.compile(rf"allogene?ic\b(?:[\s-]+\S+){{0,4}}?{_CELLS}"),
    "xenogen": re.compile(rf"xenogeneic\b(?:[\s-]+\S+){{0,4}}?{_CELLS}"),
    "muse": re.compile(rf"{_B}muse{_CELLS}"),
    "nurown": None,
    "umbilical": re.compile(rf"umbilical[\s-]+cord\b(?:[\s-]+\S+){{0,4}}?{_CELLS}"),
    "cord blood": None,
    "cord-blood": None,
    "wharton": re.compile(r"wharton['’]?s?[\s-]+jelly"),
    "treg": re.compile(rf"{_B}tregs?\b"),
    "regulatory": re.compile(rf"regulatory[\s-]+t{_CELLS}"),
    "nk cell": _NK_CELLS,
    "nk-cell": _NK_CELLS,
    "car-t": _CAR_T,
    "car t": _CAR_T,
    "astrocyt": re.compile(
        r"(?:derived|human|healthy|transplanted|injected|allogeneic|autologous)[\s-]+"
        r"(?:\S+[\s-]+){0,2}?astrocytes?\b|astrocytes?[\s-]+(?:derived|progenitor|precursor)"
    ),
}
# In a name or other name, astrocytes are the product, and "NPC" a product code (hNPC01).
_CELL_NAME_RULES = _CELL_RULES | {"astrocyt": None, "npc": re.compile(rf"{_B}h?u?npcs?\d*\b")}


def _keys_pattern(keys: Sequence[str]) -> re.Pattern[str]:
    """A pattern finding any of `keys`, its alternatives grouped by first letter: with dozens of
    keys, Python's regex engine tries far fewer alternatives at each position."""
    groups: dict[str, list[str]] = {}
    for key in sorted(keys, key=len, reverse=True):
        groups.setdefault(key[0], []).append(re.escape(key[1:]))
    return re.compile(
        "|".join(f"{re.escape(first)}(?:{'|'.join(rest)})" for first, rest in groups.items())
    )


_CELL_KEYS = _keys_pattern(list(_CELL_NAME_RULES))
# Cells that are not a product: "autologous red blood cells" is a transfusion.
_NOT_PRODUCT_CELLS = re.compile(r"(?:red|white|sickle)[\s-]+(?:blood[\s-]+)?cells?\b")


def _names_cells(text: str, keys: set[str], rules: dict[str, re.Pattern[str] | None]) -> bool:
    for key in keys:
        rule = rules.get(key, False)
        if rule is None:
            if key in text:
                return True
        elif rule is not False:  # False: a name-only key, and this is a description
            for match in rule.finditer(text):
                if _NOT_PRODUCT_CELLS.search(match.group()) is None:
                    return True
    return False


def is_cell_therapy(name: str, description: str = "", other_names: Sequence[str] = ()) -> bool:
    """Whether an intervention is a cell therapy, from its name, description and other names
    (rules in the module docstring)."""
    if _PLACEBO.search(name):
        return False
    names = " \n ".join((name, *other_names)).lower() if other_names else name.lower()
    text = description.lower()
    keys = {match.group() for match in _CELL_KEYS.finditer(f"{names}\n{text}")}
    if not keys:  # the common case: no cells named
        return False
    return _names_cells(names, keys, _CELL_NAME_RULES) or _names_cells(text, keys, _CELL_RULES)


_GENE_IN_TEXT = (
    r"\bantisense\b|\basos?\b|oligonucleotide|\baav\w*|adeno[\s-]+associated"
    r"|\bgene[\s-]+(?:therap\w*|transfer|silencing|editing|replacement)"
    r"|\bsirnas?\b|\brnai\b|\bcrispr|lentivir\w*|\bviral[\s-]+vectors?"
)
_GENE_TEXT = re.compile(_GENE_IN_TEXT, re.I)
_GENE_NAME = re.compile(_GENE_IN_TEXT + r"|\w+rsen\b|\w{2,}siran\b|\w{3,}gene\b|\w+vec\b", re.I)
_TYPE_KINDS = {
    "DRUG": "drug",
    "BIOLOGICAL": "drug",
    "COMBINATION_PRODUCT": "drug",
    "GENETIC": "gene",
    "DEVICE": "device",
    "PROCEDURE": "procedure",
    "BEHAVIORAL": "behavioral",
}


def _kind_of(intervention: Intervention) -> str:
    if intervention.cell_therapy:
        return "cell"
    kind = _TYPE_KINDS.get(intervention.type, "other")
    if kind in ("gene", "device", "behavioral"):
        return kind
    names = " \n ".join((intervention.name, *intervention.other_names))
    if _GENE_NAME.search(names) or _GENE_TEXT.search(intervention.description):
        return "gene"
    return kind


# --- Reading JSON safely ----------------------------------------------------------------------
#
# Each reader takes the parent object, the key(s) and the parent's JSON path; the path of a field
# is only formatted when the field is wrong, which keeps the common case fast.

_EMPTY: dict = {}
_Path = str | tuple  # a JSON path, or the parts to format it from (see `_path`)


def _kind_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _wrong(path: _Path, want: str, value: object) -> RecordError:
    return RecordError(f"{path.lstrip('.')} must be {want}, not {_kind_name(value)}")


def _obj(parent: dict, key: str, path: _Path) -> dict:
    value = parent.get(key)
    if value is None:
        return _EMPTY
    if value.__class__ is dict or isinstance(value, dict):
        return value
    raise _wrong(f"{_path(path)}.{key}", "an object", value)


_BLANKS = ("",) * 8  # defaults for `_strings`: no object here has more string fields read
_strip = str.strip


def _strings(parent: dict, keys: tuple[str, ...], path: _Path) -> list[str]:
    """The string fields `keys` of `parent`, stripped; "" for an absent or null one. `path` may
    be ``(list path, key, index)``, formatted only for an error."""
    try:  # the common case, in C: every field a string or absent
        return list(map(_strip, map(parent.get, keys, _BLANKS)))
    except TypeError:  # a null, or a wrong type
        pass
    out = []
    for key in keys:
        value = parent.get(key)
        if value is None:
            out.append("")
        elif isinstance(value, str):
            out.append(value.strip())
        else:
            raise _wrong(f"{_path(path)}.{key}", "a string", value)
    return out


def _path(path: _Path) -> str:
    """A JSON path from a string or a ``(parent path, key[, index])`` tuple."""
    if isinstance(path, tuple):
        if len(path) == 2:
            return f"{_path(path[0])}.{path[1]}"
        parent, key, index = path
        return f"{_path(parent)}.{key}[{index}]"
    return path


def _list(parent: dict, key: str, path: _Path) -> list:
    value = parent.get(key)
    if value is None:
        return []
    if value.__class__ is list or isinstance(value, list):
        return value
    raise _wrong(f"{_path(path)}.{key}", "a list", value)


def _string_list(parent: dict, key: str, path: _Path) -> tuple[str, ...]:
    """A list of strings, stripped, blanks and nulls left out."""
    value = parent.get(key)
    if value is None:
        return ()
    if value.__class__ is list:
        try:  # the common case, in C: only strings
            return tuple(filter(None, map(_strip, value)))
        except TypeError:  # a null, or a wrong type
            pass
    elif not isinstance(value, list):
        raise _wrong(f"{_path(path)}.{key}", "a list", value)
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            item = item.strip()
            if item:
                out.append(item)
        elif item is not None:
            raise _wrong(f"{_path(path)}.{key}[{i}]", "a string", item)
    return tuple(out)


def _objs(parent: dict, key: str, path: _Path) -> list[dict]:
    """The objects of a list; nulls in the list are left out."""
    items = _list(parent, key, path)
    nulls = False
    for i, item in enumerate(items):
        if item.__class__ is not dict and not isinstance(item, dict):
            if item is not None:
                raise _wrong(f"{_path(path)}.{key}[{i}]", "an object", item)
            nulls = True
    return [item for item in items if item is not None] if nulls else items


def _flag(parent: dict, key: str, path: _Path) -> bool | None:
    value = parent.get(key)
    if value is None or value is True or value is False:
        return value
    raise _wrong(f"{_path(path)}.{key}", "true or false", value)


_NCT_ID = re.compile(r"NCT\d{8}")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _date_text(parent: dict, key: str, path: _Path) -> str:
    """A date as given ("YYYY", "YYYY-MM" or "YYYY-MM-DD"), checked; "" when absent."""
    struct = parent.get(key)
    if struct is None:
        return ""
    if struct.__class__ is dict and (value := struct.get("date")).__class__ is str:
        value = value.strip()  # the common case inline
    else:
        (value,) = _strings(_obj(parent, key, path), ("date",), (path, key))
    if value and _date(value) is None:
        raise RecordError(f"{_path(path)}.{key}.date is not a date (YYYY-MM-DD): {value[:40]!r}")
    return value


@functools.lru_cache(maxsize=32768)  # every day of 90 years
def _date(value: str) -> datetime.date | None:
    """ "2026-03-15" → that day; "2026-03" and "2026" → their first day; None if not a date."""
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        return datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?", re.I)
_YEARS_PER_UNIT = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / DAYS_PER_YEAR,
    "day": 1 / DAYS_PER_YEAR,
    "hour": 1 / (DAYS_PER_YEAR * 24),
    "minute": 1 / (DAYS_PER_YEAR * 24 * 60),
}
_NO_AGE = -1.0


@functools.lru_cache(maxsize=1024)
def _age(value: str) -> float | None:
    if not value or value.upper() == "N/A":
        return None
    match = _AGE.fullmatch(value)
    if match is None:
        return _NO_AGE
    number, unit = match.groups()
    years = float(number) * _YEARS_PER_UNIT[unit.lower()]
    return years if math.isfinite(years) else _NO_AGE


def _age_years(value: str, path: _Path) -> float | None:
    """An age ("18 Years", "6 Months", "N/A") in years; None for no limit."""
    years = _age(value)
    if years == _NO_AGE:
        raise RecordError(f"{path} is not an age like '18 Years': {value[:40]!r}")
    return years


_MESH_ID = re.compile(r"([A-Z])(\d+)")


@functools.lru_cache(maxsize=8192)
def normalise_mesh_id(mesh_id: str) -> str:
    """A MeSH id in its current form: "D000003680" → "D003680"; "D000690" and the 9-digit
    "D000086382" stay (module docstring). Anything that is not a letter and digits is kept,
    upper-cased."""
    mesh_id = mesh_id.strip().upper()
    match = _MESH_ID.fullmatch(mesh_id)
    if match is None:
        return mesh_id
    letter, digits = match.groups()
    number = int(digits)
    if len(digits) < 6 or (len(digits) > 6 and number < 66000):
        return f"{letter}{number:06d}"
    return mesh_id


_CONTACT_KEYS = ("name", "role", "phone", "phoneExt", "email")


def _contacts(parent: dict, key: str, path: _Path) -> tuple[Contact, ...]:
    out = []
    for i, item in enumerate(_objs(parent, key, path)):
        get = item.get
        try:
            name, role, phone, extension, email = map(_strip, map(get, _CONTACT_KEYS, _BLANKS))
        except TypeError:
            name, role, phone, extension, email = _strings(item, _CONTACT_KEYS, (path, key, i))
        if extension:
            phone = f"{phone} ext. {extension}" if phone else f"ext. {extension}"
        out.append(_new_contact(name, role, phone, email))
    return tuple(out)


def _coordinate(point: dict, key: str, path: _Path, limit: float) -> float | None:
    value = point.get(key)
    if value is None:
        return None
    if value.__class__ is not float and (
        isinstance(value, bool) or not isinstance(value, (int, float))
    ):
        raise _wrong(f"{_path(path)}.{key}", "a number", value)
    if not -limit <= value <= limit:  # also rejects NaN
        raise RecordError(f"{_path(path)}.{key} is out of range: {value!r}")
    return float(value)


_SITE_KEYS = ("facility", "city", "state", "zip", "country", "status")


def _sites(parent: dict, key: str, path: _Path) -> tuple[Site, ...]:
    # The hottest loop (a study can have hundreds of sites): the common case inline.
    out = []
    append = out.append
    for i, item in enumerate(_objs(parent, key, path)):
        get = item.get
        try:
            texts = list(map(_strip, map(get, _SITE_KEYS, _BLANKS)))
        except TypeError:
            texts = _strings(item, _SITE_KEYS, (path, key, i))
        point = get("geoPoint")
        if point is None:
            lat = lon = None
        elif (
            point.__class__ is dict
            and (lat := point.get("lat")).__class__ is float
            and (lon := point.get("lon")).__class__ is float
            and -90.0 <= lat <= 90.0
            and -180.0 <= lon <= 180.0
        ):
            pass
        else:
            lat, lon = _geo_point(item, (path, key, i))
        contacts = _contacts(item, "contacts", (path, key, i)) if get("contacts") else ()
        append(_new_site(*texts, lat, lon, contacts))
    return tuple(out)


def _geo_point(item: dict, path: _Path) -> tuple[float | None, float | None]:
    """``geoPoint`` checked field by field; (None, None) unless both coordinates are given."""
    point = _obj(item, "geoPoint", path)
    lat = _coordinate(point, "lat", (path, "geoPoint"), 90)
    lon = _coordinate(point, "lon", (path, "geoPoint"), 180)
    if lat is None or lon is None:
        return None, None
    return lat, lon


_INTERVENTION_KEYS = ("type", "name", "description")


def _interventions(parent: dict, key: str, path: _Path) -> tuple[Intervention, ...]:
    out = []
    for i, item in enumerate(_objs(parent, key, path)):
        item_path = (path, key, i)
        kind, name, description = _strings(item, _INTERVENTION_KEYS, item_path)
        other_names = _string_list(item, "otherNames", item_path)
        arm_labels = _string_list(item, "armGroupLabels", item_path)
        cell = is_cell_therapy(name, description, other_names)
        out.append(_new_intervention(kind, name, description, other_names, arm_labels, cell))
    return tuple(out)


_ARM_KEYS = ("label", "type", "description")


def _arms(parent: dict, key: str, path: _Path) -> tuple[Arm, ...]:
    out = []
    for i, item in enumerate(_objs(parent, key, path)):
        item_path = (path, key, i)
        label, kind, description = _strings(item, _ARM_KEYS, item_path)
        names = _string_list(item, "interventionNames", item_path)
        out.append(_new_arm(label, kind, description, names))
    return tuple(out)


_OFFICIAL_KEYS = ("name", "affiliation", "role")


def _officials(parent: dict, key: str, path: _Path) -> tuple[Official, ...]:
    return tuple(
        _new_official(*_strings(item, _OFFICIAL_KEYS, (path, key, i)))
        for i, item in enumerate(_objs(parent, key, path))
    )


def _names(parent: dict, key: str, path: _Path) -> tuple[str, ...]:
    """The non-blank ``name`` of each object of a list (collaborators)."""
    names = (
        _strings(item, ("name",), (path, key, i))[0]
        for i, item in enumerate(_objs(parent, key, path))
    )
    return tuple(name for name in names if name)


_MESH_KEYS = ("id", "term")


def _mesh(browse: dict, path: _Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids: dict[str, None] = {}
    terms: dict[str, None] = {}
    for key in ("meshes", "ancestors"):
        for i, item in enumerate(_objs(browse, key, path)):
            mesh_id = item.get("id")
            term = item.get("term")
            if mesh_id.__class__ is not str or term.__class__ is not str:
                mesh_id, term = _strings(item, _MESH_KEYS, (path, key, i))
            if mesh_id:
                ids[normalise_mesh_id(mesh_id)] = None
            if term:
                terms[term.strip()] = None
    return tuple(ids), tuple(terms)


def _enrollment(info: dict, path: _Path) -> int | None:
    count = info.get("count")
    if count is None:
        return None
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    if isinstance(count, bool) or not isinstance(count, int):
        raise _wrong(f"{path}.count", "a whole number", count)
    if count < 0:
        raise RecordError(f"{path}.count is negative: {count}")
    return count


# --- Old formats ------------------------------------------------------------------------------

_OLD_FORMAT_KEYS = ("FullStudiesResponse", "FullStudy", "StudyFieldsResponse", "ProtocolSection")


def _check_old_format(obj: dict) -> None:
    found = next((key for key in _OLD_FORMAT_KEYS if key in obj), None)
    if found is None:
        study = obj.get("Study")
        if isinstance(study, dict) and "ProtocolSection" in study:
            found = "Study"
    if found is not None:
        raise OldFormatError(
            f"this is a record in the retired classic ClinicalTrials.gov format ({found}); "
            "download the API v2 JSON instead (ctg-studies.json.zip, from "
            "https://clinicaltrials.gov/api/v2/studies/download?format=json.zip)"
        )


# --- Parsing ----------------------------------------------------------------------------------

_P = "protocolSection"
_IDENT = f"{_P}.identificationModule"
_STATUS = f"{_P}.statusModule"
_SPONSORS = f"{_P}.sponsorCollaboratorsModule"
_CONDITIONS = f"{_P}.conditionsModule"
_DESCRIPTION = f"{_P}.descriptionModule"
_DESIGN = f"{_P}.designModule"
_ARMS = f"{_P}.armsInterventionsModule"
_ELIGIBILITY = f"{_P}.eligibilityModule"
_CONTACTS = f"{_P}.contactsLocationsModule"
_BROWSE = "derivedSection.conditionBrowseModule"

_IDENT_KEYS = ("nctId", "briefTitle", "officialTitle", "acronym")
_STATUS_KEYS = ("overallStatus", "lastKnownStatus", "whyStopped")
_ELIGIBILITY_KEYS = ("eligibilityCriteria", "sex", "minimumAge", "maximumAge")


def parse_study(obj: object) -> StudyRecord:
    """A study record from one parsed v2 JSON study object.

    Raises `RecordError` (or `OldFormatError`) with a plain reason for anything that is not a
    usable v2 study; never another exception for odd input."""
    if not isinstance(obj, dict):
        raise RecordError(f"a study record must be a JSON object, not {_kind_name(obj)}")
    protocol = obj.get(_P)
    if protocol is None:
        _check_old_format(obj)
        studies = obj.get("studies")
        if isinstance(studies, list):
            raise RecordError(
                f"this is a page of {len(studies)} studies from the API, not one study record"
            )
        raise RecordError("no protocolSection: this is not a ClinicalTrials.gov study record")
    if not isinstance(protocol, dict):
        raise _wrong(_P, "an object", protocol)

    ident = _obj(protocol, "identificationModule", _P)
    nct_id, brief_title, official_title, acronym = _strings(ident, _IDENT_KEYS, _IDENT)
    if not nct_id:
        raise RecordError(f"no {_IDENT}.nctId")
    if _NCT_ID.fullmatch(nct_id) is None:
        raise RecordError(
            f"{_IDENT}.nctId is not an NCT number (NCT and 8 digits): {nct_id[:40]!r}"
        )
    if not brief_title and not official_title:
        raise RecordError(f"no title: neither {_IDENT}.briefTitle nor officialTitle")

    # Without a status module the status and last update are unknown, not a reason to refuse.
    status = _obj(protocol, "statusModule", _P)
    overall_status, last_known_status, why_stopped = _strings(status, _STATUS_KEYS, _STATUS)
    if overall_status and overall_status not in OVERALL_STATUSES:
        raise RecordError(f"{_STATUS}.overallStatus is not a known status: {overall_status[:40]!r}")
    last_update = _date_text(status, "lastUpdatePostDateStruct", _STATUS)
    first_posted = _date_text(status, "studyFirstPostDateStruct", _STATUS)

    sponsors = _obj(protocol, "sponsorCollaboratorsModule", _P)
    lead_sponsor, sponsor_class = _strings(
        _obj(sponsors, "leadSponsor", _SPONSORS), ("name", "class"), f"{_SPONSORS}.leadSponsor"
    )
    conditions = _obj(protocol, "conditionsModule", _P)
    brief_summary, detailed_description = _strings(
        _obj(protocol, "descriptionModule", _P),
        ("briefSummary", "detailedDescription"),
        _DESCRIPTION,
    )
    design = _obj(protocol, "designModule", _P)
    (study_type,) = _strings(design, ("studyType",), _DESIGN)
    enrollment_info = _obj(design, "enrollmentInfo", _DESIGN)
    (enrollment_type,) = _strings(enrollment_info, ("type",), f"{_DESIGN}.enrollmentInfo")
    arms = _obj(protocol, "armsInterventionsModule", _P)
    eligibility = _obj(protocol, "eligibilityModule", _P)
    criteria, sex, minimum_age, maximum_age = _strings(eligibility, _ELIGIBILITY_KEYS, _ELIGIBILITY)
    contacts = _obj(protocol, "contactsLocationsModule", _P)
    browse = _obj(_obj(obj, "derivedSection", ""), "conditionBrowseModule", "derivedSection")
    mesh_ids, mesh_terms = _mesh(browse, _BROWSE)
    has_results = obj.get("hasResults")
    if has_results is not None and has_results is not True and has_results is not False:
        raise _wrong("hasResults", "true or false", has_results)

    return _new_record(
        nct_id=nct_id,
        brief_title=brief_title,
        official_title=official_title,
        acronym=acronym,
        overall_status=overall_status,
        last_known_status=last_known_status,
        why_stopped=why_stopped,
        study_type=study_type,
        phases=_string_list(design, "phases", _DESIGN),
        start_date=_date_text(status, "startDateStruct", _STATUS),
        primary_completion_date=_date_text(status, "primaryCompletionDateStruct", _STATUS),
        completion_date=_date_text(status, "completionDateStruct", _STATUS),
        first_posted=_date(first_posted) if first_posted else None,
        last_updated=_date(last_update) if last_update else None,
        enrollment=_enrollment(enrollment_info, f"{_DESIGN}.enrollmentInfo"),
        enrollment_type=enrollment_type,
        lead_sponsor=lead_sponsor,
        sponsor_class=sponsor_class,
        collaborators=_names(sponsors, "collaborators", _SPONSORS),
        conditions=_string_list(conditions, "conditions", _CONDITIONS),
        keywords=_string_list(conditions, "keywords", _CONDITIONS),
        mesh_ids=mesh_ids,
        mesh_terms=mesh_terms,
        brief_summary=brief_summary,
        detailed_description=detailed_description,
        interventions=_interventions(arms, "interventions", _ARMS),
        arms=_arms(arms, "armGroups", _ARMS),
        eligibility_text=criteria,
        healthy_volunteers=_flag(eligibility, "healthyVolunteers", _ELIGIBILITY),
        sex=sex,
        minimum_age_years=_age_years(minimum_age, f"{_ELIGIBILITY}.minimumAge"),
        maximum_age_years=_age_years(maximum_age, f"{_ELIGIBILITY}.maximumAge"),
        std_ages=_string_list(eligibility, "stdAges", _ELIGIBILITY),
        central_contacts=_contacts(contacts, "centralContacts", _CONTACTS),
        officials=_officials(contacts, "overallOfficials", _CONTACTS),
        sites=_sites(contacts, "locations", _CONTACTS),
        has_results=has_results is True,
    )
