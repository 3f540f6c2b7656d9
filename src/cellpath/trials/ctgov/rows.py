"""What one study record becomes in the database: its `Trial` row and its `TrialSite` rows,
as tuples ready for a bulk write (PostgreSQL's COPY, SQLite's executemany).

Built without model instances — an import writes about 13 rows a study — and without the
database: the importer's worker processes prepare rows while the main process writes. Values
are what the models store: JSON as text, and on SQLite dates and times as Django writes them.
`Preparer` turns an entry of a source into those rows, in a worker process or the importer's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NamedTuple

import orjson

from cellpath.trials.criteria.contract import rule_of
from cellpath.trials.criteria.reader import read_criteria
from cellpath.trials.ctgov.records import Contact, Site, StudyRecord
from cellpath.trials.ctgov.sources import Entry
from cellpath.trials.models import Trial, TrialSite, postcode_key, town_key

READER_VERSION = "1"
"""Moves when the eligibility reader reads differently: `cellpath trials reread` then updates
the stored criteria of every ALS study."""

SUMMARY_CHARS = 600
"""How much of a study's brief summary the word search covers (titles, conditions and
interventions are always covered)."""

TRIAL_FIELDS = [f for f in Trial._meta.concrete_fields if not f.primary_key]
SITE_FIELDS = [f for f in TrialSite._meta.concrete_fields if not f.primary_key]
_JSON = {"criteria", "rules", "detail", "contacts"}


class Prepared(NamedTuple):
    """One study, ready to write (its primary key is given when written)."""

    nct_id: str
    last_updated: date | None  # None: not in the record
    is_als: bool
    open_to_enrol: bool
    trial: tuple  # TRIAL_FIELDS order
    sites: list[tuple]  # SITE_COLUMNS order without the trial: written as (trial_id, *site)


def prepare(record: StudyRecord, *, vendor: str, imported_at: datetime) -> Prepared:
    trial = trial_values(record, imported_at)
    return Prepared(
        record.nct_id,
        record.last_updated,
        trial["is_als"],
        trial["open_to_enrol"],
        tuple(_stored(f.attname, trial[f.attname], vendor) for f in TRIAL_FIELDS),
        [_site_row(site) for site in record.sites],
    )


def _stored(name: str, value: Any, vendor: str) -> Any:
    if name in _JSON:
        return orjson.dumps(value).decode()
    if vendor == "sqlite":
        if isinstance(value, datetime):  # Django keeps naive UTC text on SQLite
            return value.replace(tzinfo=None).isoformat(" ")
        if isinstance(value, date):
            return value.isoformat()
    return value


_SITE_ORDER = [f.attname for f in SITE_FIELDS if f.attname not in ("trial_id", "is_als",
                                                                    "open_to_enrol")]  # fmt: skip
SITE_COLUMNS = ["trial_id", "is_als", "open_to_enrol", *_SITE_ORDER]
"""The columns of a site row as written: its trial's key and flags, then `Prepared.sites`."""


def _site_row(site: Site) -> tuple:
    """`site_values` in `_SITE_ORDER`, contacts as JSON text (the hot loop: built directly)."""
    people = [_contact(c) for c in site.contacts]
    contacts = orjson.dumps(people).decode() if people else "[]"
    return (site.facility[:300], site.city[:120], site.state[:120], site.zip[:20],
            site.country[:80], site.status[:30], site.lat, site.lon, contacts,
            postcode_key(site.zip), town_key(site.city))  # fmt: skip


def trial_values(record: StudyRecord, imported_at: datetime) -> dict[str, Any]:
    """The stored values of a record's `Trial` row (criteria read for ALS studies)."""
    als = record.is_als  # a property that reads the conditions: asked once
    criteria = (
        [criterion.as_dict() for criterion in read_criteria(record.eligibility_text)]
        if als and record.eligibility_text
        else []
    )
    return {
        "nct_id": record.nct_id,
        "title": record.brief_title[:500] or record.official_title[:500],
        "official_title": record.official_title,
        "acronym": record.acronym[:40],
        "status": record.overall_status,
        "open_to_enrol": record.open_to_enrol,
        "study_type": record.study_type[:20],
        "phases": ",".join(record.phases)[:60],
        "kinds": ",".join(sorted(record.intervention_kinds))[:80],
        "is_als": als,
        "is_cell_therapy": record.is_cell_therapy,
        "conditions": "; ".join(record.conditions),
        "sponsor": record.lead_sponsor[:300],
        "sponsor_class": record.sponsor_class[:20],
        "enrollment": record.enrollment if record.enrollment and record.enrollment >= 0 else None,
        "enrollment_type": record.enrollment_type[:10],
        "start_date": record.start_date[:10],
        "completion_date": (record.primary_completion_date or record.completion_date)[:10],
        "first_posted": record.first_posted,
        "last_updated": record.last_updated,
        "summary": record.brief_summary,
        "eligibility_text": record.eligibility_text,
        "minimum_age_years": record.minimum_age_years,
        "maximum_age_years": record.maximum_age_years,
        "sex": record.sex[:10],
        "healthy_volunteers": record.healthy_volunteers,
        "criteria": criteria,
        "rules": [rule_of(criterion) for criterion in criteria],
        "criteria_reader": READER_VERSION if criteria else "",
        "detail": _detail(record),
        "search_text": _search_text(record) if als else "",  # the finder's scope
        "imported_at": imported_at,
    }


