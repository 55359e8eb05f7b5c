"""``manage.py api_client_create --jobcenter SLUG --name NAME --scope cases:read …``: a new
API client and its first key, printed once (only its digest is stored)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.cases.models import Jobcenter
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.integrations.constants import Scope
from amtsbote.integrations.services import api_client_create, api_key_issue


class Command(BaseCommand):
    help = "Create an API client of a jobcenter with its first key (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jobcenter", required=True, help="slug of the jobcenter")
        parser.add_argument("--name", required=True, help="e.g. the benefits software's name")
        parser.add_argument(
            "--scope",
            dest="scopes",
            action="append",
            default=[],
            help=f"repeat for each scope: {', '.join(Scope.values)}",
        )
        parser.add_argument(
            "--team",
            dest="teams",
            action="append",
            help="a team it acts for (repeat; default: every team of the jobcenter)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            jobcenter = Jobcenter.objects.get(slug=options["jobcenter"])
        except Jobcenter.DoesNotExist as exc:
            raise CommandError(f"no jobcenter {options['jobcenter']!r}") from exc
        teams = None
        if options.get("teams"):
            teams = list(jobcenter.teams.filter(name__in=options["teams"]))
            if missing := set(options["teams"]) - {team.name for team in teams}:
                raise CommandError(f"no such team: {', '.join(sorted(missing))}")
        try:
            client = api_client_create(
                jobcenter=jobcenter, name=options["name"], scopes=options["scopes"], teams=teams
            )
        except AmtsboteError as exc:
            raise CommandError(exc.message) from exc
        _row, key = api_key_issue(client=client, label="initial")
        self.stdout.write(f"API client {client.uuid} ({client.name}, {jobcenter.slug})")
        self.stdout.write(f"scopes: {', '.join(client.scopes) or '(none)'}")
        self.stdout.write("Key (shown only now, keep it secret):")
        self.stdout.write(key)
