"""Synthetic ClinicalTrials.gov API v2 study records, for tests, the demo and the import benchmark.

The project's machines cannot download the real bulk file (``ctg-studies.json.zip``,
``shared/design/trials-and-evidence.md`` §1.2), so the importer is exercised on records made
here. They have the shape of real v2 records (§1.3, §1.5) and roughly their statistics, all text
templated and invented:

- **identifiers** ``NCT8`` + 7 digits (``NCT80000000`` + index): far from the hand-written demo
  records (``NCT99…``) and, for decades, from real trials;
- **size** about 12–20 kB of JSON on average with a long tail (two probes of the real file, §1.2:
  mean 17,287 bytes per study, largest ≈ 3.6 MB): long descriptions, many outcomes, results for a
  share of completed studies, and now and then a study with one to four hundred sites;
- **ALS share** about 2 % by default (MeSH D000690 with its ancestors); ALS studies carry
  eligibility texts assembled from varied ALS criteria phrasings, with the layout quirks of §1.4
  (header spellings, ``*`` ``-`` ``•`` ``–`` and numbered bullets, ``\\>`` escapes, a sentence
  before the headers, no headers at all, a progression-rate formula);
- **statuses** mixed like the registry, about a fifth open to enrolment (§1.1: 21 % of ALS
  trials recruiting in 2022); expanded-access studies with their own statuses and no phases;
- **interventions** 1–4 of all types, some cell therapies (MSCs, neural progenitors, bone-marrow
  mononuclear cells…), antisense drugs named ``-rsen``, placebos and shams;
- **sites** mostly 1–30 with ``geoPoint`` coordinates of real cities (a few without), contacts
  with ``example.org`` addresses and 555 telephone numbers;
- a few **decoys**: non-ALS studies whose keywords say "Advanced Life Support (ALS)", and older
  records with zero-padded MeSH ids.

`synthetic_study` depends only on the `random.Random` it is given, so a seed gives the same
records every time; `write_bulk_zip` writes them like the real bulk download (one
``<nctId>.json`` file per study), streaming.
"""

from __future__ import annotations

import json
import random
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["synthetic_study", "write_bulk_zip"]

# --- Registry-like mixes ----------------------------------------------------------------------

_STATUSES = (
    ("COMPLETED", 45.0),
    ("UNKNOWN", 12.0),
    ("RECRUITING", 14.5),
    ("NOT_YET_RECRUITING", 4.0),
    ("ENROLLING_BY_INVITATION", 1.3),
    ("ACTIVE_NOT_RECRUITING", 6.0),
    ("TERMINATED", 7.0),
    ("WITHDRAWN", 3.0),
    ("SUSPENDED", 0.5),
    ("WITHHELD", 0.1),
)
_EXPANDED_ACCESS_STATUSES = (
    ("AVAILABLE", 35.0),
    ("NO_LONGER_AVAILABLE", 40.0),
    ("TEMPORARILY_NOT_AVAILABLE", 5.0),
    ("APPROVED_FOR_MARKETING", 20.0),
)
_OPEN = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE"}
_PHASES = (
    (("NA",), 30.0),
    (("EARLY_PHASE1",), 3.0),
    (("PHASE1",), 12.0),
    (("PHASE1", "PHASE2"), 5.0),
    (("PHASE2",), 20.0),
    (("PHASE2", "PHASE3"), 3.0),
    (("PHASE3",), 12.0),
    (("PHASE4",), 12.0),
    ((), 3.0),
)
_SPONSOR_CLASSES = (("OTHER", 62.0), ("INDUSTRY", 28.0), ("NIH", 3.0), ("OTHER_GOV", 4.0))
_STOP_REASONS = (
    "Slow enrolment.",
    "The sponsor decided to stop the programme.",
    "Funding ended.",
    "The study drug supply was interrupted.",
    "An interim analysis showed the study could not meet its goal.",
    "The investigator left the institution.",
)


def _weighted(rng: random.Random, table: Sequence[tuple[object, float]]):
    total = sum(weight for _, weight in table)
    point = rng.random() * total
    for value, weight in table:
        point -= weight
        if point < 0:
            return value
    return table[-1][0]


# --- Conditions -------------------------------------------------------------------------------

_ALS_ANCESTORS = (
    ("D016472", "Motor Neuron Disease"),
    ("D019636", "Neurodegenerative Diseases"),
    ("D009422", "Nervous System Diseases"),
    ("D013118", "Spinal Cord Diseases"),
    ("D002493", "Central Nervous System Diseases"),
    ("D009468", "Neuromuscular Diseases"),
    ("D057177", "TDP-43 Proteinopathies"),
)
_ALS_CONDITIONS = (
    "Amyotrophic Lateral Sclerosis",
    "Amyotrophic Lateral Sclerosis",
    "ALS",
    "ALS (Amyotrophic Lateral Sclerosis)",
    "Motor Neuron Disease",
    "Motor Neurone Disease",
    "Lou Gehrig's Disease",
    "Familial Amyotrophic Lateral Sclerosis",
)
# (condition, MeSH id, MeSH term, ancestors)
_OTHER_CONDITIONS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("Breast Cancer", "D001943", "Breast Neoplasms", (("D009371", "Neoplasms by Site"),)),
    (
        "Type 2 Diabetes",
        "D003924",
        "Diabetes Mellitus, Type 2",
        (("D003920", "Diabetes Mellitus"),),
    ),
    ("Hypertension", "D006973", "Hypertension", (("D014652", "Vascular Diseases"),)),
    ("Asthma", "D001249", "Asthma", (("D008173", "Lung Diseases, Obstructive"),)),
    ("Alzheimer Disease", "D000544", "Alzheimer Disease", (("D003704", "Dementia"),)),
    ("Parkinson Disease", "D010300", "Parkinson Disease", (("D020734", "Parkinsonian Disorders"),)),
    (
        "Multiple Sclerosis",
        "D009103",
        "Multiple Sclerosis",
        (("D020278", "Demyelinating Diseases"),),
    ),
    ("Stroke", "D020521", "Stroke", (("D002561", "Cerebrovascular Disorders"),)),
    ("Depression", "D003863", "Depression", (("D001526", "Behavioral Symptoms"),)),
    ("Obesity", "D009765", "Obesity", (("D050177", "Overweight"),)),
    ("Heart Failure", "D006333", "Heart Failure", (("D006331", "Heart Diseases"),)),
    (
        "Prostate Cancer",
        "D011471",
        "Prostatic Neoplasms",
        (("D005834", "Genital Neoplasms, Male"),),
    ),
    (
        "Spinal Muscular Atrophy",
        "D009134",
        "Muscular Atrophy, Spinal",
        (("D016472", "Motor Neuron Disease"),),
    ),
    (
        "Myasthenia Gravis",
        "D009157",
        "Myasthenia Gravis",
        (("D020511", "Neuromuscular Junction Diseases"),),
    ),
    ("Huntington Disease", "D006816", "Huntington Disease", (("D020820", "Dyskinesias"),)),
    ("Osteoarthritis, Knee", "D020370", "Osteoarthritis, Knee", (("D010003", "Osteoarthritis"),)),
    ("COVID-19", "D000086382", "COVID-19", (("D011024", "Pneumonia, Viral"),)),
    (
        "Chronic Kidney Disease",
        "D051436",
        "Renal Insufficiency, Chronic",
        (("D051437", "Renal Insufficiency"),),
    ),
    ("Rheumatoid Arthritis", "D001172", "Arthritis, Rheumatoid", (("D001168", "Arthritis"),)),
    ("Cardiac Arrest", "D006323", "Heart Arrest", (("D006331", "Heart Diseases"),)),
)
_DECOY_KEYWORDS = ("Advanced Life Support (ALS)", "ALS", "resuscitation")