def site_values(site: Site) -> dict[str, Any]:
    """The stored values of one `TrialSite` row (without its trial)."""
    return {
        "facility": site.facility[:300],
        "city": site.city[:120],
        "state": site.state[:120],
        "zip": site.zip[:20],
        "country": site.country[:80],
        "status": site.status[:30],
        "latitude": site.lat,
        "longitude": site.lon,
        "contacts": [_contact(c) for c in site.contacts],
        "postcode": postcode_key(site.zip),
        "town": town_key(site.city),
    }


def _contact(contact: Contact) -> dict[str, str]:
    return {"name": contact.name, "role": contact.role, "phone": contact.phone,
            "email": contact.email}  # fmt: skip


def _detail(record: StudyRecord) -> dict[str, Any]:
    """What the trial page shows and no filter needs."""
    return {
        "arms": [
            {"label": arm.label, "type": arm.type, "description": arm.description,
             "interventions": list(arm.intervention_names)}
            for arm in record.arms
        ],
        "interventions": [
            {"type": i.type, "name": i.name, "description": i.description,
             "other_names": list(i.other_names), "cell_therapy": i.cell_therapy}
            for i in record.interventions
        ],
        "contacts": [_contact(c) for c in record.central_contacts],
        "officials": [
            {"name": o.name, "affiliation": o.affiliation, "role": o.role} for o in record.officials
        ],
        "description": record.detailed_description[:8000],
        "keywords": list(record.keywords),
        "mesh_terms": list(record.mesh_terms),
        "collaborators": list(record.collaborators),
        "why_stopped": record.why_stopped,
        "last_known_status": record.last_known_status,
        "has_results": record.has_results,
    }  # fmt: skip


def _search_text(record: StudyRecord) -> str:
    parts = [
        record.nct_id,
        record.brief_title,
        record.official_title,
        record.acronym,
        *record.conditions,
        *record.keywords,
        *record.mesh_terms,
        record.lead_sponsor,
        *(i.name for i in record.interventions),
        *(name for i in record.interventions for name in i.other_names),
        record.brief_summary[:SUMMARY_CHARS],
    ]
    return " ".join(part for part in parts if part)


# --- From entries to prepared studies -----------------------------------------------------------


def condition_matcher(condition_filter: str | None) -> Callable[[StudyRecord], bool]:
    """`--condition-filter`: "als" keeps ALS studies (MeSH D000690 or the condition's name);
    other words keep studies whose conditions or MeSH terms contain them."""
    if not condition_filter:
        return lambda record: True
    if condition_filter.strip().lower() == "als":
        return lambda record: record.is_als
    needle = condition_filter.strip().lower()

    def matches(record: StudyRecord) -> bool:
        return any(needle in text.lower() for text in (*record.conditions, *record.mesh_terms))

    return matches


Outcome = Prepared | tuple[str, str] | None
"""A prepared study, a rejection (name, reason), or None: left out by the condition filter."""


class Preparer:
    """An `Entry` made ready to write: a `Prepared` study, its rejection, or None."""

    def __init__(self, condition_filter: str | None, vendor: str, imported_at: datetime):
        self.keep = condition_matcher(condition_filter)
        self.vendor, self.imported_at = vendor, imported_at

    def __call__(self, entry: Entry) -> Outcome:
        if entry.record is None:
            return (entry.name, entry.reason)
        if not self.keep(entry.record):
            return None
        return prepare(entry.record, vendor=self.vendor, imported_at=self.imported_at)
