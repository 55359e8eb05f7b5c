"""``manage.py restore SOURCE``: bring a backup back, then check it with fsck."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.records.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by manage.py backup: checks it against its manifest, refuses a "
        "target that holds data (unless --force), restores database and files, then checks "
        "the audit chain and runs fsck."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="The backup directory.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Wipe the database and the files of this installation first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore(
                options["source"],
                force=options["force"],
                progress=lambda message: self.stderr.write(message),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for problem in report.fsck.problems:
            self.stdout.write(problem.line())
        self.stdout.write(f"Restored from {options['source']}: {report.summary()}")
        if not report.audit_matches:
            raise CommandError("the audit chain is not the one the backup recorded", returncode=1)
        if not report.fsck.clean:
            raise CommandError(f"fsck found {len(report.fsck.problems)} problems", returncode=1)