# --- Places (real city coordinates) ---------------------------------------------------------

# (city, state, zip, country, lat, lon)
_CITIES: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("Boston", "Massachusetts", "02114", "United States", 42.35843, -71.05977),
    ("New York", "New York", "10032", "United States", 40.71427, -74.00597),
    ("Baltimore", "Maryland", "21287", "United States", 39.29038, -76.61219),
    ("Philadelphia", "Pennsylvania", "19104", "United States", 39.95233, -75.16379),
    ("Pittsburgh", "Pennsylvania", "15213", "United States", 40.44062, -79.99589),
    ("Atlanta", "Georgia", "30322", "United States", 33.749, -84.38798),
    ("Miami", "Florida", "33136", "United States", 25.77427, -80.19366),
    ("Jacksonville", "Florida", "32224", "United States", 30.33218, -81.65565),
    ("Nashville", "Tennessee", "37232", "United States", 36.16589, -86.78444),
    ("Cleveland", "Ohio", "44195", "United States", 41.4995, -81.69541),
    ("Columbus", "Ohio", "43210", "United States", 39.96118, -82.99879),
    ("Ann Arbor", "Michigan", "48109", "United States", 42.27756, -83.74088),
    ("Chicago", "Illinois", "60611", "United States", 41.85003, -87.65005),
    ("Milwaukee", "Wisconsin", "53226", "United States", 43.0389, -87.90647),
    ("Minneapolis", "Minnesota", "55455", "United States", 44.97997, -93.26384),
    ("Rochester", "Minnesota", "55905", "United States", 44.02163, -92.4699),
    ("St Louis", "Missouri", "63110", "United States", 38.62727, -90.19789),
    ("Kansas City", "Kansas", "66160", "United States", 39.11417, -94.62746),
    ("Houston", "Texas", "77030", "United States", 29.76328, -95.36327),
    ("Dallas", "Texas", "75390", "United States", 32.78306, -96.80667),
    ("Denver", "Colorado", "80045", "United States", 39.73915, -104.9847),
    ("Salt Lake City", "Utah", "84132", "United States", 40.76078, -111.89105),
    ("Phoenix", "Arizona", "85013", "United States", 33.44838, -112.07404),
    ("Los Angeles", "California", "90048", "United States", 34.05223, -118.24368),
    ("San Diego", "California", "92037", "United States", 32.71571, -117.16472),
    ("San Francisco", "California", "94143", "United States", 37.77493, -122.41942),
    ("Seattle", "Washington", "98195", "United States", 47.60621, -122.33207),
    ("Portland", "Oregon", "97239", "United States", 45.52345, -122.67621),
    ("Toronto", "Ontario", "M5G 2C4", "Canada", 43.70011, -79.4163),
    ("Montreal", "Quebec", "H3A 2B4", "Canada", 45.50884, -73.58781),
    ("Vancouver", "British Columbia", "V6T 2B5", "Canada", 49.24966, -123.11934),
    ("Calgary", "Alberta", "T2N 2T9", "Canada", 51.05011, -114.08529),
    ("Edmonton", "Alberta", "T6G 2B7", "Canada", 53.55014, -113.46871),
    ("Ottawa", "Ontario", "K1H 8L6", "Canada", 45.41117, -75.69812),
    ("London", "", "WC1N 3BG", "United Kingdom", 51.50853, -0.12574),
    ("Oxford", "", "OX3 9DU", "United Kingdom", 51.75222, -1.25596),
    ("Sheffield", "", "S10 2JF", "United Kingdom", 53.38297, -1.4659),
    ("Edinburgh", "", "EH16 4SB", "United Kingdom", 55.95206, -3.19648),
    ("Manchester", "", "M13 9WL", "United Kingdom", 53.48095, -2.23743),
    ("Utrecht", "", "3584 CX", "Netherlands", 52.09083, 5.12222),
    ("Amsterdam", "", "1105 AZ", "Netherlands", 52.37403, 4.88969),
    ("Rotterdam", "", "3015 GD", "Netherlands", 51.9225, 4.47917),
    ("Nijmegen", "", "6525 GA", "Netherlands", 51.8425, 5.85278),
    ("Berlin", "", "10117", "Germany", 52.52437, 13.41053),
    ("Ulm", "Baden-Württemberg", "89081", "Germany", 48.39841, 9.99155),
    ("Munich", "Bavaria", "81377", "Germany", 48.13743, 11.57549),
    ("Hannover", "Lower Saxony", "30625", "Germany", 52.37052, 9.73322),
    ("Dresden", "Saxony", "01307", "Germany", 51.05089, 13.73832),
    ("Paris", "", "75013", "France", 48.85341, 2.3488),
    ("Lyon", "", "69003", "France", 45.74846, 4.84671),
    ("Lille", "", "59037", "France", 50.63297, 3.05858),
    ("Milan", "", "20133", "Italy", 45.46427, 9.18951),
    ("Turin", "", "10126", "Italy", 45.07049, 7.68682),
    ("Rome", "", "00168", "Italy", 41.89193, 12.51133),
    ("Madrid", "", "28041", "Spain", 40.4165, -3.70256),
    ("Barcelona", "", "08035", "Spain", 41.38879, 2.15899),
    ("Leuven", "", "3000", "Belgium", 50.87959, 4.70093),
    ("Stockholm", "", "171 76", "Sweden", 59.32938, 18.06871),
    ("Umeå", "", "901 85", "Sweden", 63.82842, 20.25972),
    ("Dublin", "", "D09", "Ireland", 53.33306, -6.24889),
    ("Basel", "", "4031", "Switzerland", 47.55839, 7.57327),
    ("Jerusalem", "", "9112001", "Israel", 31.76904, 35.21633),
    ("Tel Aviv", "", "6423906", "Israel", 32.08088, 34.78057),
    ("Haifa", "", "3109601", "Israel", 32.81841, 34.9885),
    ("Sydney", "New South Wales", "2050", "Australia", -33.86785, 151.20732),
    ("Melbourne", "Victoria", "3050", "Australia", -37.814, 144.96332),
    ("Brisbane", "Queensland", "4029", "Australia", -27.46794, 153.02809),
    ("Perth", "Western Australia", "6009", "Australia", -31.95224, 115.8614),
    ("Tokyo", "", "113-8655", "Japan", 35.6895, 139.69171),
    ("Osaka", "", "565-0871", "Japan", 34.69374, 135.50218),
    ("Beijing", "Beijing", "100730", "China", 39.9075, 116.39723),
    ("Shanghai", "Shanghai", "200040", "China", 31.22222, 121.45806),
    ("Seoul", "", "03080", "Korea, Republic of", 37.566, 126.9784),
    ("São Paulo", "SP", "05403-000", "Brazil", -23.5475, -46.63611),
    ("New Delhi", "Delhi", "110029", "India", 28.63576, 77.22445),
)
_FACILITY_KINDS = (
    "University Hospital",
    "Medical Center",
    "Neurology Clinic",
    "Clinical Research Unit",
    "General Hospital",
    "Research Institute",
    "Neuromuscular Center",
    "Community Health Center",
)
_FIRST = (
    "Avery", "Jordan", "Morgan", "Riley", "Casey", "Quinn", "Rowan", "Emerson", "Harper",
    "Sasha", "Noor", "Tamsin", "Lior", "Femke", "Jonas", "Ilse", "Mateo", "Priya", "Kenji",
    "Amara", "Tobias", "Ines", "Malik", "Greta",
)  # fmt: skip
_LAST = (
    "Lindqvist", "Okafor", "Brennan", "Vasquez", "Moreau", "Achterberg", "Kaplan", "Whitcombe",
    "Nakamura", "Delacroix", "Haverkamp", "Sorensen", "Abernathy", "Castellano", "Ferreira",
    "Kowalczyk", "Ramaswamy", "Oyelaran", "Petrakis", "Hollis", "Marchetti", "Dunmore",
)  # fmt: skip
_SPONSOR_WORDS = (
    "Northwind", "Bluegate", "Cedar", "Halcyon", "Meridian", "Solstice", "Larkspur", "Ironbridge",
    "Aster", "Quillon", "Tidewater", "Brightfield",
)  # fmt: skip
_SPONSOR_KINDS = (
    "Therapeutics",
    "Biosciences",
    "Pharma",
    "Medical",
    "Health",
    "Research Foundation",
)

