"""``manage.py fsck``: do the stored files and the database agree? Exit 1 on any problem."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.records.integrity import fsck


class Command(BaseCommand):
    help = (
        "Check that every file the database references exists and matches its SHA-256, "
        "and that no stored file is referenced by nothing (orphan)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-hash", action="store_true", help="Only check that the files exist (fast)."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--grace-seconds",
            type=int,
            default=600,
            help="Unreferenced files younger than this are not reported (default 600; "
            "their database row may not have committed yet).",
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=1000,
            help="Report progress on stderr every N files (default 1000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = fsck(
            check_hashes=not options["no_hash"],
            grace_seconds=max(options["grace_seconds"], 0),
            progress=lambda message: self.stderr.write(message),
            progress_every=options["progress_every"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            for problem in report.problems:
                self.stdout.write(problem.line())
            self.stdout.write(f"fsck: {report.summary()}")
        if not report.clean:
            raise CommandError(f"fsck found {len(report.problems)} problems", returncode=1)
