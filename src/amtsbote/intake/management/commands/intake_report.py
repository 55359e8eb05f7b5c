"""``manage.py intake_report [--since ISO] [--json]``: what became of every scanned file."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from amtsbote.cases.models import Jobcenter
from amtsbote.intake.selectors import intake_report


def parse_since(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since: not an ISO date or time: {value}") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Report, for every scanned file, the documents made from it (quality control)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="only files received since (ISO date or time)")
        parser.add_argument("--jobcenter", help="slug of the jobcenter")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        jobcenter = None
        if options["jobcenter"]:
            jobcenter = Jobcenter.objects.filter(slug=options["jobcenter"]).first()
            if jobcenter is None:
                raise CommandError(f"unknown jobcenter: {options['jobcenter']}")
        since = parse_since(options["since"]) if options["since"] else None
        rows = intake_report(jobcenter=jobcenter, since=since)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['file']} ({row['pages']} pages, {row['status']})")
            for doc in row["documents"]:
                self.stdout.write(
                    f"  p.{doc['first_page']}-{doc['last_page']}: {doc['case'] or 'triage'} "
                    f"{doc['type'] or 'unclassified'} ({doc['confidence']:.2f})"
                )