# --- Interventions ----------------------------------------------------------------------------

_SYLLABLES_A = ("ar", "bel", "cor", "dal", "ev", "fin", "gal", "hex", "il", "jor", "kal", "lum")
_SYLLABLES_B = ("a", "e", "i", "o", "ami", "oxi", "ira", "ela", "odi", "uva", "eni")
_DRUG_SUFFIXES = ("zolet", "mabrin", "tinadol", "prilex", "sarvane", "stanib", "vorin", "dronex")
_CELL_PRODUCTS = (
    ("BIOLOGICAL", "Autologous bone marrow-derived mesenchymal stem cells",
     "Mesenchymal stem cells grown from the participant's own bone marrow and given by lumbar "
     "puncture."),
    ("BIOLOGICAL", "Allogeneic umbilical cord MSCs",
     "Umbilical cord-derived mesenchymal stromal cells from a screened donor, given into a vein."),
    ("GENETIC", "Neural progenitor cells releasing a growth factor",
     "Human neural progenitor cells engineered with a viral vector, injected into the spinal "
     "cord."),
    ("PROCEDURE", "Bone marrow mononuclear cell injection",
     "Autologous bone marrow mononuclear cells (BMMC) collected the same morning and injected "
     "intrathecally."),
    ("BIOLOGICAL", "MSC-NTF cells",
     "Autologous MSCs induced to secrete neurotrophic factors, three intrathecal doses."),
    ("BIOLOGICAL", "Autologous regulatory T cells",
     "Regulatory T cells expanded from the participant's blood and infused with low-dose "
     "interleukin-2."),
    ("PROCEDURE", "Adipose-derived stromal vascular fraction",
     "Cells separated from the participant's own fat tissue and injected the same day."),
)  # fmt: skip
_ROUTES = ("by mouth", "into a vein", "under the skin", "by lumbar puncture", "into a muscle")
_SCHEDULES = ("once a day", "twice a day", "every 2 weeks", "every 4 weeks", "once a week")

