"""Importing ClinicalTrials.gov studies: new ones added, changed ones replaced, the rest left.

A study is changed when its `lastUpdatePostDate` is later than the one stored: the registry moves
that date whenever the sponsor posts a change, so re-importing the same download (or a newer
one) is idempotent and cheap. Each batch is written in one transaction, a study with its sites,
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
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from cellpath.trials.eligibility import read_criteria
from cellpath.trials.matching import rule_of
from cellpath.trials.models import Trial, TrialSite
from cellpath.trials.records import StudyRecord
from cellpath.trials.rows import READER_VERSION, SITE_COLUMNS, TRIAL_FIELDS, Prepared, prepare
from cellpath.trials.sources import Entry, read_entry

if TYPE_CHECKING:
    from cellpath.trials.sources import Source

BATCH = 500
CHUNK = 250
"""Study files a worker process reads at a time."""
PARALLEL_FROM = 2000
"""Sources with fewer study files are read in this process (no worth in starting workers)."""


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


# --- From entries to prepared studies -----------------------------------------------------------

Outcome = Prepared | tuple[str, str] | None
"""A prepared study, a rejection (name, reason), or None: left out by the condition filter."""


class _Preparer:
    def __init__(self, condition_filter: str | None, vendor: str, imported_at: datetime):
        self.keep = condition_matcher(condition_filter)
        self.vendor, self.imported_at = vendor, imported_at

    def __call__(self, entry: Entry) -> Outcome:
        if entry.record is None:
            return (entry.name, entry.reason)
        if not self.keep(entry.record):
            return None
        return prepare(entry.record, vendor=self.vendor, imported_at=self.imported_at)


def _prepare_chunk(args: tuple[list[Entry | tuple[str, bytes]], str | None, str, datetime]):
    """In a worker process: parse and prepare one chunk of study files."""
    chunk, condition_filter, vendor, imported_at = args
    preparer = _Preparer(condition_filter, vendor, imported_at)
    return [preparer(item if isinstance(item, Entry) else read_entry(*item)) for item in chunk]


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in_workers(
    source: Source, condition_filter: str | None, vendor: str, imported_at: datetime, count: int
) -> Iterator[Outcome]:
    """The source's study files prepared by `count` worker processes, in order, with at most
    two chunks a worker in flight (the source is never read ahead further)."""
    context = multiprocessing.get_context("fork")  # workers inherit the loaded code
    connection.close()  # never share a database connection with a child process
    with context.Pool(count) as pool:
        pending: deque = deque()
        for chunk in _chunks(source.blobs(), CHUNK):
            pending.append(
                pool.apply_async(_prepare_chunk, ((chunk, condition_filter, vendor, imported_at),))
            )
            while len(pending) >= 2 * count:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def import_entries(
    entries: Iterable[Entry],
    *,
    condition_filter: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import already-read entries (the live API, small sources) in this process."""
    preparer = _Preparer(condition_filter, connection.vendor, timezone.now())
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
    outcomes = _in_workers(source, condition_filter, connection.vendor, timezone.now(), count)
    return _import(outcomes, progress)


def _import(outcomes: Iterable[Outcome], progress: Callable[[int], None] | None) -> ImportSummary:
    summary = ImportSummary()
    batch: dict[str, Prepared] = {}
    for outcome in outcomes:
        if outcome is None:
            summary.filtered_out += 1
        elif isinstance(outcome, Prepared):
            earlier = batch.get(outcome.nct_id)
            if earlier is not None:  # the same study twice in one source: the newer counts
                summary.unchanged += 1
                if earlier.last_updated >= outcome.last_updated:
                    continue
            batch[outcome.nct_id] = outcome
            if len(batch) >= BATCH:
                _write_batch(batch, summary)
                batch = {}
                if progress:
                    progress(summary.read)
        else:
            summary.rejected.append(outcome)
    if batch:
        _write_batch(batch, summary)
    if progress:
        progress(summary.read)
    return summary


# --- Writing ------------------------------------------------------------------------------------


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
        elif study.last_updated > stored[nct_id][1]:
            changed.append(study)
        else:
            summary.unchanged += 1
    if not new and not changed:
        return
    studies = [*new, *changed]
    with transaction.atomic():
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
