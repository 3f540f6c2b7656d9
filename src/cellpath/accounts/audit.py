"""The audit trail: every write to patient data, and every view and export of it, leaves a row.

Audited models inherit `AuditedModel`. Their rows can only be written through `audited_save` and
`audited_delete`, which diff old against new values and append an `AuditEvent` in the same
transaction; `QuerySet.update`, `delete`, `bulk_create` and `bulk_update` raise on them, because
signal-based audit trails silently miss exactly those paths (django-simple-history #528,
django-auditlog #515). Reads are recorded by the query functions that open a record
(`record_view`, `record_list`, `record_export`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, ClassVar, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from cellpath.accounts.models import AuditEvent, User


@dataclass(frozen=True)
class Origin:
    """Where an action came from: the request's address and browser, or a command."""

    ip_address: str | None = None
    user_agent: str = ""
    channel: str = "system"


_origin: ContextVar[Origin] = ContextVar("cellpath_audit_origin", default=Origin())  # noqa: B039 (frozen)
_write_permitted: ContextVar[bool] = ContextVar("cellpath_audited_write", default=False)


@contextmanager
def origin(value: Origin) -> Iterator[None]:
    """Attribute every audit row written inside the block to `value`."""
    token = _origin.set(value)
    try:
        yield
    finally:
        _origin.reset(token)


def current_origin() -> Origin:
    return _origin.get()


class UnauditedWriteError(RuntimeError):
    """A write to an audited model that did not go through `audited_save`/`audited_delete`."""


def _refuse(what: str) -> UnauditedWriteError:
    return UnauditedWriteError(
        f"{what} would bypass the audit log; write audited records through their service "
        "functions (cellpath.accounts.audit.audited_save / audited_delete)."
    )


class AuditedQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise _refuse("QuerySet.update()")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse("QuerySet.delete()")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        raise _refuse("bulk_create()")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise _refuse("bulk_update()")


class AuditedModel(models.Model):
    """Base of every model holding patient data. Subclasses say which site a row belongs to.

    Foreign keys into an audited model must use `on_delete=PROTECT`: a cascade would delete
    audited rows without an audit entry (a test checks this for every model).
    """

    audit_site_path: ClassVar[str] = "site_id"
    """Attribute path from a row to its site's id, e.g. "patient.site_id" for a visit."""
    audit_masked_fields: ClassVar[frozenset[str]] = frozenset()

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not _write_permitted.get():
            raise _refuse(f"{type(self).__name__}.save()")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not _write_permitted.get():
            raise _refuse(f"{type(self).__name__}.delete()")
        return super().delete(*args, **kwargs)

    def audit_site_id(self) -> int | None:
        """The site whose staff may see this row and its audit trail."""
        return attrgetter(self.audit_site_path)(self)

    def audit_label(self) -> str:
        """A pseudonymous label for the audit log (a study ID, never a name)."""
        return f"{self._meta.verbose_name} {self.pk}"


M = TypeVar("M", bound=AuditedModel)
Actor = User | str  # a signed-in user, or a named system part such as "demo loader"


@contextmanager
def _permitted() -> Iterator[None]:
    token = _write_permitted.set(True)
    try:
        yield
    finally:
        _write_permitted.reset(token)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored values of a row's concrete fields, as JSON-compatible values."""
    masked = getattr(instance, "audit_masked_fields", frozenset())
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        value = field.value_from_object(instance)
        values[field.attname] = "***" if field.name in masked and value else _jsonable(value)
    return values


def audited_save(instance: M, *, actor: Actor) -> M:
    """Validate and save `instance`, and append a create or update event with old/new values."""
    with transaction.atomic():
        adding = instance._state.adding
        before: dict[str, Any] = {}
        if not adding:
            stored = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
            before = snapshot(stored)
        instance.full_clean()
        with _permitted():
            instance.save()
        after = snapshot(instance)
        changes = {
            name: {"old": before.get(name), "new": value}
            for name, value in after.items()
            if adding or before.get(name) != value
        }
        if adding or changes:
            record(
                actor,
                AuditEvent.Action.CREATE if adding else AuditEvent.Action.UPDATE,
                obj=instance,
                changes=changes,
            )
    return instance