# --- Text -------------------------------------------------------------------------------------

_SENTENCES = (
    "Participants are assigned to a group by chance, like tossing a coin.",
    "Neither the participants nor the study doctors know which treatment is given.",
    "Visits take place every {n} weeks and last about {h} hours.",
    "Blood samples are taken at each visit to check safety.",
    "Some visits can be done by telephone or video call.",
    "The study team measures muscle strength with a hand-held device.",
    "Breathing is tested with a spirometer while the participant sits upright.",
    "Questionnaires about daily activities and quality of life are completed at home.",
    "An independent board reviews the safety data every {n} months.",
    "Participants who finish the study may continue in an open-label extension.",
    "The dose is increased over the first {n} weeks if it is well tolerated.",
    "Travel costs are reimbursed for each visit.",
    "The main analysis compares the change from baseline between the groups.",
    "Samples are stored for future research if the participant agrees.",
    "A safety follow-up call takes place {n} weeks after the last dose.",
    "Participants keep a diary of side effects between visits.",
    "The trial uses a central laboratory for all blood tests.",
    "Imaging is done at the start and at the end of treatment.",
    "The study will enrol participants at {n} sites in several countries.",
    "Caregivers are invited to complete a short questionnaire.",
)
_OUTCOME_MEASURES = (
    "Change in {scale} score",
    "Number of participants with adverse events",
    "Time to death or permanent ventilation",
    "Change in slow vital capacity (% predicted)",
    "Change in plasma neurofilament light chain",
    "Proportion of participants who complete treatment",
    "Change in hand-grip strength",
    "Change in quality-of-life score",
)
_SCALES = ("ALSFRS-R", "HbA1c", "pain", "fatigue", "6-minute walk", "disability", "symptom")


def _fill(rng: random.Random, template: str) -> str:
    if "{" not in template:
        return template
    random_ = rng.random
    return template.format(n=int(random_() * 11) + 2, h=int(random_() * 6) + 1)


def _paragraphs(rng: random.Random, sentences: int) -> str:
    """`sentences` templated sentences in paragraphs of four or more (made in bulk: the
    generator spends most of its time here)."""
    random_ = rng.random
    out: list[str] = []
    paragraph: list[str] = []
    for template in rng.choices(_SENTENCES, k=sentences):
        paragraph.append(_fill(rng, template) if "{" in template else template)
        if len(paragraph) >= 4 and random_() < 0.35:
            out.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        out.append(" ".join(paragraph))
    return "\n\n".join(out)


def _person(rng: random.Random, title: str = "") -> str:
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    return f"{name}, {title}" if title else name


def _email(name: str) -> str:
    return name.split(",")[0].lower().replace(" ", ".") + "@example.org"


def _phone(rng: random.Random) -> str:
    return f"+1 {rng.randint(201, 989)}-555-01{rng.randint(0, 99):02d}"


def _date(rng: random.Random, first_year: int, last_year: int, *, day: bool = True) -> str:
    year = rng.randint(first_year, last_year)
    month = rng.randint(1, 12)
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}" if day else f"{year}-{month:02d}"


# --- Eligibility criteria ---------------------------------------------------------------------


def _gt(rng: random.Random) -> str:
    return rng.choice(("\\>", ">", "more than"))


