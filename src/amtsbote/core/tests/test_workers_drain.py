"""Two workers on one PostgreSQL drain 1,000 tasks: none is lost, none done twice, also when
one of them is killed (SIGKILL) halfway.

Real processes (``manage.py worker`` with its heartbeat) against the test database, on
PostgreSQL only (the CI's second run): several workers are a PostgreSQL deployment; the
embedded default runs one (on SQLite the same test passes too, at 1½ minutes of CI). Each
task notes every start in a file of its own and does its work idempotently (creates its
result file once, like our tasks check their state first); the killed worker's task in
hand is handed back by ``tasks_recover`` and finished by the survivor.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from amtsbote.core.tasks_recovery import tasks_recover

from .workers import start_worker, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="several workers: a PostgreSQL deployment"
    ),
]

TASKS = 1000
TIMEOUT = 10  # seconds without a heartbeat (the workers beat every 0.5 s)


@task()
def numbered_task(number: int, marker_dir: str) -> int:
    """Notes the start (a file per start), then does its work once: the result file."""
    folder = Path(marker_dir)
    (folder / f"start-{number}-{os.getpid()}-{time.monotonic_ns()}").touch()
    time.sleep(0.002)  # a little work, so that a kill can land inside a task
    try:
        with open(folder / f"done-{number}", "x") as done:
            done.write(str(os.getpid()))
    except FileExistsError:
        pass  # run again after its worker died: the work is there already
    return number


def _done(folder: Path) -> int:
    return sum(1 for _ in folder.glob("done-*"))


def test_two_workers_drain_a_thousand_tasks_and_survive_a_kill(database_tasks, tmp_path):
    results = [numbered_task.enqueue(number, str(tmp_path)) for number in range(TASKS)]
    first = start_worker("drain-a")
    second = start_worker("drain-b")
    try:
        wait_for(lambda: _done(tmp_path) >= TASKS // 3, "a third of the tasks", first)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = _done(tmp_path)
        # What the dead worker held goes back to the queue once its heartbeat is older than
        # the timeout (the survivor keeps beating), as ``tasks_recover --every`` does.
        recovered: list[str] = []

        def drained() -> bool:
            recovered.extend(tasks_recover(timeout=TIMEOUT))
            return not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()

        wait_for(drained, "every task to end", second)
    finally:
        for process in (first, second):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)

    assert TASKS // 3 <= killed_at < TASKS  # killed halfway, not before or after
    rows = DBTaskResult.objects.filter(id__in=[result.id for result in results])
    assert rows.count() == TASKS
    assert set(rows.values_list("status", flat=True)) == {"SUCCESSFUL"}
    returned = [int(str(value)) for value in rows.values_list("return_value", flat=True)]
    assert sorted(returned) == list(range(TASKS))
    # Work: every task's result exactly once (files are unique by name: count the names).
    assert sorted(int(p.name.split("-")[1]) for p in tmp_path.glob("done-*")) == list(range(TASKS))
    # Runs: each task started once, except those the killed worker had in hand, which ran
    # once more on the survivor (at most one: a worker runs one task at a time).
    starts: dict[int, list[str]] = {}
    for marker in tmp_path.glob("start-*"):
        _, number, pid, _ns = marker.name.split("-")
        starts.setdefault(int(number), []).append(pid)
    assert sorted(starts) == list(range(TASKS))
    twice = {number: pids for number, pids in starts.items() if len(pids) > 1}
    assert len(twice) <= 1
    for number, pids in twice.items():
        assert sorted(pids) == sorted([str(first.pid), str(second.pid)]), number
        assert DBTaskResult.objects.get(id__in=recovered).return_value == number
    # Both workers took part; no task was taken by both while both lived.
    workers = {tuple(ids) for ids in rows.values_list("worker_ids", flat=True)}
    assert ("drain-a",) in workers and ("drain-b",) in workers
    assert workers <= {("drain-a",), ("drain-b",), ("drain-a", "drain-b")}
    assert len(recovered) == len(twice) or (len(recovered) == 1 and not twice)
