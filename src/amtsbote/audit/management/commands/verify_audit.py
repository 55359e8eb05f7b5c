"""``manage.py verify_audit``: check the whole hash chain of the audit log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amtsbote.audit.services import check_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit 1 naming the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_chain()
        broken = report.first_break
        if broken is None:
            self.stdout.write(f"{report.count} events, chain intact")
            return
        if broken.event_id is None:
            where = "no events left"
        else:
            when = broken.occurred_at.isoformat() if broken.occurred_at else "?"
            where = f"event {broken.event_id} at {when} ({broken.action})"
        raise CommandError(
            f"audit chain broken ({broken.kind}) at {where}: {broken.detail}", returncode=1
        )