_ALS_INCLUSION: tuple[Callable[[random.Random], str], ...] = (
    lambda r: r.choice(
        (
            f"Age {r.choice((18, 18, 21, 25))} to {r.choice((65, 70, 75, 80, 85))} years.",
            f"Aged {r.choice((18, 21))} years or older.",
            f"Men or women aged ≥ 18 and ≤ {r.choice((70, 75, 80))} years.",
        )
    ),
    lambda r: r.choice(
        (
            "Diagnosis of "
            + r.choice(
                (
                    "possible, laboratory-supported probable, probable or definite",
                    "probable or definite",
                    "definite",
                    "clinically probable or clinically definite",
                )
            )
            + " ALS according to the revised El Escorial criteria.",
            "ALS by the Gold Coast criteria.",
            "Sporadic or familial ALS diagnosed by a neuromuscular specialist.",
        )
    ),
    lambda r: r.choice(
        (
            f"Onset of first symptoms ≤ {r.choice((18, 24, 24, 36))} months before screening.",
            f"Symptom onset within {r.choice((2, 3))} years of the screening visit.",
            f"Disease duration of {r.choice((24, 36, 48))} months or less from first weakness.",
            f"Diagnosed with ALS no more than {r.choice((12, 18, 24))} months ago.",
            f"Time since onset of weakness less than {r.choice((24, 36, 60))} months.",
        )
    ),
    lambda r: r.choice(
        (
            f"ALSFRS-R total score ≥ {r.choice((24, 25, 30, 36))} at screening.",
            f"ALSFRS-R total score between {r.choice((25, 31, 36))} and {r.choice((44, 46))}.",
            f"ALSFRS-R {_gt(r)} {r.choice((20, 30))}.",
            f"A total ALSFRS-R score of at least {r.choice((26, 30, 34))}.",
        )
    ),
    lambda r: r.choice(
        (
            "ALSFRS-R swallowing item ≥ 2.",
            "Score of at least 2 on the walking item and the swallowing item of the ALSFRS-R.",
            "ALSFRS-R item 3 (swallowing) score of 3 or more.",
        )
    ),
    lambda r: r.choice(
        (
            f"FVC ≥ {r.choice((50, 60, 65, 70))}% of predicted.",
            f"Upright slow vital capacity (SVC) ≥ {r.choice((50, 60, 65, 75))}% predicted.",
            f"Forced vital capacity at least {r.choice((60, 70))} % of the predicted value.",
            f"FVC {_gt(r)} {r.choice((50, 60))}% predicted.",
        )
    ),
    lambda r: r.choice(
        (
            f"Progression rate of at least {r.choice((0.35, 0.5, 0.8))} points per month, "
            "defined as (48 − ALSFRS-R at screening) / (months since symptom onset).",
            f"ΔFS ≥ {r.choice((0.5, 0.7))}, where ΔFS = (48 - ALSFRS-R total) / disease "
            "duration in months.",
            "A decline of at least 2 points in ALSFRS-R during a 12-week lead-in period.",
        )
    ),
    lambda r: r.choice(
        (
            "On a stable dose of riluzole for at least 30 days, or not taking riluzole.",
            "Riluzole allowed if stable for ≥ 4 weeks.",
            "If taking riluzole, the dose must have been stable for 30 days or more.",
        )
    ),
    lambda r: r.choice(
        (
            f"Edaravone allowed if started at least {r.choice((30, 60))} days before screening.",
            "Participants on edaravone must have completed at least two treatment cycles.",
        )
    ),
    lambda r: r.choice(
        (
            "Confirmed SOD1 mutation.",
            "C9orf72 hexanucleotide repeat expansion confirmed by an accredited laboratory.",
            "People with or without a known ALS gene (SOD1, C9orf72, FUS) may take part.",
        )
    ),
    lambda r: r.choice(
        (
            "Able to give informed consent and follow study procedures.",
            "Lives within travelling distance of a study site, or willing to travel.",
            f"BMI between 18 and {r.choice((30, 35))} kg/m2.",
        )
    ),
)
_ALS_EXCLUSION: tuple[Callable[[random.Random], str], ...] = (
    lambda r: r.choice(
        (
            "Tracheostomy or invasive ventilation.",
            f"Tracheostomy, or NIV for more than {r.choice((12, 16, 22))} hours per day.",
            f"Use of non-invasive ventilation {_gt(r)} {r.choice((8, 12, 22))} hours/day.",
        )
    ),
    lambda r: r.choice(("Gastrostomy (PEG or RIG).", "Feeding tube already in place.")),
    lambda r: r.choice(
        (
            "Prior stem cell therapy of any kind.",
            "Any earlier cell or gene therapy.",
            "Previous treatment with stem cells.",
        )
    ),
    lambda r: r.choice(
        (
            "Treatment with anticoagulants or antiplatelet drugs that cannot be paused.",
            "Current use of warfarin, apixaban, rivaroxaban or heparin.",
        )
    ),
    lambda r: r.choice(
        (
            "Pregnancy or breastfeeding.",
            "Women who are pregnant, breastfeeding or planning a pregnancy.",
        )
    ),
    lambda r: "Taking part in another interventional study within 30 days.",
    lambda r: "Another neurological disease that could explain the symptoms.",
    lambda r: "Active cancer in the last 5 years, except treated skin cancer.",
    lambda r: f"Edaravone started within {r.choice((30, 60))} days before screening.",
)
_OTHER_INCLUSION = (
    "Diagnosis of {condition} confirmed by a specialist.",
    "Age {a} to {b} years.",
    "Able to take tablets by mouth.",
    "Stable treatment for {condition} for at least {n} weeks.",
    "Body mass index between 18 and {b2} kg/m2.",
    "Willing to use effective contraception during the study.",
    "Able to give written informed consent.",
    "Able to attend all study visits.",
)
_OTHER_EXCLUSION = (
    "Pregnancy or breastfeeding.",
    "Severe kidney or liver disease.",
    "Taking part in another study within 30 days.",
    "Known allergy to the study treatment.",
    "Any condition that, in the investigator's opinion, makes taking part unsafe.",
    "History of cancer in the last 5 years.",
    "Alcohol or drug misuse in the last year.",
)
_INCLUSION_HEADERS = (
    "Inclusion Criteria:",
    "Inclusion Criteria:",
    "Inclusion Criteria:",
    "inclusion criteria",
    "Inclusion criteria:",
    "Key Inclusion Criteria:",
    "INCLUSION CRITERIA:",
)
_BULLETS = ("*", "*", "*", "-", "•", "–", "1.")


def _criteria(rng: random.Random, inclusion: list[str], exclusion: list[str]) -> str:
    if rng.random() < 0.04:  # no headers at all
        return " ".join(
            inclusion + [f"Not eligible: {item[0].lower()}{item[1:]}" for item in exclusion]
        )
    header = rng.choice(_INCLUSION_HEADERS)
    exclusion_header = header.replace("Inclusion", "Exclusion").replace("inclusion", "exclusion")
    exclusion_header = exclusion_header.replace("INCLUSION", "EXCLUSION")
    bullet = rng.choice(_BULLETS)
    gap = "\n\n" if rng.random() < 0.7 else "\n"

    def items(lines: list[str]) -> str:
        if bullet == "1.":
            return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
        return "\n".join(f"{bullet} {line}" for line in lines)

    text = f"{header}{gap}{items(inclusion)}\n\n{exclusion_header}{gap}{items(exclusion)}"
    if rng.random() < 0.1:
        text = "Participants are screened over two visits.\n\n" + text
    return text


def _als_criteria(rng: random.Random) -> str:
    inclusion = [rule(rng) for rule in rng.sample(_ALS_INCLUSION, rng.randint(4, 9))]
    exclusion = [rule(rng) for rule in rng.sample(_ALS_EXCLUSION, rng.randint(3, 7))]
    return _criteria(rng, inclusion, exclusion)


def _other_criteria(rng: random.Random, condition: str) -> str:
    values = {"condition": condition, "a": rng.choice((18, 40)), "b": rng.choice((65, 80))}
    values |= {"n": rng.choice((4, 8, 12)), "b2": rng.choice((30, 35, 40))}
    inclusion = [t.format(**values) for t in rng.sample(_OTHER_INCLUSION, rng.randint(3, 8))]
    exclusion = [t for t in rng.sample(_OTHER_EXCLUSION, rng.randint(2, 7))]
    if rng.random() < 0.3:  # long, detailed criteria lists
        exclusion += [_fill(rng, rng.choice(_SENTENCES)) for _ in range(rng.randint(5, 25))]
    return _criteria(rng, inclusion, exclusion)


