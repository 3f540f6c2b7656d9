"""Reads of the trial finder: search with filters and distance, one trial, and matching.

Registry data is public: these reads need no signed-in user and are not audited. Matching a
care patient's record goes through `care` (which audits the read) and arrives here as a plain
`Profile`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.db.models import (
    Avg,
    Case,
    F,
    FloatField,
    Func,
    Min,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404

from cellpath.screening import Profile, Screen, Screening, Verdict, screen
from cellpath.trials.criteria.contract import rule_of
from cellpath.trials.finder import gazetteer
from cellpath.trials.finder import sql as finder_sql
from cellpath.trials.finder.gazetteer import NEAR_MAX_CHARS, Place
from cellpath.trials.finder.geo import EARTH_KM, haversine_km
from cellpath.trials.finder.matching import RANK_ORDER, match, rank, registry_criteria
from cellpath.trials.models import OPEN_STATUSES, Status, Trial, TrialSite, postcode_key, town_key

PAGE = 20


_NUMBER = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,12})?")


def _coordinates(text: str) -> Place | None:
    """ "52.37, 4.89" or "52.37 4.89": latitude then longitude, in degrees."""
    parts = text.split(",") if "," in text else text.split()
    if len(parts) != 2:
        return None
    lat_text, lon_text = (part.strip() for part in parts)
    if not (_NUMBER.fullmatch(lat_text) and _NUMBER.fullmatch(lon_text)):
        return None
    lat, lon = float(lat_text), float(lon_text)
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return Place(lat, lon, f"{lat:.3f}, {lon:.3f}")
    return None


def _site_place(condition: Q, label: str) -> Place | None:
    """The centre of the located sites of ALS trials (the finder's scope) that `condition`
    picks: the registry's own coordinates, for a postcode or small town no gazetteer holds."""
    sites = TrialSite.objects.filter(condition, is_als=True, latitude__isnull=False)
    centre = sites.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if centre["lat"] is None:
        return None
    return Place(centre["lat"], centre["lon"], label)


def _town_place(text: str) -> Place | None:
    found = gazetteer.town(text)
    return Place(found.latitude, found.longitude, found.label) if found else None


def place_from(text: str) -> Place | None:
    """Where `text` is, offline (`gazetteer`), or None: coordinates ("52.37, 4.89"); a postcode
    where an imported ALS trial has a site; a US ZIP code; a UK postcode or outward code; a town
    of 15,000 people or more anywhere ("Manchester", "Boston, UK"); a smaller town where a trial
    has a site. Text longer than `NEAR_MAX_CHARS` is refused unread."""
    text = text.strip()
    if not text or len(text) > NEAR_MAX_CHARS:
        return None
    return (
        _coordinates(text)
        or _site_place(Q(postcode=postcode_key(text)), text)
        or gazetteer.us_zip(text)
        or gazetteer.uk_postcode(text)
        or _town_place(text)
        or _site_place(Q(town=town_key(text)), text)
    )


def _box(place: Place, radius_km: float) -> Q:
    """A latitude/longitude box holding the circle (an index narrows sites to it)."""
    dlat = math.degrees(radius_km / EARTH_KM)
    box = Q(latitude__gte=place.latitude - dlat, latitude__lte=place.latitude + dlat)
    cos = math.cos(math.radians(place.latitude))
    if cos > 0.01 and dlat / cos < 180:
        dlon = dlat / cos
        low, high = place.longitude - dlon, place.longitude + dlon
        if low >= -180 and high <= 180:
            box &= Q(longitude__gte=low, longitude__lte=high)
        else:  # the box crosses the 180th meridian
            box &= Q(longitude__gte=(low + 360) if low < -180 else low) | Q(
                longitude__lte=(high - 360) if high > 180 else high
            )
    return box


@dataclass
class Search:
    """What the finder looks for. Words are searched in ALS studies only (`Trial.search_text`):
    the finder's scope; `als_only=False` widens the other filters, not the words."""

    words: str = ""
    statuses: Sequence[str] = OPEN_STATUSES
    phases: Sequence[str] = ()
    kinds: Sequence[str] = ()
    als_only: bool = True
    place: Place | None = None
    radius_km: float | None = None

    def trials(self) -> QuerySet[Trial]:
        trials = Trial.objects.all()
        if self.als_only:
            trials = trials.filter(is_als=True)
        if self.statuses:
            statuses = list(self.statuses)
            if Status.UNKNOWN in statuses:  # also the records that give no status
                statuses.append(Status.NOT_GIVEN)
            trials = trials.filter(status__in=statuses)
        if self.phases:
            any_phase = Q()
            for phase in self.phases:
                any_phase |= Q(phases__contains=phase)
            trials = trials.filter(any_phase)
        if self.kinds:
            any_kind = Q()
            for kind in self.kinds:
                any_kind |= Q(kinds__contains=kind)
            trials = trials.filter(any_kind)
        return finder_sql.matching(trials, self.words)


def _km(place: Place) -> Func:
    """SQL: the distance from `place` to a site (km), by `finder.sql`'s ``cellpath_km``."""
    return Func(
        Value(place.latitude),
        Value(place.longitude),
        F("latitude"),
        F("longitude"),
        function="cellpath_km",
        output_field=FloatField(),
    )


def nearest(query: Search, place: Place, radius_km: float | None = None) -> QuerySet:
    """The trials `query` finds that have a site near `place` — within `radius_km` when given —
    as ``{"trial_id", "km"}`` rows, nearest first. The database does the work: the sites' own
    copy of the trial's flags narrows them, a box around the circle uses the index, and the
    nearest site of each trial is found by grouping."""
    sites = TrialSite.objects.filter(latitude__isnull=False).order_by()
    if query.als_only:
        sites = sites.filter(is_als=True)
    chosen = set(query.statuses)
    if chosen and chosen <= set(OPEN_STATUSES):
        sites = sites.filter(open_to_enrol=True)
    elif chosen and not chosen & set(OPEN_STATUSES):
        sites = sites.filter(open_to_enrol=False)
    if query.words or query.phases or query.kinds or (chosen and chosen != set(OPEN_STATUSES)):
        sites = sites.filter(trial_id__in=query.trials().values("pk"))
    if radius_km is not None:
        sites = sites.filter(_box(place, radius_km))
    grouped = sites.values("trial_id").annotate(km=Min(_km(place)))
    if radius_km is not None:
        grouped = grouped.filter(km__lte=radius_km)
    return grouped.order_by("km", "trial_id")


def nearest_sites(trial_ids: Sequence[int], place: Place) -> dict[int, tuple[float, TrialSite]]:
    """The nearest located site of each of a few trials (a page), and its distance."""
    nearest_of: dict[int, tuple[float, int]] = {}
    located = TrialSite.objects.filter(trial_id__in=trial_ids, latitude__isnull=False)
    for trial_id, pk, lat, lon in located.values_list("trial_id", "pk", "latitude", "longitude"):
        km = haversine_km(place.latitude, place.longitude, lat, lon)
        if km < nearest_of.get(trial_id, (math.inf, 0))[0]:
            nearest_of[trial_id] = (km, pk)
    sites = TrialSite.objects.only("facility", "city", "country").in_bulk(
        [pk for _, pk in nearest_of.values()]
    )
    return {trial_id: (km, sites[pk]) for trial_id, (km, pk) in nearest_of.items()}


@dataclass
class Found:
    trial: Trial
    distance_km: float | None = None
    nearest_site: TrialSite | None = None


@dataclass
class SearchPage:
    rows: list[Found]
    total: int
    page: int
    pages: int
    capped: bool = False  # more than COUNT_CAP found: the total says "more than"


COUNT_CAP = 1000
"""Results are counted up to this many: past it, "more than 1,000" says enough (and counting
half the registry exactly would cost more than the page itself)."""


LIST_FIELDS = (
    "pk", "nct_id", "title", "acronym", "status", "phases", "kinds", "is_cell_therapy",
    "conditions", "sponsor", "last_updated", "enrollment", "study_type",
)  # fmt: skip


def search(query: Search, *, page: int = 1) -> SearchPage:
    """One page of the finder's results: nearest first when a place is given (within the radius
    if one is; else every trial, those without a located site last), else latest update."""
    trials = query.trials().only(*LIST_FIELDS)
    if query.place:
        # every trial with a site (in the circle) at once: one grouping, not a count and a page
        nearby = [
            pk for (pk,) in nearest(query, query.place, query.radius_km).values_list("trial_id")
        ]
        unplaced = trials.none() if query.radius_km else trials.exclude(pk__in=_located(query))
        unplaced_total = 0 if query.radius_km else unplaced.order_by()[: COUNT_CAP + 1].count()
        total = len(nearby) + unplaced_total
        pages = max(1, math.ceil(min(total, COUNT_CAP + len(nearby)) / PAGE))
        page = min(max(1, page), pages)
        start = (page - 1) * PAGE
        chosen = nearby[start : start + PAGE]
        by_pk = Trial.objects.only(*LIST_FIELDS).in_bulk(chosen)
        rows_trials = [by_pk[pk] for pk in chosen]
        if len(rows_trials) < PAGE and unplaced_total:
            skip = max(0, start - len(nearby))
            rows_trials += list(unplaced[skip : skip + PAGE - len(rows_trials)])
    else:
        total = trials.order_by()[: COUNT_CAP + 1].count()
        pages = max(1, math.ceil(min(total, COUNT_CAP) / PAGE))
        page = min(max(1, page), pages)
        rows_trials = list(trials[(page - 1) * PAGE : page * PAGE])
    near = nearest_sites([t.pk for t in rows_trials], query.place) if query.place else {}
    rows = [Found(trial, *near[trial.pk]) if trial.pk in near else Found(trial)
            for trial in rows_trials]  # fmt: skip
    return SearchPage(rows, min(total, COUNT_CAP), page, pages, capped=total > COUNT_CAP)


def _located(query: Search) -> QuerySet:
    """The trials (their keys) with a site whose coordinates are known."""
    sites = TrialSite.objects.filter(latitude__isnull=False)
    return (sites.filter(is_als=True) if query.als_only else sites).values("trial_id")


def trial_get(nct_id: str) -> Trial:
    trial = Trial.objects.filter(nct_id=nct_id.upper()).first()
    if trial is None:
        raise Http404
    return trial


@dataclass
class SiteRow:
    """A place where a trial enrols, with its distance from the place searched, if known."""

    site: TrialSite
    distance_km: float | None = None


def open_cell_therapy_trials(limit: int) -> list[Trial]:
    """ALS trials of a cell therapy that are open to enrol, recruiting ones first, then the
    most recently updated (at most `limit`)."""
    recruiting_first = Case(When(status=Status.RECRUITING, then=Value(0)), default=Value(1))
    return list(
        Trial.objects.filter(is_als=True, is_cell_therapy=True, open_to_enrol=True)
        .order_by(recruiting_first, "-last_updated", "nct_id")
        .only("nct_id", "title", "status", "phases")[:limit]
    )


def trial_stored(nct_id: str) -> bool:
    """Whether the trial an NCT number names has been imported."""
    return Trial.objects.filter(nct_id=nct_id.strip().upper()).exists()


def trial_sites(trial: Trial, place: Place | None) -> list[SiteRow]:
    """The trial's sites, nearest first when a place is known (sites without coordinates last)."""
    sites = list(trial.sites.all())
    if place is None:
        return [SiteRow(site) for site in sites]
    rows = [
        SiteRow(
            site,
            haversine_km(place.latitude, place.longitude, site.latitude, site.longitude)
            if site.latitude is not None and site.longitude is not None
            else None,
        )
        for site in sites
    ]
    return sorted(rows, key=lambda row: (row.distance_km is None, row.distance_km or 0))


@dataclass
class Matched:
    trial: Trial
    match: Screening
    distance_km: float | None = None


def trial_criteria(trial: Trial) -> list[dict[str, Any]]:
    """What a trial is matched on: its structured criteria and the registry's limits."""
    limits = registry_criteria(
        minimum_age=trial.minimum_age_years,
        maximum_age=trial.maximum_age_years,
        sex=trial.sex,
        stated=map(rule_of, trial.criteria),
    )
    return [*limits, *trial.criteria]


MATCH_FIELDS = (*LIST_FIELDS, "criteria", "minimum_age_years", "maximum_age_years", "sex")
SHOWN = 50


@dataclass
class MatchResults:
    """Every trial a search found, ranked for a profile; the first `shown` with each
    criterion's outcome, reason and sentence."""

    shown: list[Matched]
    ranked: list[tuple[str, Screen]]  # (NCT number, verdict without reasons), in rank order

    @property
    def counts(self) -> list[tuple[Verdict, int]]:
        tally = Counter(screen.verdict for _, screen in self.ranked)
        return [(verdict, tally[verdict]) for verdict in RANK_ORDER]

    @property
    def more(self) -> int:
        return len(self.ranked) - len(self.shown)


def match_trials(
    profile: Profile, query: Search | None = None, *, show: int = SHOWN
) -> MatchResults:
    """Every trial the search finds (by default: open ALS trials), matched criterion by
    criterion against `profile` and ranked (`matching.rank`). Ranking reads each trial's
    compact rules; the reasons and sentences are built for the trials shown only."""
    query = query or Search()
    profile = profile.with_derived()
    distances: dict[int, float] = {}
    if query.place:
        distances = dict(nearest(query, query.place, query.radius_km).values_list("trial_id", "km"))
    rows = (
        query.trials()
        .order_by()
        .annotate(rules_text=Cast("rules", TextField()))  # decoded below, by the faster orjson
        .values_list(
            "pk", "nct_id", "rules_text", "minimum_age_years", "maximum_age_years", "sex",
            "last_updated",
        )
    )  # fmt: skip
    screens, numbers, recency = [], {}, {}
    for pk, nct_id, rules, minimum, maximum, sex, updated in rows:
        if query.radius_km and pk not in distances:
            continue
        stated = orjson.loads(rules)
        limits = registry_criteria(minimum_age=minimum, maximum_age=maximum, sex=sex, stated=stated)
        screens.append(screen(pk, [*map(rule_of, limits), *stated], profile))
        numbers[pk], recency[pk] = nct_id, updated
    ranked = rank(screens, distance=distances, recency=recency)
    top = [s.key for s in ranked[:show]]
    trials = Trial.objects.only(*MATCH_FIELDS).in_bulk(top)
    shown = [
        Matched(trials[pk], match(pk, trial_criteria(trials[pk]), profile), distances.get(pk))
        for pk in top
    ]
    return MatchResults(shown, [(numbers[s.key], s) for s in ranked])
