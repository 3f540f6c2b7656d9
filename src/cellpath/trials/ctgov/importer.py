"""Importing ClinicalTrials.gov studies: new ones added, changed ones replaced, the rest left.

A study is changed when its `lastUpdatePostDate` is later than the one stored: the registry moves
that date whenever the sponsor posts a change, so re-importing the same download (or a newer
one) is idempotent and cheap. A record without that date is added when the study is new, but
never replaces a stored one (nothing tells that it is the newer), and a dated record replaces an
undated one. Each batch is written in one transaction, a study with its sites,
so a study is never half-imported; a record that cannot be read is counted as rejected with its
reason, and the import goes on. The eligibility reader runs on ALS studies only (the matcher's
scope), and its structured criteria are stored with the study (`rows`).

A large source is read by worker processes (decompressing, parsing and turning studies into
rows is most of the work, and it is pure Python) while this process writes the rows — with
PostgreSQL's COPY, or SQLite's executemany — and the database indexes them on the other core.
At most a few chunks are in flight, so memory stays small whatever the size of the download.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from cellpath.trials.criteria.contract import rule_of
from cellpath.trials.criteria.reader import read_criteria
from cellpath.trials.ctgov import workers
from cellpath.trials.ctgov.rows import (
    READER_VERSION,
    SITE_COLUMNS,
    TRIAL_FIELDS,
    Outcome,
    Prepared,
    Preparer,
)
from cellpath.trials.ctgov.sources import Entry
from cellpath.trials.models import Trial, TrialSite

if TYPE_CHECKING:
    from cellpath.trials.ctgov.sources import Source

BATCH = 1000
CHUNK = 250
"""Study files a worker process reads at a time."""
PARALLEL_FROM = 2000
"""Sources with fewer study files are read in this process (no worth in starting workers)."""
ANALYZE_FROM = 5000
"""Studies written by one import past which the tables' statistics are refreshed."""


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    filtered_out: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    changed_open_als: list[str] = field(default_factory=list)
    """NCT numbers of open ALS studies added or updated: what saved searches are told about."""

    @property
    def read(self) -> int:
        return self.added + self.updated + self.unchanged + self.filtered_out + len(self.rejected)

    def lines(self, *, limit: int = 20) -> list[str]:
        head = (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {len(self.rejected)}"
        )
        if self.filtered_out:
            head += f", not matching the condition filter {self.filtered_out}"
        lines = [head]
        for name, reason in self.rejected[:limit]:
            lines.append(f"  rejected {name}: {reason}")
        if len(self.rejected) > limit:
            lines.append(f"  … and {len(self.rejected) - limit} more rejected")
        return lines


