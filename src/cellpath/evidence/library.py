"""Load the versioned study library (`evidence/library/*.toml`) into the database.

The TOML files are the library's reviewed source: a change to a study is a commit with its
sources. Loading is idempotent and all-or-nothing — every record is validated, every error is
reported with its file and slug, and nothing is written unless all of it is valid. Records that
already exist are left alone (editors may have improved them in the app) unless `update=True`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from cellpath.accounts.audit import Actor, record
from cellpath.accounts.models import AuditEvent
from cellpath.evidence.models import Claim, Figure, KnowledgePage, Source, Study
from cellpath.evidence.services import claim_studies_set, content_save

LIBRARY_DIR = Path(__file__).with_name("library")
FILES = ("studies.toml", "references.toml", "claims.toml", "pages.toml")
LIST_FIELDS = {"registry_ids": " ", "routes": " "}
"""Fields written as TOML lists and stored as space-separated text."""


class LibraryError(Exception):
    """The library files are invalid; `problems` lists each one as `file: record: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LoadSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, model: type[models.Model]) -> None:
        counts = getattr(self, bucket)
        name = model._meta.verbose_name_plural
        counts[name] = counts.get(name, 0) + 1

    def __str__(self) -> str:
        parts = []
        for bucket in ("created", "updated", "unchanged"):
            counts = getattr(self, bucket)
            if counts:
                parts.append(f"{bucket} " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        return "; ".join(parts) or "nothing to load"


def read_library(directory: Path = LIBRARY_DIR) -> dict[str, dict[str, Any]]:
    """The parsed TOML files (missing files read as empty)."""
    data = {}
    for name in FILES:
        path = directory / name
        if not path.exists():
            data[name] = {}
            continue
        try:
            data[name] = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise LibraryError([f"{name}: not valid TOML: {error}"]) from error
    return data


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class _Loader:
    def __init__(self, *, actor: Actor, update: bool) -> None:
        self.actor = actor
        self.update = update
        self.summary = LoadSummary()
        self.problems: list[str] = []

    def upsert(self, where: str, model: type[models.Model], values: dict[str, Any]) -> Any:
        values = dict(values)
        for name, separator in LIST_FIELDS.items():
            if isinstance(values.get(name), list):
                values[name] = separator.join(values[name])
        slug = values.get("slug", "?")
        instance = model.objects.filter(slug=slug).first()
        if instance is not None and not self.update:
            self.summary.count("unchanged", model)
            return instance
        bucket = "created" if instance is None else "updated"
        if instance is None:
            instance = model()
        known = {f.name for f in model._meta.concrete_fields}
        unknown = sorted(set(values) - known)
        if unknown:
            self.problems.append(f"{where}: {slug}: unknown field(s) {', '.join(unknown)}")
            return None
        changed = any(getattr(instance, name, None) != value for name, value in values.items())
        for name, value in values.items():
            setattr(instance, name, value)
        if bucket == "updated" and not changed:
            self.summary.count("unchanged", model)
            return instance
        try:
            content_save(actor=self.actor, instance=instance)
        except ValidationError as error:
            self.problems.append(f"{where}: {slug}: {_message(error)}")
            return None
        self.summary.count(bucket, model)
        return instance

    def resolve(self, where: str, slug: str, lookup: Callable[[str], Any], what: str) -> Any:
        found = lookup(slug)
        if found is None:
            self.problems.append(f"{where}: unknown {what} “{slug}”")
        return found


def load_library(
    directory: Path = LIBRARY_DIR, *, actor: Actor = "library loader", update: bool = False
) -> LoadSummary:
    """Create (or, with `update`, refresh) every record of the library files, all or nothing."""
    data = read_library(directory)
    loader = _Loader(actor=actor, update=update)
    with transaction.atomic():
        _load_studies(loader, data["studies.toml"].get("study", []))
        _load_references(loader, data["references.toml"])
        _load_claims(loader, data["claims.toml"].get("claim", []))
        for page in data["pages.toml"].get("page", []):
            loader.upsert("pages.toml", KnowledgePage, page)
        if loader.problems:
            transaction.set_rollback(True)
            raise LibraryError(loader.problems)
        record(
            actor,
            AuditEvent.Action.IMPORT,
            object_type="evidence.library",
            detail={"directory": directory.name, "summary": str(loader.summary)},
        )
    return loader.summary


def _load_studies(loader: _Loader, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        values = {k: v for k, v in row.items() if k not in ("source", "figure")}
        study = loader.upsert("studies.toml", Study, values)
        if study is None:
            continue
        sources = {}
        for source in row.get("source", []):
            saved = loader.upsert("studies.toml", Source, {**source, "study": study})
            if saved is not None:
                sources[saved.slug] = saved
        for figure in row.get("figure", []):
            values = {**figure, "study": study}
            if "source" in figure:
                values["source"] = loader.resolve(
                    f"studies.toml: {study.slug}", figure["source"], sources.get, "source"
                )
            loader.upsert("studies.toml", Figure, values)


def _load_references(loader: _Loader, data: dict[str, Any]) -> None:
    sources = {}
    for source in data.get("source", []):
        saved = loader.upsert("references.toml", Source, source)
        if saved is not None:
            sources[saved.slug] = saved
    for figure in data.get("figure", []):
        values = dict(figure)
        if "source" in figure:
            values["source"] = loader.resolve(
                f"references.toml: {figure.get('slug')}", figure["source"], sources.get, "source"
            )
        loader.upsert("references.toml", Figure, values)


def _load_claims(loader: _Loader, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        claim = loader.upsert(
            "claims.toml", Claim, {k: v for k, v in row.items() if k != "studies"}
        )
        if claim is None:
            continue
        studies = [
            loader.resolve(
                f"claims.toml: {claim.slug}",
                slug,
                lambda s: Study.objects.filter(slug=s).first(),
                "study",
            )
            for slug in row.get("studies", [])
        ]
        if None not in studies:
            claim_studies_set(actor=loader.actor, claim=claim, studies=studies)
