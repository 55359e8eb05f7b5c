"""``manage.py verify_audit``: check the audit log's hash chain and its anchors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.audit.anchors import anchor_path, anchors_check
from amtsbote.audit.services import check_chain


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain and the anchors kept outside the database; "
        "exit 1 naming the first broken event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors", type=Path, help="anchor file (default: AMTSBOTE_AUDIT_ANCHOR_FILE)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_chain()
        broken = report.first_break
        if broken is not None:
            if broken.event_id is None:
                where = "no events left"
            else:
                when = broken.occurred_at.isoformat() if broken.occurred_at else "?"
                where = f"event {broken.event_id} at {when} ({broken.action})"
            raise CommandError(
                f"audit chain broken ({broken.kind}) at {where}: {broken.detail}", returncode=1
            )
        self.stdout.write(f"{report.count} events, chain intact")
        path = options["anchors"] or anchor_path()
        if not path.exists():
            self.stdout.write(f"no anchor file at {path} (manage.py audit_anchor writes it)")
            return
        anchors = anchors_check(path)
        if not anchors.intact:
            raise CommandError(f"audit anchor does not hold: {anchors.detail}", returncode=1)
        torn = " (a last line torn by a crash ignored)" if anchors.torn_lines else ""
        self.stdout.write(f"{anchors.checked} anchors in {path} hold{torn}")