# --- Parts of a study -------------------------------------------------------------------------


def _drug_name(rng: random.Random) -> str:
    return (
        rng.choice(_SYLLABLES_A) + rng.choice(_SYLLABLES_B) + rng.choice(_DRUG_SUFFIXES)
    ).title()


def _interventions(rng: random.Random, als: bool) -> list[dict]:
    kinds = ("drug", "cell", "gene", "device", "behavioral", "procedure", "other")
    weights = (50, 18, 10, 10, 4, 3, 5) if als else (55, 2, 1, 12, 12, 10, 8)
    out: list[dict] = []
    count = rng.choices((1, 2, 3, 4), (35, 40, 15, 10))[0]
    placebo = count > 1 and rng.random() < 0.45
    for _ in range(count - placebo):
        kind = rng.choices(kinds, weights)[0]
        if kind == "cell":
            type_, name, description = rng.choice(_CELL_PRODUCTS)
        elif kind == "gene":
            type_ = rng.choice(("DRUG", "GENETIC"))
            name = rng.choice(_SYLLABLES_A).title() + rng.choice(_SYLLABLES_B) + "rsen"
            description = "Antisense oligonucleotide given by lumbar puncture " + rng.choice(
                _SCHEDULES
            )
        elif kind == "device":
            type_ = "DEVICE"
            name = rng.choice(("Wearable sensor", "Breathing trainer", "Eye-gaze keyboard"))
            description = "A device used at home " + rng.choice(_SCHEDULES) + "."
        elif kind == "behavioral":
            type_, name = "BEHAVIORAL", rng.choice(("Exercise programme", "Diet counselling"))
            description = "Sessions with a therapist " + rng.choice(_SCHEDULES) + "."
        elif kind == "procedure":
            type_, name = "PROCEDURE", rng.choice(("Lumbar puncture", "Muscle biopsy"))
            description = "Done by a trained doctor under local anaesthesia."
        elif kind == "other":
            type_, name = "OTHER", rng.choice(("Standard care", "Questionnaire"))
            description = "As usual at the site."
        else:
            type_ = rng.choice(("DRUG", "DRUG", "DRUG", "BIOLOGICAL", "DIETARY_SUPPLEMENT"))
            name = _drug_name(rng)
            description = (
                f"{rng.choice((5, 10, 50, 100, 250))} mg {rng.choice(_ROUTES)} "
                f"{rng.choice(_SCHEDULES)}."
            )
        item = {"type": type_, "name": name, "description": description}
        if rng.random() < 0.2:
            item["otherNames"] = [f"{name[:3].upper()}-{rng.randint(100, 999)}"]
        out.append(item)
    if placebo:
        out.append(
            {
                "type": out[0]["type"],
                "name": "Placebo",
                "description": "Looks the same as the study treatment but has no active "
                "ingredient.",
            }
        )
    return out


def _arms(rng: random.Random, interventions: list[dict]) -> list[dict]:
    arms = []
    real = [i for i in interventions if i["name"] != "Placebo"]
    for n, intervention in enumerate(real, 1):
        label = f"Arm {n}: {intervention['name']}"
        arms.append(
            {
                "label": label,
                "type": "EXPERIMENTAL",
                "description": _fill(rng, rng.choice(_SENTENCES)),
                "interventionNames": [f"{intervention['type'].title()}: {intervention['name']}"],
            }
        )
        intervention["armGroupLabels"] = [label]
    if len(real) < len(interventions):
        arms.append(
            {
                "label": "Placebo",
                "type": "PLACEBO_COMPARATOR",
                "description": "Matching placebo.",
                "interventionNames": [f"{interventions[-1]['type'].title()}: Placebo"],
            }
        )
        interventions[-1]["armGroupLabels"] = ["Placebo"]
    return arms


def _site_count(rng: random.Random) -> int:
    point = rng.random()
    if point < 0.45:
        return 1
    if point < 0.70:
        return rng.randint(2, 5)
    if point < 0.985:
        return rng.randint(6, 30)
    if point < 0.998:
        return rng.randint(100, 400)
    return rng.randint(500, 1500)  # the few very large trials


def _sites(rng: random.Random, status: str) -> list[dict]:
    sites = []
    open_ = status in _OPEN
    site_status = status if status in _OPEN or status == "ACTIVE_NOT_RECRUITING" else ""
    for _ in range(_site_count(rng)):
        city, state, zip_code, country, lat, lon = rng.choice(_CITIES)
        site: dict = {
            "facility": f"{city} {rng.choice(_FACILITY_KINDS)}",
        }
        if site_status:
            site["status"] = site_status
        site["city"] = city
        if state:
            site["state"] = state
        site["zip"] = zip_code
        site["country"] = country
        if open_ and rng.random() < 0.6:
            contact = _person(rng)
            site["contacts"] = [
                {
                    "name": contact,
                    "role": "CONTACT",
                    "phone": _phone(rng),
                    "email": _email(contact),
                },
                {"name": _person(rng, "MD"), "role": "PRINCIPAL_INVESTIGATOR"},
            ]
        if rng.random() < 0.96:
            site["geoPoint"] = {"lat": lat, "lon": lon}
        sites.append(site)
    return sites


def _outcomes(rng: random.Random) -> dict:
    def one() -> dict:
        measure = rng.choice(_OUTCOME_MEASURES).format(scale=rng.choice(_SCALES))
        return {
            "measure": measure,
            "description": _paragraphs(rng, rng.randint(1, 3)),
            "timeFrame": f"Baseline to week {rng.choice((12, 24, 28, 48, 52))}",
        }

    out = {"primaryOutcomes": [one() for _ in range(rng.randint(1, 3))]}
    secondary = rng.randint(0, 14)
    if secondary:
        out["secondaryOutcomes"] = [one() for _ in range(secondary)]
    return out