def audited_delete(instance: AuditedModel, *, actor: Actor) -> None:
    """Delete `instance`, keeping its last values in a delete event."""
    with transaction.atomic():
        before = snapshot(instance)
        record(
            actor,
            AuditEvent.Action.DELETE,
            obj=instance,
            changes={name: {"old": value, "new": None} for name, value in before.items()},
        )
        with _permitted():
            instance.delete()


def audited_bulk_import(
    model: type[M], rows: list[M], *, actor: Actor, source: str, batch_size: int = 2000
) -> int:
    """Insert many already-validated rows at once (registry imports, benchmarks), with one
    import event per call naming the source and the count (REDCap logs "Data import" the same
    way). Callers validate; this path skips per-row `full_clean` for speed."""
    with transaction.atomic(), _permitted():
        models.QuerySet.bulk_create(model.objects.all(), rows, batch_size=batch_size)
        sites = sorted({row.audit_site_id() for row in rows[:1000]} - {None})
        record(
            actor,
            AuditEvent.Action.IMPORT,
            object_type=model._meta.label_lower,
            site_id=sites[0] if len(sites) == 1 else None,
            detail={"source": source, "count": len(rows)},
        )
    return len(rows)


def record(
    actor: Actor | None,
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    site_id: int | None = None,
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event, attributed to `actor` and to the current origin."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if isinstance(obj, AuditedModel):
            object_label = object_label or obj.audit_label()
            site_id = site_id if site_id is not None else obj.audit_site_id()
    where = current_origin()
    user = actor if isinstance(actor, User) and actor.pk else None
    label = actor.email if isinstance(actor, User) else (actor or "anonymous")
    event = AuditEvent(
        actor=user,
        actor_label=label[:254],
        action=action,
        object_type=object_type,
        object_id=object_id[:64],
        object_label=object_label[:200],
        site_id=site_id,
        ip_address=where.ip_address,
        user_agent=where.user_agent[:300],
        channel=where.channel,
        changes=_jsonable(changes or {}),
        detail=_jsonable(detail or {}),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one writer of the chain at a time
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        previous = AuditEvent.objects.order_by("-id").values_list("chain_hash", flat=True).first()
        event.chain_hash = chain_hash(previous or "", event.chained_fields())
        event.save()
    return event


# One writer of the chain at a time: PostgreSQL takes this advisory lock; SQLite transactions
# begin IMMEDIATE (settings), so the last hash is read under the database's write lock.
_CHAIN_LOCK_ID = 0x43454C4C  # PostgreSQL advisory lock key ("CELL")


def chain_hash(previous: str, fields: dict[str, Any]) -> str:
    """SHA-256 of the previous row's hash and this row's fields, canonically encoded."""
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(f"{previous}|{payload}".encode()).hexdigest()


def verify_chain(events: Iterable[AuditEvent]) -> int | None:
    """The id of the first event (in id order) whose hash does not match, or None if intact.

    A changed, removed or reordered row breaks the chain from that row on."""
    previous = ""
    for event in events:
        if event.chain_hash != chain_hash(previous, event.chained_fields()):
            return event.pk
        previous = event.chain_hash
    return None


def record_view(actor: User, obj: AuditedModel) -> None:
    """A person opened one record."""
    record(actor, AuditEvent.Action.VIEW, obj=obj)


def record_list(actor: User, rows: Iterable[AuditedModel], *, detail: dict | None = None) -> None:
    """A person saw a list of records: one event naming every record shown."""
    _record_many(actor, AuditEvent.Action.LIST, list(rows), detail or {})


def record_export(actor: User, rows: Iterable[AuditedModel], *, fmt: str) -> None:
    """A person exported records: one event naming every record in the file."""
    _record_many(actor, AuditEvent.Action.EXPORT, list(rows), {"format": fmt})


def _record_many(actor: User, action: str, rows: list[AuditedModel], detail: dict) -> None:
    sites = sorted({row.audit_site_id() for row in rows} - {None})
    object_type = rows[0]._meta.label_lower if rows else ""
    record(
        actor,
        action,
        object_type=object_type,
        site_id=sites[0] if len(sites) == 1 else None,
        detail={
            **detail,
            "count": len(rows),
            "records": [row.audit_label() for row in rows],
            "sites": sites,
        },
    )
