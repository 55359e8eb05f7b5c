"""Push reminders a few days before the deadline of open document requests.

Run it periodically (``scripts/run.sh`` runs it with ``--every``); each reminder goes out once,
so it is safe to run any number of times.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from amtsbote.core.processes import stop_on_sigint_and_sigterm
from amtsbote.doc_requests.reminders import doc_request_deadline_reminders


class Command(BaseCommand):
    help = "Push reminders before the deadlines of open document requests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            nargs="?",
            const=settings.PUSH_REMINDER_INTERVAL_SECONDS,
            default=None,
            help="Keep running, one round every N seconds (default from the settings).",
        )

    def handle(self, *args: Any, every: int | None = None, **options: Any) -> None:
        stop_on_sigint_and_sigterm()
        try:
            while True:
                self.stdout.write(json.dumps({"reminded": doc_request_deadline_reminders()}))
                if not every:
                    return
                time.sleep(every)
        except KeyboardInterrupt:  # Ctrl-C / SIGINT from scripts/run.sh: between rounds
            return