def _results(rng: random.Random, arms: list[dict]) -> dict:
    groups = [
        {"id": f"EG{i:03d}", "title": arm["label"], "description": arm.get("description", "")}
        for i, arm in enumerate(arms or [{"label": "All participants"}])
    ]

    def events(count: int, terms: Sequence[str], organ_system: str) -> list[dict]:
        return [
            {
                "term": rng.choice(terms),
                "organSystem": organ_system,
                "sourceVocabulary": "MedDRA",
                "assessmentType": "SYSTEMATIC_ASSESSMENT",
                "stats": [
                    {
                        "groupId": group["id"],
                        "numEvents": int(rng.random() * 31),
                        "numAffected": int(rng.random() * 21),
                        "numAtRisk": 20 + int(rng.random() * 181),
                    }
                    for group in groups
                ],
            }
            for _ in range(count)
        ]

    return {
        "adverseEventsModule": {
            "frequencyThreshold": "5",
            "timeFrame": "Up to 52 weeks",
            "eventGroups": groups,
            "seriousEvents": events(
                rng.randint(0, 40), ("Pneumonia", "Fall", "Dysphagia"), "Infections"
            ),
            "otherEvents": events(
                rng.randint(10, 80),
                ("Headache", "Nausea", "Back pain", "Fatigue", "Constipation", "Insomnia"),
                "General disorders",
            ),
        },
        "moreInfoModule": {
            "limitationsAndCaveats": {"description": _paragraphs(rng, rng.randint(1, 3))},
        },
    }


def _mesh(als: bool, condition: tuple, padded: bool) -> dict:
    if als:
        meshes = [("D000690", "Amyotrophic Lateral Sclerosis")]
        ancestors = list(_ALS_ANCESTORS)
    else:
        meshes = [(condition[1], condition[2])]
        ancestors = list(condition[3])

    def item(mesh_id: str, term: str) -> dict:
        if padded and len(mesh_id) == 7:
            mesh_id = f"{mesh_id[0]}000{mesh_id[1:]}"  # an older record's zero-padded id
        return {"id": mesh_id, "term": term}

    return {
        "meshes": [item(*m) for m in meshes],
        "ancestors": [item(*a) for a in ancestors],
        "browseLeaves": [
            {"id": f"M{zlib.crc32(term.encode()) % 30000}", "name": term, "relevance": "HIGH"}
            for _, term in meshes
        ],
        "browseBranches": [{"abbrev": "BC10", "name": "Nervous System Diseases"}],
    }


# --- The study --------------------------------------------------------------------------------


