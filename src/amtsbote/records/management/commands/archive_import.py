"""Import an archive package into a jobcenter (the household moved there)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.accounts.models import User
from amtsbote.cases.models import Jobcenter
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.records.access import is_records_officer
from amtsbote.records.archive import case_import


class Command(BaseCommand):
    help = "Verify an archive package and take the case over into a jobcenter."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("zip_file", help="the package (ZIP) written by archive_export")
        parser.add_argument("--jobcenter", required=True, help="code (slug) of the jobcenter")
        parser.add_argument(
            "--team", action="append", default=[], help="team (name) that works on the case"
        )
        parser.add_argument(
            "--as",
            dest="actor",
            help="e-mail of a team lead of the jobcenter (needed for a case under legal hold)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jobcenter = Jobcenter.objects.filter(slug=options["jobcenter"]).first()
        if jobcenter is None:
            raise CommandError(f"No jobcenter with the code {options['jobcenter']}.")
        teams = []
        for name in options["team"]:
            team = jobcenter.teams.filter(name=name).first()
            if team is None:
                known = ", ".join(jobcenter.teams.values_list("name", flat=True))
                raise CommandError(f"No team {name!r} in {jobcenter.slug} (teams: {known}).")
            teams.append(team)
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email=options["actor"].lower()).first()
            if actor is None or not is_records_officer(actor) or actor.jobcenter_id != jobcenter.pk:
                raise CommandError(f"{options['actor']} is not a team lead of {jobcenter.slug}.")
        try:
            case = case_import(
                options["zip_file"],
                jobcenter=jobcenter,
                actor=actor,
                teams=teams,
                progress=lambda line: self.stdout.write(f"  {line}"),
            )
        except AmtsboteError as exc:
            raise CommandError(f"Refused, nothing was imported: {exc.message}") from exc
        self.stdout.write(
            f"{case.bg_number} imported into {jobcenter.slug}: {case.documents.count()} documents,"
            f" {case.imported_history.count()} history entries (case {case.uuid})"
        )
