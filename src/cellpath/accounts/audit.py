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
from django.db.models.fields.files import FieldFile
from django.utils import timezone

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

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        # The foreign keys and unique values as read, so that saving the row again does not
        # re-check (one query each) those it did not change: they were checked when stored, and
        # PROTECT and the database's unique constraints keep them true.
        instance._audit_loaded = {
            attname: value
            for attname, value in zip(field_names, values, strict=True)
            if attname in cls._audit_checked_attnames()
        }
        return instance

    @classmethod
    def _audit_checked_attnames(cls) -> frozenset[str]:
        """Attribute names of the fields whose validation queries the database."""
        cached = cls.__dict__.get("_audit_checked")
        if cached is None:
            cached = frozenset(
                f.attname
                for f in cls._meta.concrete_fields
                if (f.is_relation or f.unique) and not f.primary_key
            )
            cls._audit_checked = cached
        return cached

    def audit_unchanged_checked_fields(self) -> list[str]:
        """Names of the foreign-key and unique fields still holding the values read."""
        loaded = getattr(self, "_audit_loaded", {})
        return [
            f.name
            for f in self._meta.concrete_fields
            if f.attname in loaded and loaded[f.attname] == getattr(self, f.attname)
        ]

    def audit_site_id(self) -> int | None:
        """The site whose staff may see this row and its audit trail."""
        return attrgetter(self.audit_site_path)(self)

    def audit_label(self) -> str:
        """A pseudonymous label for the audit log (a study ID, never a name)."""
        return f"{self._meta.verbose_name} {self.pk}"


class StampedModel(AuditedModel):
    """An audited row that also carries who created and last changed it, and when, so that an
    export can say so on every row without reading the audit log (REDCap's and OpenClinica's
    exports do the same). `audited_save` and `audited_bulk_import` write the stamps; the stamps
    are not themselves audited changes. Rows written before the stamps existed carry those the
    audit log held (migration care 0009) or none when they came in by a bulk import."""

    STAMP_FIELDS: ClassVar[tuple[str, ...]] = (
        "created_at",
        "created_by",
        "modified_at",
        "modified_by",
    )

    created_at = models.DateTimeField("created at", null=True, blank=True, editable=False)
    created_by = models.CharField("created by", max_length=254, blank=True, editable=False)
    modified_at = models.DateTimeField("modified at", null=True, blank=True, editable=False)
    modified_by = models.CharField("modified by", max_length=254, blank=True, editable=False)

    class Meta:
        abstract = True


M = TypeVar("M", bound=AuditedModel)
Actor = User | str  # a signed-in user, or a named system part such as "demo loader"


def actor_label(actor: Actor | None) -> str:
    """How the audit log and the row stamps name an actor: a user's e-mail, or the system part."""
    label = actor.email if isinstance(actor, User) else (actor or "anonymous")
    return label[:254]


def _stamp(instance: AuditedModel, actor: Actor, *, adding: bool) -> None:
    """Set the created/modified stamps of a `StampedModel` row (nothing for other rows)."""
    if not isinstance(instance, StampedModel):
        return
    now, label = timezone.now(), actor_label(actor)
    if adding:
        if instance.created_at is None:
            instance.created_at = now
        instance.created_by = instance.created_by or label
    instance.modified_at, instance.modified_by = now, label


@contextmanager
def _permitted() -> Iterator[None]:
    token = _write_permitted.set(True)
    try:
        yield
    finally:
        _write_permitted.reset(token)


def _jsonable(value: Any) -> Any:
    if value is None or type(value) in (str, int, bool):  # already JSON, as most values are
        return value
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _masked_attnames(instance: models.Model) -> frozenset[str]:
    masked = getattr(instance, "audit_masked_fields", frozenset())
    return frozenset(f.attname for f in instance._meta.concrete_fields if f.name in masked)


def _mask(values: dict[str, Any], masked: frozenset[str]) -> dict[str, Any]:
    """Values as the log shows them: a masked field (a name, an address) only as "***"."""
    return {k: "***" if k in masked and v else v for k, v in values.items()}


def _values(instance: models.Model) -> dict[str, Any]:
    """The values of a row's concrete fields as they are now, JSON-compatible and unmasked."""
    values = {}
    for field in instance._meta.concrete_fields:
        if not field.primary_key:
            value = field.value_from_object(instance)
            values[field.attname] = value.name if isinstance(value, FieldFile) else _jsonable(value)
    return values


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored values of a row's concrete fields, as JSON-compatible values."""
    return _mask(_values(instance), _masked_attnames(instance))


