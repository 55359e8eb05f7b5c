"""Show or change which team a message topic ("Anliegen") of a jobcenter goes to.

manage.py messaging_topic musterstadt                       # list the topics
manage.py messaging_topic musterstadt allgemein --team "Eingangszone"
manage.py messaging_topic musterstadt umzug --team Leistung --label "Umzug"
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.accounts.models import Team
from amtsbote.cases.models import Jobcenter
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.messaging.services import topic_defaults_ensure, topic_set


class Command(BaseCommand):
    help = "List the message topics of a jobcenter, or route one to a team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("jobcenter", help="The jobcenter's slug.")
        parser.add_argument("code", nargs="?", help="The topic's code (a new code adds one).")
        parser.add_argument("--team", help="The name of the team the topic goes to.")
        parser.add_argument("--label", default="", help="The topic's label (German).")

    def handle(self, *args: Any, **options: Any) -> None:
        jobcenter = Jobcenter.objects.filter(slug=options["jobcenter"]).first()
        if jobcenter is None:
            raise CommandError("No jobcenter with this slug.")
        if options["code"]:
            if not options["team"]:
                raise CommandError("Name the team with --team.")
            team = Team.objects.filter(jobcenter=jobcenter, name=options["team"]).first()
            if team is None:
                raise CommandError("The jobcenter has no team of this name.")
            try:
                topic_set(
                    jobcenter=jobcenter, code=options["code"], team=team, label=options["label"]
                )
            except AmtsboteError as exc:
                raise CommandError(exc.message) from exc
        for topic in topic_defaults_ensure(jobcenter=jobcenter):
            self.stdout.write(f"{topic.code}\t{topic.team.name}\t{topic.label}")
