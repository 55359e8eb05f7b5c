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
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from amtsbote.core.models import WorkerHeartbeat
from amtsbote.core.tasks_recovery import heartbeat_beat, tasks_recover

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 120  # an upper bound for slow machines, never a timed assertion


@task()
def blocking_task(marker_dir: str) -> str:
    """Notes each start, waits until the test releases it, notes the end."""
    folder = Path(marker_dir)
    (folder / f"start-{os.getpid()}").touch()
    while not (folder / "release").exists():
        time.sleep(0.05)
    (folder / f"done-{os.getpid()}").touch()
    return "done"


def _manage_py() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "manage.py").exists():
            return parent / "manage.py"
    raise RuntimeError("manage.py not found")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(worker_id: str, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "AMTSBOTE_DATABASE_URL": _database_url(),
        "AMTSBOTE_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    return subprocess.Popen(
        [
            sys.executable,
            str(_manage_py()),
            "worker",
            "--worker-id",
            worker_id,
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
            "--heartbeat",
            "0.5",
            *extra,
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"worker ended while waiting for {what}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_a_killed_workers_task_runs_again_once_on_another_worker(database_tasks, tmp_path):
    result = blocking_task.enqueue(str(tmp_path))
    first = _worker("worker-a")
    try:
        _wait_for(lambda: list(tmp_path.glob("start-*")), "the task to start", first)
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
    second = _worker("worker-b", "--batch")
    try:
        second.wait(timeout=WAIT_SECONDS)
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
            second.wait()
    assert second.returncode == 0, second.stderr.read()

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
