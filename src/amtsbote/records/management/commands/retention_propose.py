"""Propose the disposal of documents whose retention ended (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amtsbote.records.services import retention_propose


class Command(BaseCommand):
    help = "Propose disposals of documents whose retention period ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        proposals = retention_propose(today=options["today"])
        documents = sum(proposal.items.count() for proposal in proposals)
        self.stdout.write(f"{len(proposals)} proposals, {documents} documents")