def synthetic_study(
    rng: random.Random, index: int, *, als: bool | None = None, status: str | None = None
) -> dict:
    """One synthetic v2 study dict; its NCT id is ``NCT80000000 + index`` (0 ≤ index < 10⁷).

    `als` forces an ALS study or not (None: about 2 % are); `status` forces the overall status
    (an expanded-access status makes an expanded-access study)."""
    if not 0 <= index < 10_000_000:
        raise ValueError("index must be between 0 and 9,999,999")
    if als is None:
        als = rng.random() < 0.02
    if status in dict(_EXPANDED_ACCESS_STATUSES):
        study_type = "EXPANDED_ACCESS"
    elif status is not None:
        study_type = "INTERVENTIONAL" if rng.random() < 0.8 else "OBSERVATIONAL"
    else:
        study_type = _weighted(
            rng, (("INTERVENTIONAL", 76.5), ("OBSERVATIONAL", 23.0), ("EXPANDED_ACCESS", 0.5))
        )
    if status is None:
        status = _weighted(
            rng, _EXPANDED_ACCESS_STATUSES if study_type == "EXPANDED_ACCESS" else _STATUSES
        )
    nct_id = f"NCT8{index:07d}"
    condition = rng.choice(_OTHER_CONDITIONS)
    decoy = not als and condition[0] == "Cardiac Arrest"
    open_ = status in _OPEN or status == "ACTIVE_NOT_RECRUITING"

    # dates: open studies started recently; the others may be old
    start_year = rng.randint(2023, 2027) if open_ else rng.randint(2000, 2024)
    start = _date(rng, start_year, start_year, day=rng.random() < 0.7)
    end_year = start_year + rng.randint(1, 5)
    first_posted = _date(rng, start_year - 1, start_year)
    last_update = _date(rng, 2025, 2026) if open_ else _date(rng, max(start_year, 2008), 2026)
    if last_update < first_posted:
        last_update = first_posted

    sponsor = f"{rng.choice(_SPONSOR_WORDS)} {rng.choice(_SPONSOR_KINDS)}"
    sponsor_class = _weighted(rng, _SPONSOR_CLASSES)
    interventions = _interventions(rng, als)
    arms = _arms(rng, interventions)
    name = interventions[0]["name"]
    disease = "ALS" if als else condition[0]

    status_module: dict = {
        "statusVerifiedDate": last_update[:7],
        "overallStatus": status,
    }
    if status == "UNKNOWN":
        status_module["lastKnownStatus"] = rng.choice(("RECRUITING", "ACTIVE_NOT_RECRUITING"))
    if status in ("TERMINATED", "WITHDRAWN", "SUSPENDED"):
        status_module["whyStopped"] = rng.choice(_STOP_REASONS)
    status_module["expandedAccessInfo"] = {"hasExpandedAccess": study_type == "EXPANDED_ACCESS"}
    if study_type != "EXPANDED_ACCESS":
        estimated = "ESTIMATED" if open_ else "ACTUAL"
        status_module["startDateStruct"] = {"date": start, "type": estimated if open_ else "ACTUAL"}
        status_module["primaryCompletionDateStruct"] = {
            "date": _date(rng, end_year, end_year, day=not open_),
            "type": estimated,
        }
        status_module["completionDateStruct"] = {
            "date": _date(rng, end_year, end_year + 1, day=not open_),
            "type": estimated,
        }
    status_module |= {
        "studyFirstSubmitDate": first_posted,
        "studyFirstSubmitQcDate": first_posted,
        "studyFirstPostDateStruct": {"date": first_posted, "type": "ACTUAL"},
        "lastUpdateSubmitDate": last_update,
        "lastUpdatePostDateStruct": {"date": last_update, "type": "ACTUAL"},
    }

    conditions = [rng.choice(_ALS_CONDITIONS)] if als else [condition[0]]
    keywords = [disease.lower(), name.lower()]
    if decoy:
        keywords += list(_DECOY_KEYWORDS)
    design: dict = {"studyType": study_type}
    if study_type == "INTERVENTIONAL":
        phases = _weighted(rng, _PHASES)
        if phases:
            design["phases"] = list(phases)
        design["designInfo"] = {
            "allocation": rng.choice(("RANDOMIZED", "NA", "NON_RANDOMIZED")),
            "interventionModel": rng.choice(("PARALLEL", "SINGLE_GROUP", "CROSSOVER")),
            "primaryPurpose": rng.choice(
                ("TREATMENT", "TREATMENT", "PREVENTION", "SUPPORTIVE_CARE")
            ),
            "maskingInfo": {"masking": rng.choice(("NONE", "DOUBLE", "QUADRUPLE"))},
        }
    elif study_type == "OBSERVATIONAL":
        design["designInfo"] = {"observationalModel": "COHORT", "timePerspective": "PROSPECTIVE"}
    else:
        design["expandedAccessTypes"] = {"intermediate": True}
    if study_type != "EXPANDED_ACCESS":
        design["enrollmentInfo"] = {
            "count": int(rng.lognormvariate(4.2, 1.1)) + 1,
            "type": "ESTIMATED" if open_ else "ACTUAL",
        }

    long_tail = rng.random() < 0.03
    description = _paragraphs(rng, rng.randint(80, 300) if long_tail else rng.randint(5, 60))
    eligibility: dict = {
        "eligibilityCriteria": _als_criteria(rng) if als else _other_criteria(rng, condition[0]),
        "healthyVolunteers": study_type == "OBSERVATIONAL" and rng.random() < 0.3,
        "sex": rng.choices(("ALL", "FEMALE", "MALE"), (90, 7, 3))[0],
        "minimumAge": rng.choice(("18 Years", "18 Years", "18 Years", "21 Years", "12 Years")),
    }
    if rng.random() < 0.6:
        eligibility["maximumAge"] = rng.choice(("65 Years", "75 Years", "80 Years", "85 Years"))
    eligibility["stdAges"] = ["ADULT", "OLDER_ADULT"]

    contacts: dict = {}
    if status in _OPEN:
        contact = _person(rng)
        contacts["centralContacts"] = [
            {"name": contact, "role": "CONTACT", "phone": _phone(rng), "email": _email(contact)}
        ]
    contacts["overallOfficials"] = [
        {
            "name": _person(rng, "MD"),
            "affiliation": sponsor,
            "role": "PRINCIPAL_INVESTIGATOR",
        }
    ]
    contacts["locations"] = _sites(rng, status)

    protocol = {
        "identificationModule": {
            "nctId": nct_id,
            "orgStudyIdInfo": {"id": f"SYN-{index}"},
            "organization": {"fullName": sponsor, "class": sponsor_class},
            "briefTitle": f"{name} in {disease} (synthetic {index})",
            "officialTitle": (
                f"A {rng.choice(('Randomised', 'Open-Label', 'Multicentre', 'Pilot'))} Study of "
                f"{name} in People With {conditions[0]} (synthetic record {index})"
            ),
        },
        "statusModule": status_module,
        "sponsorCollaboratorsModule": {
            "responsibleParty": {"type": "SPONSOR"},
            "leadSponsor": {"name": sponsor, "class": sponsor_class},
        },
        "oversightModule": {"oversightHasDmc": rng.random() < 0.4},
        "descriptionModule": {
            "briefSummary": f"This synthetic study tests {name} in {disease}. "
            + _paragraphs(rng, rng.randint(2, 8)),
        },
        "conditionsModule": {"conditions": conditions, "keywords": keywords},
        "designModule": design,
        "armsInterventionsModule": {"armGroups": arms, "interventions": interventions},
        "outcomesModule": _outcomes(rng),
        "eligibilityModule": eligibility,
        "contactsLocationsModule": contacts,
    }
    if description:
        protocol["descriptionModule"]["detailedDescription"] = description
    if rng.random() < 0.4:
        protocol["referencesModule"] = {
            "references": [
                {
                    "type": "BACKGROUND",
                    "citation": f"{rng.choice(_LAST)} A, {rng.choice(_LAST)} B. A synthetic "
                    f"reference about {disease}. J Synth Med. {rng.randint(1995, 2025)};"
                    f"{rng.randint(1, 60)}:{rng.randint(1, 900)}.",
                }
                for _ in range(rng.randint(1, 12))
            ]
        }
    has_results = status == "COMPLETED" and rng.random() < 0.3
    study: dict = {"protocolSection": protocol}
    if has_results:
        study["resultsSection"] = _results(rng, arms)
    study["derivedSection"] = {
        "miscInfoModule": {"versionHolder": "2026-03-02"},
        "conditionBrowseModule": _mesh(als, condition, padded=rng.random() < 0.01),
    }
    study["hasResults"] = has_results
    return study


def write_bulk_zip(
    path: Path,
    count: int,
    *,
    seed: int = 7,
    als_share: float = 0.02,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write `count` synthetic studies to a ZIP like ClinicalTrials.gov's bulk download (one
    ``<nctId>.json`` file per study) and return its size in bytes.

    Streams: one study at a time is made, encoded, compressed and forgotten. The same seed gives
    the same bytes (fixed member timestamps). `progress(done)` is called every 1,000 studies and
    at the end."""
    rng = random.Random(seed)
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for index in range(count):
            study = synthetic_study(rng, index, als=rng.random() < als_share)
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            info = zipfile.ZipInfo(f"{nct_id}.json", date_time=(2026, 3, 2, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, json.dumps(study, ensure_ascii=False).encode(), compresslevel=1)
            if progress is not None and (index + 1) % 1000 == 0:
                progress(index + 1)
    if progress is not None and count % 1000:
        progress(count)
    return path.stat().st_size
