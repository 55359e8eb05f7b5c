"""``manage.py clamd``: run a clamd of Amtsbote's own in the foreground.

For one machine without the distribution's clamd service (a container, ``make run``): the
config, socket and log live in ``$AMTSBOTE_VAR_DIR/clamd/``; the signatures are freshclam's
(``/var/lib/clamav``). Point Amtsbote at it with
``AMTSBOTE_CLAMD=$AMTSBOTE_VAR_DIR/clamd/clamd.sock`` (``scripts/run.sh`` does).
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.documents import clamd


class Command(BaseCommand):
    help = "Run clamd in the foreground with its socket in $AMTSBOTE_VAR_DIR/clamd/."
    requires_system_checks: list[str] = []  # the scanner check would only warn of itself

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database",
            type=Path,
            default=clamd.SYSTEM_DATABASE,
            help="signature directory (default: freshclam's /var/lib/clamav)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database: Path = options["database"]
        if not clamd.has_signatures(database):
            raise CommandError(
                f"No virus signatures in {database}: run freshclam (it needs ClamAV's mirror, "
                "database.clamav.net) or copy them there."
            )
        directory = Path(settings.VAR_DIR) / "clamd"
        try:
            process, socket_path, log = clamd.start(directory, database)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        # Stop clamd with us: SIGTERM and SIGINT are passed on.
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: process.terminate())
        try:
            clamd.wait_until_ready(process, socket_path, log, seconds=300)
        except RuntimeError as exc:
            process.terminate()
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"clamd ready on {socket_path} (log: {log})", ending="\n")
        self.stdout.flush()
        code = process.wait()
        if code not in (0, -signal.SIGTERM):
            raise CommandError(f"clamd exited with {code}; see {log}")
