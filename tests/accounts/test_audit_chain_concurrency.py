"""Audit rows written by concurrent requests still form one unbroken hash chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from cellpath.accounts.audit import record, verify_chain
from cellpath.accounts.models import AuditEvent


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database is one shared cache: threads lock each other "
    "out by design; on a SQLite file, writers are serialised by BEGIN IMMEDIATE instead",
)
def test_concurrent_writers_keep_the_chain_unbroken(transactional_db) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                record(f"writer {n}", AuditEvent.Action.VIEW, object_label=f"{n}-{i}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) == 60
    assert verify_chain(events) is None