def _stored_values(instance: AuditedModel) -> dict[str, Any]:
    """`_values` of the row as stored now, locked until the transaction ends (read as values:
    no model instance is built)."""
    fields = [f for f in instance._meta.concrete_fields if not f.primary_key]
    stored = (
        type(instance)
        ._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list(*(f.attname for f in fields))
        .get()
    )
    return {f.attname: _jsonable(value) for f, value in zip(fields, stored, strict=True)}


def audited_save(instance: M, *, actor: Actor) -> M:
    """Validate and save `instance`, and append a create or update event with old/new values
    (a changed masked field shows as "***" on both sides: that it changed, not what it holds).

    A refused value raises ValidationError before anything is written, so a caller may catch
    it and go on in the same transaction. The write itself needs no savepoint of its own: if
    the row or its audit event cannot be written, the caller's whole transaction fails."""
    adding = instance._state.adding
    instance.full_clean(exclude=None if adding else instance.audit_unchanged_checked_fields())
    with transaction.atomic(savepoint=False):
        before = {} if adding else _stored_values(instance)
        stamps = frozenset(getattr(instance, "STAMP_FIELDS", ()))
        if adding or any(
            before.get(k) != v for k, v in _values(instance).items() if k not in stamps
        ):
            _stamp(instance, actor, adding=adding)
        with _permitted():
            instance.save()
        instance._audit_loaded = {
            attname: getattr(instance, attname) for attname in instance._audit_checked_attnames()
        }
        after = {k: v for k, v in _values(instance).items() if k not in stamps}
        changed = {k for k, v in after.items() if adding or before.get(k) != v}
        if changed:
            masked = _masked_attnames(instance)
            old, new = _mask(before, masked), _mask(after, masked)
            record(
                actor,
                AuditEvent.Action.CREATE if adding else AuditEvent.Action.UPDATE,
                obj=instance,
                changes={k: {"old": old.get(k), "new": new[k]} for k in after if k in changed},
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
    model: type[M],
    rows: list[M],
    *,
    actor: Actor,
    source: str,
    batch_size: int = 2000,
    name_rows: bool = False,
) -> int:
    """Insert many already-validated rows at once (registry imports, benchmarks), with one
    import event per call naming the source and the count (REDCap logs "Data import" the same
    way); `name_rows` also lists the new rows' ids and labels (a study ID: never a name).
    Callers validate; this path skips per-row `full_clean` for speed."""
    for row in rows:
        _stamp(row, actor, adding=True)
    with transaction.atomic(), _permitted():
        models.QuerySet.bulk_create(model.objects.all(), rows, batch_size=batch_size)
        sites = sorted({row.audit_site_id() for row in rows[:1000]} - {None})
        record(
            actor,
            AuditEvent.Action.IMPORT,
            object_type=model._meta.label_lower,
            site_id=sites[0] if len(sites) == 1 else None,
            detail={
                "source": source,
                "count": len(rows),
                **({"records": [[row.pk, row.audit_label()] for row in rows]} if name_rows else {}),
            },
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
    event = AuditEvent(
        actor=user,
        actor_label=actor_label(actor),
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
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # one writer of the chain at a time
                cursor.execute("SELECT cellpath_audit_chain_head(%s)", [_CHAIN_LOCK_ID])
            else:
                cursor.execute(_LAST_HASH_SQL)
            last = cursor.fetchone()
        event.chain_hash = chain_hash((last[0] if last else None) or "", event.chained_fields())
        event.save()
    return event


def record_migration(
    migration: str, object_type: str, object_id: object, site_id: int | None, changes: dict
) -> AuditEvent | None:
    """Append the update a data migration made to one audited row ({field: {"old", "new"}}),
    attributed to the migration; nothing when nothing changed. Migrations work on historical
    models, which `audited_save` does not know, so they report their changes here."""
    changes = {k: v for k, v in changes.items() if v["old"] != v["new"]}
    if not changes:
        return None
    return record(
        f"migration {migration}",
        AuditEvent.Action.UPDATE,
        object_type=object_type,
        object_id=str(object_id),
        site_id=site_id,
        changes=changes,
        detail={"migration": migration},
    )


# One writer of the chain at a time: on PostgreSQL `cellpath_audit_chain_head` (triggers.py)
# takes this advisory lock and then reads the last hash; SQLite transactions begin IMMEDIATE
# (settings), so the last hash is read under the database's write lock.
_CHAIN_LOCK_ID = 0x43454C4C  # PostgreSQL advisory lock key ("CELL")
_AUDIT_TABLE = AuditEvent._meta.db_table
_LAST_HASH_SQL = f"SELECT chain_hash FROM {_AUDIT_TABLE} ORDER BY id DESC LIMIT 1"  # noqa: S608


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
