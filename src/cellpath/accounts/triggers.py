"""Database triggers that make the audit table append-only (and, on PostgreSQL, the function
that hands the audit chain's head to one writer at a time).

UPDATE is refused on every database; DELETE is refused on PostgreSQL (the production database).
On SQLite, DELETE stays possible for Django's test-database flush, and the ORM refuses it.

SQLite rebuilds a table (and drops its triggers) on many schema changes, so the triggers are
installed again, idempotently, after every `migrate` (the `post_migrate` signal).
"""

from __future__ import annotations

from typing import Any

TABLE = "accounts_auditevent"

STATEMENTS = {
    "sqlite": [
        f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION cellpath_audit_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
        f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};",
        f"""CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION cellpath_audit_append_only();""",
        # One round trip for the chain's writer: take the chain lock, then read the last hash.
        # The read is a statement of its own inside the function, so (READ COMMITTED) it sees
        # what the previous holder of the lock committed.
        """CREATE OR REPLACE FUNCTION cellpath_audit_chain_head(lock_key bigint) RETURNS text
            AS $$ BEGIN
              PERFORM pg_advisory_xact_lock(lock_key);
              RETURN (SELECT chain_hash FROM accounts_auditevent ORDER BY id DESC LIMIT 1);
            END; $$ LANGUAGE plpgsql VOLATILE;""",
    ],
}


def install(connection: Any) -> None:
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in STATEMENTS.get(connection.vendor, []):
            cursor.execute(statement)


def install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    install(connections[using])
