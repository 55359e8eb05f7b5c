"""Real ``manage.py worker`` processes against the test database, for the task tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

WAIT_SECONDS = 120  # an upper bound for slow machines, never a timed assertion


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


def start_worker(worker_id: str, *extra: str) -> subprocess.Popen:
    """A worker whose log goes to a file (``worker_log``): a pipe nobody reads fills up
    after a few hundred tasks and blocks the worker in the middle of logging."""
    env = {
        **os.environ,
        "AMTSBOTE_DATABASE_URL": _database_url(),
        "AMTSBOTE_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    with tempfile.NamedTemporaryFile(prefix=f"{worker_id}-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(
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
            stderr=log,
        )
    process.log_path = log.name  # type: ignore[attr-defined]
    return process


def worker_log(process: subprocess.Popen) -> str:
    return Path(process.log_path).read_text(errors="replace")  # type: ignore[attr-defined]


def wait_for(condition, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"worker ended while waiting for {what}: {worker_log(process)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)
