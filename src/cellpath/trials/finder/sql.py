"""The SQL the finder needs beyond its tables: a word search, and a distance function.

Words: a full-text index over `Trial.search_text`, one per database.

PostgreSQL: a generated `tsvector` column with a GIN index, queried with `websearch_to_tsquery`
(English stemming: "stem cells" finds "stem cell"). SQLite: an FTS5 table over the same text
(Porter stemming), kept in step by triggers. Both are installed idempotently after every
`migrate`, because SQLite drops a table's triggers when a migration rebuilds it (as the audit
triggers are, `accounts/triggers.py`). A database without either falls back to a word-by-word
`icontains`, slower but correct.

Distance: ``cellpath_km(lat1, lon1, lat2, lon2)``, the haversine formula (`geo`), as an inlined
SQL function on PostgreSQL and a Python function registered on each SQLite connection.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from cellpath.trials.finder.geo import EARTH_KM, haversine_km

TABLE = "trials_trial"
_FTS_MATCH = "SELECT rowid FROM trials_trial_fts WHERE trials_trial_fts MATCH %s"

STATEMENTS = {
    "postgresql": [
        """ALTER TABLE trials_trial ADD COLUMN IF NOT EXISTS search_vector tsvector
            GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED""",
        "CREATE INDEX IF NOT EXISTS trials_trial_search ON trials_trial USING GIN (search_vector)",
        f"""CREATE OR REPLACE FUNCTION cellpath_km(
              lat1 float8, lon1 float8, lat2 float8, lon2 float8) RETURNS float8
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT 2 * {EARTH_KM} * asin(least(1.0, sqrt(
              sin(radians(lat2 - lat1) / 2) ^ 2
              + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))
            $$""",
    ],
    "sqlite": [
        """CREATE VIRTUAL TABLE IF NOT EXISTS trials_trial_fts USING fts5(search_text,
            content='trials_trial', content_rowid='id', tokenize='porter unicode61')""",
        """CREATE TRIGGER IF NOT EXISTS trials_fts_insert AFTER INSERT ON trials_trial BEGIN
            INSERT INTO trials_trial_fts(rowid, search_text) VALUES (new.id, new.search_text);
            END""",
        """CREATE TRIGGER IF NOT EXISTS trials_fts_delete AFTER DELETE ON trials_trial BEGIN
            INSERT INTO trials_trial_fts(trials_trial_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text); END""",
        """CREATE TRIGGER IF NOT EXISTS trials_fts_update AFTER UPDATE OF search_text
            ON trials_trial BEGIN
            INSERT INTO trials_trial_fts(trials_trial_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
            INSERT INTO trials_trial_fts(rowid, search_text) VALUES (new.id, new.search_text);
            END""",
        # rows written while the index was missing (e.g. after SQLite rebuilt the table)
        "INSERT INTO trials_trial_fts(trials_trial_fts) VALUES ('rebuild')",
    ],
}


def install(conn: Any) -> None:
    if TABLE not in conn.introspection.table_names():
        return
    with conn.cursor() as cursor:
        for statement in STATEMENTS.get(conn.vendor, []):
            cursor.execute(statement)


def install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    install(connections[using])


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created`: SQLite learns ``cellpath_km`` on every new connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("cellpath_km", 4, haversine_km, deterministic=True)


_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of a search, lower-cased (punctuation and operators dropped), at most 12."""
    return [w.lower() for w in _WORD.findall(text)][:12]


def matching(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` (of trials) narrowed to those whose text holds every word of `text`."""
    terms = words(text)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        match = RawSQL(
            "search_vector @@ plainto_tsquery('english', %s)",
            [" ".join(terms)],
            output_field=BooleanField(),
        )
        return queryset.alias(words_match=match).filter(words_match=True)
    if connection.vendor == "sqlite":
        query = " ".join(f'"{term}"' for term in terms)  # each word quoted: no FTS syntax
        return queryset.filter(
            pk__in=RawSQL(_FTS_MATCH, [query])  # noqa: S611 - the words are a parameter
        )
    condition = Q()
    for term in terms:
        condition &= Q(search_text__icontains=term)
    return queryset.filter(condition)
