"""``manage.py tasks_recover [--every [SECONDS]]``: run again the tasks of dead workers.

A task still RUNNING on a worker whose heartbeat stopped for ``TASKS_WORKER_TIMEOUT_SECONDS``
(``--timeout``) goes back to READY, and a worker runs it again (every task is safe to run
twice). Once by default; with ``--every`` in a loop (default: every half timeout) until
Ctrl-C. With ``--writes`` it also runs ``recover_writes`` every ten minutes.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from amtsbote.core.processes import stop_on_sigint_and_sigterm
from amtsbote.core.tasks_recovery import tasks_recover, worker_timeout

WRITES_EVERY_SECONDS = 600


class Command(BaseCommand):
    help = "Hand the running tasks of dead workers back to the queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=float,
            nargs="?",
            const=0.0,
            default=None,
            help="repeat every SECONDS (default: half the timeout) until stopped",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help="seconds without heartbeat after which a worker is dead "
            "(default: TASKS_WORKER_TIMEOUT_SECONDS)",
        )

        parser.add_argument(
            "--writes",
            action="store_true",
            help="also run `recover_writes` (files of interrupted writes) every "
            f"{WRITES_EVERY_SECONDS // 60} minutes",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        timeout = worker_timeout() if options["timeout"] is None else options["timeout"]
        every = options["every"]
        if every is not None and every <= 0:
            every = max(1.0, timeout / 2)
        writes_at = time.monotonic()
        if every is not None:
            stop_on_sigint_and_sigterm()
        try:
            while True:
                recovered = tasks_recover(timeout=timeout)
                if recovered:
                    self.stdout.write(f"re-queued {len(recovered)} task(s) of dead workers")
                if options["writes"] and time.monotonic() >= writes_at:
                    writes_at = time.monotonic() + WRITES_EVERY_SECONDS
                    # It keeps files of writes still in progress (its own grace period).
                    call_command("recover_writes", stdout=self.stdout, stderr=self.stderr)
                if every is None:
                    return
                close_old_connections()
                time.sleep(every)
        except KeyboardInterrupt:
            return
