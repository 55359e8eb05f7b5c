"""Send reminders for unread letters and move long-unread ones to paper.

Run it periodically (``scripts/run.sh`` runs it with ``--every``); it is safe to run any
number of times.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from amtsbote.core.processes import stop_on_sigint_and_sigterm
from amtsbote.postbox.services import postbox_sweep


class Command(BaseCommand):
    help = "Remind about unread letters in the postbox and move long-unread ones to paper."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            nargs="?",
            const=settings.POSTBOX_SWEEP_INTERVAL_SECONDS,
            default=None,
            help="Keep running, one sweep every N seconds (default from the settings).",
        )

    def handle(self, *args: Any, every: int | None = None, **options: Any) -> None:
        stop_on_sigint_and_sigterm()
        try:
            while True:
                result = postbox_sweep()
                self.stdout.write(json.dumps(result))
                if not every:
                    return
                time.sleep(every)
        except KeyboardInterrupt:  # Ctrl-C / SIGINT from scripts/run.sh: between sweeps
            return
