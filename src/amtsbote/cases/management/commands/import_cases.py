"""``manage.py import_cases FILE.csv --jobcenter SLUG``: the initial case load."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.accounts.models import Team
from amtsbote.cases.imports import HEADER, import_cases_csv
from amtsbote.cases.models import Jobcenter
from amtsbote.core.exceptions import AmtsboteError


class Command(BaseCommand):
    help = (
        "Create or update households (Bedarfsgemeinschaften) and their members from the "
        f"benefits system's CSV export, one row per person, header {','.join(HEADER)}. "
        "Re-running updates, never duplicates. Invalid rows are listed with their line "
        "numbers and the other rows imported; with --strict nothing is imported when a row "
        "is invalid. The exit status is 1 when any row was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file (UTF-8, comma or semicolon separated)")
        parser.add_argument("--jobcenter", required=True, help="slug of the jobcenter")
        parser.add_argument(
            "--team",
            action="append",
            default=[],
            metavar="NAME",
            help="team that works on the new cases (repeatable); existing cases keep theirs",
        )
        parser.add_argument(
            "--strict", action="store_true", help="import nothing when any row is invalid"
        )
        parser.add_argument("--encoding", default="utf-8-sig", help="default: utf-8-sig")

    def handle(self, *args: Any, **options: Any) -> None:
        jobcenter = Jobcenter.objects.filter(slug=options["jobcenter"]).first()
        if jobcenter is None:
            raise CommandError(f"No jobcenter with the slug {options['jobcenter']!r}.")
        teams = []
        for name in options["team"]:
            team = Team.objects.filter(jobcenter=jobcenter, name=name).first()
            if team is None:
                known = ", ".join(jobcenter.teams.values_list("name", flat=True)) or "–"
                raise CommandError(f"No team {name!r} in {jobcenter.name} (teams: {known}).")
            teams.append(team)
        started = time.monotonic()
        try:
            with open(options["file"], encoding=options["encoding"], newline="") as file:
                result = import_cases_csv(
                    jobcenter=jobcenter, file=file, teams=teams, strict=options["strict"]
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{options['file']} is not {options['encoding']} text (try --encoding cp1252)."
            ) from exc
        except AmtsboteError as exc:
            raise CommandError(exc.message) from exc
        for error in result.errors:
            self.stderr.write(str(error))
        summary = f"{result.summary()} ({time.monotonic() - started:.1f} s)"
        if not result.imported:
            raise CommandError(f"{summary} Nothing was imported (--strict).")
        if result.errors:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(f"{len(result.errors)} rows were rejected; the others imported.")
        self.stdout.write(self.style.SUCCESS(summary))
