"""``manage.py backup TARGET``: a consistent backup of the database and the files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.records.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and every file it references into a new directory, with a "
        "manifest.json (sizes and SHA-256). Safe while Amtsbote runs. Keys are not included."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", type=Path, help="A new or empty directory.")
        parser.add_argument(
            "--no-files",
            action="store_true",
            help="The database only (files in object storage are backed up by the store).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(
                options["target"],
                files=not options["no_files"],
                progress=lambda message: self.stderr.write(message),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for missing in result.missing:
            self.stderr.write(
                f"{missing['model']} {missing['row']} {missing['name']}: {missing['detail']}"
            )
        self.stdout.write(
            f"Backup written to {result.path}: {result.vendor} database "
            f"({result.database_bytes} bytes), {result.files} files ({result.bytes} bytes); "
            f"audit chain: {result.audit['events']} events, head {result.audit['head'] or '-'}"
        )
        if result.damaged:
            raise CommandError(
                f"{len(result.damaged)} files the database references are missing in storage "
                "(run manage.py fsck); the backup lacks them",
                returncode=1,
            )
