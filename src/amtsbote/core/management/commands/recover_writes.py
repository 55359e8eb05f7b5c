"""``manage.py recover_writes``: remove the files of units of work that were killed mid-way.

Every service that stores files keeps a write journal until its database transaction commits.
A journal that is still there long after its last update belongs to a process that died
(``kill -9``, power cut): its files that no database row points to are deleted, then the
journal. Files that a row points to are kept. Safe to run at any time and more than once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amtsbote.core.storage import RECOVERY_GRACE, recover_interrupted_writes


class Command(BaseCommand):
    help = "Delete files left behind by interrupted writes (no database row points to them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=int(RECOVERY_GRACE.total_seconds() // 60),
            help="Only journals not updated for this long (writes in progress are younger).",
        )

    def handle(self, *args: Any, older_than_minutes: int, **options: Any) -> None:
        report = recover_interrupted_writes(older_than=timedelta(minutes=older_than_minutes))
        for name in report.deleted:
            self.stdout.write(f"deleted  {name}")
        if options["verbosity"] >= 2:
            for name in report.kept:
                self.stdout.write(f"kept     {name} (a database row points to it)")
        for name in report.unreadable:
            self.stderr.write(f"unreadable journal {name}: its storage key is not configured")
        self.stdout.write(
            f"{report.journals} interrupted units of work: {len(report.deleted)} files deleted, "
            f"{len(report.kept)} kept (in use), {report.missing} already gone; "
            f"{report.in_flight} still in progress left alone"
        )
