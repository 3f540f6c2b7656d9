"""`cellpath audit_verify`: check that no audit row was changed, removed or reordered."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cellpath.accounts.audit import verify_chain
from cellpath.accounts.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (HIPAA §164.312(c) integrity)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
        broken = verify_chain(events)
        if broken is not None:
            raise CommandError(f"The audit log's chain breaks at event {broken}: it was altered.")
        self.stdout.write(f"Audit log intact: {total:,} events, chain verified.")
