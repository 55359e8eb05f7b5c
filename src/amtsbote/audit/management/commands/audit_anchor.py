"""``manage.py audit_anchor``: append the newest audit event's hash to the anchor file."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from amtsbote.audit.anchors import anchor_path, anchor_write
from amtsbote.core.processes import stop_on_sigint_and_sigterm

logger = logging.getLogger("amtsbote.audit.anchor")


class Command(BaseCommand):
    help = (
        "Append the newest audit event (id, hash, count) to the anchor file outside the "
        "database (AMTSBOTE_AUDIT_ANCHOR_FILE); keep that file on other storage."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="anchor file (default: the setting)")
        parser.add_argument(
            "--every",
            type=int,
            nargs="?",
            const=0,
            metavar="SECONDS",
            help="keep running and anchor every N seconds (default AMTSBOTE_AUDIT_ANCHOR_SECONDS); "
            "a line is written only when events were added",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or anchor_path()
        every = options["every"]
        if every == 0:
            every = settings.AUDIT_ANCHOR_SECONDS
        if every is not None:
            stop_on_sigint_and_sigterm()
        try:
            while True:
                self._anchor(path)
                if every is None:
                    return
                time.sleep(every)
        except KeyboardInterrupt:  # stopped by scripts/run.sh, between anchors
            return

    def _anchor(self, path: Path) -> None:
        anchor = anchor_write(path)
        if anchor is None:
            self.stdout.write("no audit events yet, nothing to anchor")
            return
        # Also to the log: with the log shipped off the machine, that is a second copy.
        logger.info("audit anchor %s", anchor.line())
        self.stdout.write(
            f"anchored event {anchor.event_id} ({anchor.count} events) {anchor.hash} in {path}"
        )
