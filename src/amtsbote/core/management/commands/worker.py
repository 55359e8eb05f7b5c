"""``manage.py worker``: django-tasks' ``db_worker`` with a heartbeat.

Takes every option of ``db_worker``. While it runs, a thread records every
``--heartbeat`` seconds (default: a quarter of ``TASKS_WORKER_TIMEOUT_SECONDS``) that this
worker is alive; ``manage.py tasks_recover`` hands the running tasks of a worker whose
heartbeat stopped back to the queue. A worker that ends cleanly removes its heartbeat.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from amtsbote.core.tasks_recovery import Heartbeat, worker_timeout


class Command(db_worker.Command):
    help = "Run the task worker (db_worker) with a heartbeat: its tasks are recovered if it dies."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat",
            type=float,
            default=None,
            help="seconds between heartbeats (default: TASKS_WORKER_TIMEOUT_SECONDS / 4)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options.pop("heartbeat") or max(1.0, worker_timeout() / 4)
        heartbeat = Heartbeat(options["worker_id"], interval=interval)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
