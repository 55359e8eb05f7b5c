"""A task whose worker is killed (SIGKILL) runs again, once, on another worker.

Real processes: ``manage.py worker`` runs in a subprocess against the test database (the
database task backend, not the ImmediateBackend of the other tests), a task blocks on a
file, the worker's process group is killed, ``tasks_recover`` hands the task back, and a
second worker runs it to the end.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from amtsbote.core.models import WorkerHeartbeat
from amtsbote.core.tasks_recovery import heartbeat_beat, tasks_recover

from .workers import WAIT_SECONDS, start_worker, wait_for, worker_log

pytestmark = pytest.mark.django_db(transaction=True)


@task()
def blocking_task(marker_dir: str) -> str:
    """Notes each start, waits until the test releases it, notes the end."""
    folder = Path(marker_dir)
    (folder / f"start-{os.getpid()}").touch()
    while not (folder / "release").exists():
        time.sleep(0.05)
    (folder / f"done-{os.getpid()}").touch()
    return "done"


def test_a_killed_workers_task_runs_again_once_on_another_worker(database_tasks, tmp_path):
    result = blocking_task.enqueue(str(tmp_path))
    first = start_worker("worker-a")
    try:
        wait_for(lambda: list(tmp_path.glob("start-*")), "the task to start", first)
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "RUNNING"
        assert row.worker_ids == ["worker-a"]

        # While its worker beats, a long-running task is left alone.
        DBTaskResult.objects.filter(pk=result.id).update(
            started_at=timezone.now() - dt.timedelta(hours=1)
        )
        heartbeat_beat("worker-a")
        assert tasks_recover(timeout=60) == []
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()

    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"  # lost without recovery
    assert tasks_recover(timeout=60) == []  # the heartbeat is still fresh
    later = timezone.now() + dt.timedelta(seconds=61)
    assert tasks_recover(timeout=60, now=later) == [str(result.id)]
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
    assert tasks_recover(timeout=60, now=later) == []  # nothing twice

    (tmp_path / "release").touch()
    second = start_worker("worker-b", "--batch")
    try:
        second.wait(timeout=WAIT_SECONDS)
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
            second.wait()
    assert second.returncode == 0, worker_log(second)

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value == "done"
    assert row.worker_ids == ["worker-a", "worker-b"]
    starts = sorted(p.name for p in tmp_path.glob("start-*"))
    dones = sorted(p.name for p in tmp_path.glob("done-*"))
    assert len(starts) == 2  # once on the killed worker, once more on the new one
    assert dones == [f"done-{second.pid}"]
    # A worker that ends cleanly takes its heartbeat along; the killed one's stays behind.
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"worker-a"}


def test_a_task_of_a_worker_without_heartbeat_is_recovered_after_the_timeout(database_tasks):
    """A plain ``db_worker`` (no heartbeat) that died: its task comes back after the timeout."""
    result = blocking_task.enqueue("/nonexistent")
    started = timezone.now()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=started, worker_ids=["plain"]
    )
    assert tasks_recover(timeout=120, now=started + dt.timedelta(seconds=119)) == []
    assert tasks_recover(timeout=120, now=started + dt.timedelta(seconds=121)) == [str(result.id)]


def test_finished_and_waiting_tasks_are_not_touched(database_tasks):
    done = blocking_task.enqueue("/nonexistent")
    waiting = blocking_task.enqueue("/nonexistent")
    DBTaskResult.objects.filter(pk=done.id).update(
        status="SUCCESSFUL", started_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert tasks_recover(timeout=1, now=timezone.now() + dt.timedelta(hours=1)) == []
    assert DBTaskResult.objects.get(pk=done.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=waiting.id).status == "READY"


def test_the_command_recovers_once(database_tasks):
    from io import StringIO

    from django.core.management import call_command

    result = blocking_task.enqueue("/nonexistent")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        started_at=timezone.now() - dt.timedelta(seconds=5),
        worker_ids=["gone"],
    )
    out = StringIO()
    call_command("tasks_recover", "--timeout", "1", stdout=out)
    assert out.getvalue().strip() == "re-queued 1 task(s) of dead workers"
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
