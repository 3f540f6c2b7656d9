"""Writes of exchange: cohort exports (built now, or by a background task for large cohorts),
and personal access tokens for the FHIR API.

An export's file is written to disk as it is read (each writer streams), served from there and
deleted when it expires. The export is audited when the data is read (one row naming every
patient in it) and again when the file is downloaded.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from cellpath.accounts.audit import record
from cellpath.accounts.models import AuditEvent, User
from cellpath.accounts.tokens import token_hash
from cellpath.exchange.models import AccessToken, ExportJob
from cellpath.exchange.queries import ExportScope, export_scope, record_cohort_export
from cellpath.reports.queries import Filters

EXPORT_DAYS = 2
"""How long an export's file can be downloaded."""

INLINE_PATIENTS = 200
"""Cohorts up to this size are built while the person waits; larger ones by a background task."""

WRITERS: dict[str, str] = {
    ExportJob.Format.CSV: "cellpath.exchange.cohort_csv:write_cohort_zip",
    ExportJob.Format.FHIR: "cellpath.exchange.fhir_export:write_ndjson_zip",
    ExportJob.Format.REDCAP: "cellpath.exchange.redcap.export:write_redcap_zip",
}
"""Each format's writer: `(scope, out, *, progress=None) -> {file: rows}`."""

FILE_STEMS = {
    ExportJob.Format.CSV: "cohort-csv",
    ExportJob.Format.FHIR: "cohort-fhir-ndjson",
    ExportJob.Format.REDCAP: "cohort-redcap",
}


def writer(fmt: str) -> Callable[..., dict[str, int]]:
    module, name = WRITERS[fmt].split(":")
    return getattr(import_module(module), name)


def export_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"  # served only by the download view
    path.mkdir(parents=True, exist_ok=True)
    return path


def download_name(fmt: str, when: date | None = None) -> str:
    return f"cellpath-{FILE_STEMS[fmt]}-{(when or timezone.localdate()).isoformat()}.zip"


def filters_json(filters: Filters) -> dict[str, object]:
    return filters.as_detail()


def filters_from_json(data: dict[str, object]) -> Filters:
    values = dict(data)
    for name in ("treated_from", "treated_to"):
        if values.get(name):
            values[name] = date.fromisoformat(str(values[name]))
    return Filters(**values)  # type: ignore[arg-type]


def write_export(
    user: User,
    scope: ExportScope,
    fmt: str,
    out: IO[bytes],
    *,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Audit the export (one row naming its patients) and write it into `out`."""
    count = record_cohort_export(user, scope, fmt=f"{fmt} (zip)")
    writer(fmt)(scope, out, progress=progress)
    return count


def start_export(*, user: User, filters: Filters, fmt: str) -> ExportJob:
    """Queue a cohort export; the background task builds its file after this commits."""
    if fmt not in WRITERS:
        raise ValidationError({"format": "Choose one of the formats listed."})
    job = ExportJob(
        user=user,
        format=fmt,
        filters=filters_json(filters),
        expires_at=timezone.now() + timedelta(days=EXPORT_DAYS),
    )
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: build_export.enqueue(job_id=job.pk))
    return job


@task()
def build_export(*, job_id: int) -> str:
    """Build a queued export's file (the background task)."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ExportJob.Status.QUEUED:
        return job.status
    scope = export_scope(user=job.user, filters=filters_from_json(job.filters))
    name = f"{job.pk}-{secrets.token_hex(8)}.zip"
    path = export_dir() / name
    try:
        with open(path, "wb") as out:
            job.patients = write_export(job.user, scope, job.format, out)
    except Exception as error:
        path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=f"{type(error).__name__}"[:300],
            finished_at=timezone.now(),
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        patients=job.patients,
        file_name=name,
        size_bytes=path.stat().st_size,
        finished_at=timezone.now(),
    )
    return ExportJob.Status.DONE


def export_file(job: ExportJob) -> Path | None:
    """The file of a finished, unexpired export (None otherwise)."""
    if job.status != ExportJob.Status.DONE or job.expires_at <= timezone.now():
        return None
    path = export_dir() / job.file_name
    return path if job.file_name and path.is_file() else None


def record_download(user: User, job: ExportJob) -> None:
    record(
        user,
        AuditEvent.Action.EXPORT,
        object_type="exchange.exportjob",
        object_id=str(job.pk),
        detail={"format": job.format, "patients": job.patients, "downloaded": True},
    )


def expire_exports(now: object = None) -> int:
    """Delete the files of expired exports and mark them expired."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(
        expires_at__lte=now, status__in=[ExportJob.Status.DONE, ExportJob.Status.QUEUED]
    )
    count = 0
    for job in expired:
        if job.file_name:
            (export_dir() / job.file_name).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file_name="")
        count += 1
    return count


# --- personal access tokens -------------------------------------------------------------------

TOKEN_PREFIX = "cpat_"  # noqa: S105 (a marker that says what the secret is, not a secret)
MAX_TOKEN_DAYS = 90
MAX_ACTIVE_TOKENS = 10


def token_create(*, user: User, name: str, days: int) -> tuple[AccessToken, str]:
    """A new token for `user`, valid `days` days; returns it and its secret (shown once)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Say what the token is for."})
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError({"days": f"A token lasts 1 to {MAX_TOKEN_DAYS} days."})
    now = timezone.now()
    active = AccessToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"You have {MAX_ACTIVE_TOKENS} tokens in use: revoke one before making another."
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken(
        user=user,
        name=name[:80],
        token_hash=token_hash(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        expires_at=now + timedelta(days=days),
    )
    with transaction.atomic():
        token.save()
        record(
            user,
            AuditEvent.Action.CREATE,
            object_type="exchange.accesstoken",
            object_id=str(token.pk),
            detail={"name": token.name, "expires_at": token.expires_at.isoformat()},
        )
    return token, secret


def token_revoke(*, user: User, token: AccessToken) -> None:
    if token.user_id != user.pk:
        raise ValidationError("This token is not yours.")
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            user,
            AuditEvent.Action.UPDATE,
            object_type="exchange.accesstoken",
            object_id=str(token.pk),
            detail={"revoked": True, "name": token.name},
        )
