"""Tasks of a killed worker run again: worker heartbeats and the recovery of stale tasks.

django-tasks' database worker marks a task RUNNING when it takes it and SUCCESSFUL or FAILED
when it ends. A worker killed in between (``kill -9``, out of memory, power loss) leaves the
task RUNNING for ever. ``manage.py worker`` therefore runs the same worker with a heartbeat
(a row per worker, refreshed every few seconds), and ``tasks_recover`` puts every RUNNING
task whose worker has not beaten for ``TASKS_WORKER_TIMEOUT_SECONDS`` back to READY, so
that another worker runs it again.

That makes every task *at least once*: a task may run again after it did part (or, killed
just before its result was saved, all) of its work. Each task of Amtsbote is written to be
safe to run twice; what "again" means per task:

- ``documents.document_version_ocr``: skips versions whose text is done; OCR again
  otherwise. No duplicate.
- ``intake.scan_file_process`` / ``scan_files_process``: resumes per page (pages and
  documents already filed are kept and not filed twice).
- ``notifications.send_email_notification``: skips notifications marked sent. Killed between
  the SMTP server's "accepted" and the database update, the mail is sent a second time
  (SMTP has no idempotency key) — the one duplicate at-least-once allows.
- ``postbox.send_letter_notification``: as the e-mail above; the letter's evidence (sent at,
  Bekanntgabe) is recorded once, under a row lock.
- ``records`` tasks: removing files of a disposal and executing an approved proposal check
  the state first; removing a file that is gone already is not an error.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amtsbote.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

RUNNING = "RUNNING"
READY = "READY"


def worker_timeout() -> float:
    """Seconds without a heartbeat after which a worker counts as dead (default 120)."""
    return float(getattr(settings, "TASKS_WORKER_TIMEOUT_SECONDS", 120))


def heartbeat_beat(worker_id: str, *, now: dt.datetime | None = None) -> None:
    """The worker ``worker_id`` is alive now."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "beat_at": now,
            },
        )


def heartbeat_stop(worker_id: str) -> None:
    """The worker ended cleanly: it runs nothing any more."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


class Heartbeat:
    """Beats for ``worker_id`` every ``interval`` seconds in a thread of its own."""

    def __init__(self, worker_id: str, *, interval: float) -> None:
        self.worker_id = worker_id
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def start(self) -> None:
        heartbeat_beat(self.worker_id)  # before the first task is taken
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 10)
        heartbeat_stop(self.worker_id)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    heartbeat_beat(self.worker_id)
                except Exception:  # a locked or unreachable database: try again next beat
                    logger.exception("worker heartbeat failed")
                    connections.close_all()
        finally:
            connections.close_all()


def tasks_recover(*, timeout: float | None = None, now: dt.datetime | None = None) -> list[str]:
    """Put RUNNING tasks of dead workers back to READY; return their ids.

    A worker is dead when its heartbeat is older than ``timeout`` seconds or missing (a
    worker killed before its first beat, or a plain ``db_worker`` without heartbeat). A task
    is only taken back once it has been running for ``timeout`` seconds, so a worker that
    just started is never robbed. A dead worker that comes back to life and finishes the
    task anyway makes the task run twice — which every task allows (see above).
    """
    timeout = worker_timeout() if timeout is None else timeout
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=timeout)
    alive = set(
        WorkerHeartbeat.objects.filter(beat_at__gt=cutoff).values_list("worker_id", flat=True)
    )
    recovered: list[str] = []
    running = DBTaskResult.objects.filter(status=RUNNING, started_at__lte=cutoff)
    rows = running.values_list("id", "worker_ids", "started_at", "task_path")
    for task_id, worker_ids, started_at, task_path in rows:
        worker = worker_ids[-1] if worker_ids else ""
        if worker in alive:
            continue
        with transaction.atomic():
            # Only if still the same run (it may have finished or been taken again meanwhile).
            changed = DBTaskResult.objects.filter(
                id=task_id, status=RUNNING, started_at=started_at
            ).update(status=READY)
        if changed:
            recovered.append(str(task_id))
            logger.warning(
                "task %s (%s) of dead worker %s handed back to the queue",
                task_id,
                task_path,
                worker or "?",
            )
    # Heartbeats of workers dead long ago are of no use any more.
    WorkerHeartbeat.objects.filter(beat_at__lte=now - dt.timedelta(days=1)).delete()
    return recovered