def _in_workers(
    source: Source, condition_filter: str | None, vendor: str, imported_at: datetime, count: int
) -> Iterator[Outcome]:
    """The source's study files read, parsed and prepared by `count` worker processes
    (`workers`), a range of CHUNK files each time, returned in order, with at most four ranges
    a worker in flight (so the source is never read far ahead). A worker that dies stops the
    import with an error (BrokenProcessPool), never a wait without end."""
    path = str(source.path)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(count, mp_context=context, initializer=workers.setup) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        for start in range(0, len(source), CHUNK):
            task = (path, start, start + CHUNK, condition_filter, vendor, imported_at)
            pending.append(pool.submit(workers.prepare_range, task))
            while len(pending) >= 4 * count:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def import_entries(
    entries: Iterable[Entry],
    *,
    condition_filter: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import already-read entries (the live API, small sources) in this process."""
    preparer = Preparer(condition_filter, connection.vendor, timezone.now())
    return _import((preparer(entry) for entry in entries), progress)


def import_source(
    source: Source,
    *,
    condition_filter: str | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> ImportSummary:
    """Import a bulk ZIP, a folder or a file; a large one with worker processes (`workers`,
    by default one per processor)."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count < 2 or len(source) < PARALLEL_FROM or not hasattr(source, "blobs"):
        return import_entries(source, condition_filter=condition_filter, progress=progress)
    vendor = connection.vendor
    outcomes = _in_workers(source, condition_filter, vendor, timezone.now(), count)
    return _import(outcomes, progress, in_background=vendor == "postgresql")


def _import(
    outcomes: Iterable[Outcome],
    progress: Callable[[int], None] | None,
    *,
    in_background: bool = False,
) -> ImportSummary:
    """Gather prepared studies into batches and write them: here, or — `in_background` — by a
    writer thread with a connection of its own, so that reading goes on while the database
    takes a batch (waiting on it releases the interpreter)."""
    summary, written = ImportSummary(), ImportSummary()
    writer = _BatchWriter(written) if in_background else None
    batch: dict[str, Prepared] = {}

    def flush() -> None:
        if writer:
            writer.put(batch)
        else:
            _write_batch(batch, written)
        if progress:
            progress(summary.read + written.read)

    try:
        for outcome in outcomes:
            if outcome is None:
                summary.filtered_out += 1
            elif isinstance(outcome, Prepared):
                earlier = batch.get(outcome.nct_id)
                if earlier is not None:  # the same study twice in one source: the newer counts
                    summary.unchanged += 1
                    if not replaces(outcome.last_updated, earlier.last_updated):
                        continue
                batch[outcome.nct_id] = outcome
                if len(batch) >= BATCH:
                    flush()
                    batch = {}
            else:
                summary.rejected.append(outcome)
        if batch:
            flush()
    finally:
        if writer:
            writer.close()
    summary.added, summary.updated = written.added, written.updated
    summary.unchanged += written.unchanged
    summary.changed_open_als = written.changed_open_als
    if progress:
        progress(summary.read)
    _refresh_statistics(summary)
    return summary


class _BatchWriter:
    """A thread writing batches in order, at most two waiting; its error is raised here."""

    def __init__(self, summary: ImportSummary):
        self.summary = summary
        self.queue: queue.Queue[dict[str, Prepared] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="trial-import-writer")
        self.thread.start()

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    _write_batch(batch, self.summary)
        except BaseException as error:  # handed to the importing thread
            self.error = error
            while self.queue.get() is not None:  # let the producer finish putting
                pass
        finally:
            connection.close()  # this thread's own connection

    def put(self, batch: dict[str, Prepared]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(batch)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


# --- Writing ------------------------------------------------------------------------------------


def _refresh_statistics(summary: ImportSummary) -> None:
    """After a large import, tell the database what the tables now hold (the query planner
    chooses by these statistics; autovacuum would catch up only later). Not inside a
    transaction (VACUUM cannot run in one)."""
    if summary.added + summary.updated < ANALYZE_FROM or connection.in_atomic_block:
        return
    # PostgreSQL's VACUUM also marks the pages all-visible, so that index-only scans (the
    # distance search) need not visit the table, and merges the word index's pending entries.
    command = "VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for table in (Trial._meta.db_table, TrialSite._meta.db_table):
            cursor.execute(f"{command} {table}")


def replaces(last_updated: date | None, stored: date | None) -> bool:
    """Whether a record last updated on `last_updated` replaces one updated on `stored` (either
    None when the record does not say): only a later date does."""
    return last_updated is not None and (stored is None or last_updated > stored)


def _write_batch(batch: dict[str, Prepared], summary: ImportSummary) -> None:
    stored = {
        nct_id: (pk, last_updated)
        for nct_id, pk, last_updated in Trial.objects.filter(nct_id__in=batch).values_list(
            "nct_id", "pk", "last_updated"
        )
    }
    new: list[Prepared] = []
    changed: list[Prepared] = []
    for nct_id, study in batch.items():
        if nct_id not in stored:
            new.append(study)
        elif replaces(study.last_updated, stored[nct_id][1]):
            changed.append(study)
        else:
            summary.unchanged += 1
    if not new and not changed:
        return
    studies = [*new, *changed]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A batch need not wait for its commit to reach the disk: if the server crashed
            # in between, importing the same source again would restore it (imports are
            # idempotent), and nothing else is written in this transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        if changed:  # replaced whole: the study and its sites
            Trial.objects.filter(pk__in=[stored[s.nct_id][0] for s in changed]).delete()
        pks = _new_trial_ids(len(studies))
        numbered = list(zip(pks, studies, strict=True))
        _write(Trial, ["id", *(f.column for f in TRIAL_FIELDS)],
               [(pk, *study.trial) for pk, study in numbered])  # fmt: skip
        _write(TrialSite, SITE_COLUMNS,
               [(pk, study.is_als, study.open_to_enrol, *site)
                for pk, study in numbered for site in study.sites])  # fmt: skip
    summary.added += len(new)
    summary.updated += len(changed)
    summary.changed_open_als += [s.nct_id for s in studies if s.is_als and s.open_to_enrol]


def _new_trial_ids(count: int) -> list[int]:
    """Primary keys for `count` new studies, known before they are written (their sites point
    at them). Inside the batch's transaction: on SQLite it holds the write lock."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('trials_trial', 'id')) "
                "FROM generate_series(1, %s)",
                [count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM trials_trial")
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


def _write(model: type[Trial] | type[TrialSite], columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def reread_criteria(*, progress: Callable[[int], None] | None = None) -> int:
    """Read the stored eligibility texts of ALS studies again with this reader; returns how
    many studies' criteria changed."""
    changed = 0
    rows = Trial.objects.filter(is_als=True).values_list("pk", "eligibility_text", "criteria")
    for done, (pk, text, before) in enumerate(rows.iterator(chunk_size=500), start=1):
        after = [c.as_dict() for c in read_criteria(text)] if text else []
        if after != before:
            rules = [rule_of(criterion) for criterion in after]
            Trial.objects.filter(pk=pk).update(
                criteria=after, rules=rules, criteria_reader=READER_VERSION
            )
            changed += 1
        if progress and done % 500 == 0:
            progress(done)
    Trial.objects.filter(is_als=True).update(criteria_reader=READER_VERSION)
    return changed
