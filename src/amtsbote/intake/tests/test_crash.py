"""A worker killed with SIGKILL in the middle of a batch loses nothing and files nothing twice.

Real processes on a deployment of their own (a fresh var/ directory, and a file-based SQLite
database or, when the suite runs on PostgreSQL, a PostgreSQL database made for the test):

* ``manage.py import_scans --wait`` is killed while it recognises pages, started again,
  killed again while it files documents (when it gets that far), and started a last time;
* the task worker (``manage.py db_worker``) is killed while it processes a batch that
  ``import_scans`` handed to it; ``manage.py consume`` hands the interrupted file to the
  worker again (as it does at every start) and a new worker finishes it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from amtsbote.intake import sheets
from amtsbote.intake.tests import scans

ROOT = Path(__file__).resolve().parents[4]
RUN = [sys.executable, str(Path(__file__).with_name("run_manage.py"))]
SETUP = """
from amtsbote.cases.tests.factories import CaseFactory, JobcenterFactory
jc = JobcenterFactory(slug="musterstadt", name="Jobcenter Musterstadt", state="NW",
                      team_names=["Leistung"])
CaseFactory(jobcenter=jc, bg_number="96201BG0012345")
"""


class Deployment:
    """A var/ directory and a database of its own; ``count`` reads it while processes run."""

    def __init__(self, var: Path, database_url: str | None, clamd_address: str) -> None:
        self.var, self.database_url = var, database_url
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "AMTSBOTE_DATABASE_URL"},
            "AMTSBOTE_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "amtsbote.settings",
            "PYTHONPATH": str(ROOT / "src"),
            "OMP_THREAD_LIMIT": "1",
            "AMTSBOTE_INTAKE_STALE_MINUTES": "0",
            "AMTSBOTE_CLAMD": clamd_address,  # the suite's clamd scans the imported files
        }
        if database_url:
            self.env["AMTSBOTE_DATABASE_URL"] = database_url

    def manage(self, *args: str) -> None:
        subprocess.run([*RUN, *args], env=self.env, check=True, cwd=ROOT)

    def count(self, sql: str) -> int:
        try:
            return self.rows(sql)[0][0]
        except Exception:  # the schema may not be there yet, or the file is being written
            return 0

    def rows(self, sql: str) -> list[tuple]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as connection:
                return connection.execute(sql).fetchall()
        db = self.var / "amtsbote.sqlite3"
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture
def deployment(tmp_path, clamd) -> Iterator[Deployment]:
    """On the database the suite runs on: SQLite, or a fresh PostgreSQL database."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield Deployment(tmp_path / "var", None, clamd.address)
        return
    import psycopg

    params = settings.DATABASES["default"]
    name = f"amtsbote_crash_{uuid.uuid4().hex[:12]}"
    server = (
        f"postgres://{params['USER']}:{params.get('PASSWORD') or ''}@"
        f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}"
    )
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Deployment(tmp_path / "var", f"{server}/{name}", clamd.address)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in found.split()]


def _gone(pid: int) -> bool:
    """Whether a process has ended (a zombie nobody reaps counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in ("Z", "X")


def _run_until(
    command, deployment, sql, threshold, timeout=180, children: list[int] | None = None
) -> int | None:
    """Start the command; SIGKILL it once ``sql`` counts ``threshold``; return its exit code.
    ``children`` receives the pids of the processes it had started when it was killed."""
    process = subprocess.Popen(
        command, env=deployment.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if deployment.count(sql) >= threshold:
            if children is not None:
                children.extend(_children(process.pid))
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return None
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
        process.wait()
        pytest.fail(f"{command[2:4]} did not finish in time")
    return process.returncode


BG, SEP = "BG-Nummer 96201BG0012345", None


def _layout():
    sep = sheets.patch_t_page()
    return [
        scans.letter("Kontoauszug", BG),
        scans.letter("Seite 2"),
        sep,
        scans.letter("Unbekannt", "12345BG7654321"),
        sep,
        scans.letter("Lohnabrechnung", BG),
        scans.letter("Seite 2"),
        scans.letter("Seite 3"),
        sep,
        scans.letter("Meldebescheinigung", BG),
    ]


def _prepare(deployment: Deployment, tmp_path: Path) -> tuple[Path, int]:
    deployment.manage("migrate", "--noinput", "-v0")
    deployment.manage("shell", "-c", SETUP)
    layout = _layout()
    batch = tmp_path / "batch.pdf"
    batch.write_bytes(scans.image_pdf(*layout))
    return batch, len(layout)


def _assert_every_page_once(deployment: Deployment, page_count: int) -> None:
    pages = deployment.rows('select "index", is_separator from intake_scanpage order by "index"')
    docs = deployment.rows(
        "select first_page, last_page, status, document_id from intake_intakedocument "
        "order by first_page"
    )
    documents = deployment.count("select count(*) from documents_document")
    versions = deployment.rows(
        "select d.id, v.pages from documents_document d "
        "join documents_documentversion v on v.document_id = d.id"
    )
    file_status = deployment.rows("select status from intake_scanfile")
    assert [p[0] for p in pages] == list(range(page_count))  # every page exactly once
    covered = [i for first, last, _s, _d in docs for i in range(first, last + 1)]
    content = [i for i, separator in pages if not separator]
    assert sorted(covered) == content  # each content page in exactly one document
    assert [(f, la, s) for f, la, s, _d in docs] == [
        (0, 1, "filed"),
        (3, 3, "triage"),
        (5, 7, "filed"),
        (9, 9, "filed"),
    ]
    assert documents == 3 and len(versions) == 3
    assert sorted(p for _id, p in versions) == [1, 2, 3]
    assert file_status == [("done",)]


def test_import_killed_in_the_middle_of_a_batch(deployment, tmp_path):
    batch, page_count = _prepare(deployment, tmp_path)
    command = [*RUN, "import_scans", str(batch), "--jobcenter", "musterstadt", "--wait"]

    # 1. killed while pages are being recognised
    code = _run_until(command, deployment, "select count(*) from intake_scanpage", 3)
    assert code is None, "finished before it could be killed: make the batch longer"
    pages_before = deployment.count("select count(*) from intake_scanpage")
    assert 3 <= pages_before < page_count
    # 2. started again: resumes, killed once it files (it may also just finish)
    _run_until(command, deployment, "select count(*) from intake_intakedocument", 1)
    # 3. started a last time: finishes
    assert _run_until(command, deployment, "select 0", 1) == 0

    _assert_every_page_once(deployment, page_count)


def test_worker_killed_in_the_middle_of_a_batch(deployment, tmp_path):
    batch, page_count = _prepare(deployment, tmp_path)
    deployment.manage("import_scans", str(batch), "--jobcenter", "musterstadt")  # → tasks
    worker = [*RUN, "db_worker", "--no-startup-delay", "--interval", "0.2"]

    # 1. the worker dies (SIGKILL) while it recognises the batch's pages
    orphans: list[int] = []
    code = _run_until(
        worker, deployment, "select count(*) from intake_scanpage", 3, children=orphans
    )
    assert code is None, "finished before it could be killed: make the batch longer"
    # Its OCR processes notice and stop, instead of waiting for pages for ever.
    assert orphans, "the worker had started no OCR processes"
    deadline = time.monotonic() + 15
    while not all(_gone(pid) for pid in orphans) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(_gone(pid) for pid in orphans), "OCR processes outlived their worker"
    assert deployment.count("select count(*) from intake_scanpage") < page_count
    # Its task stays "running" for ever: nothing would finish the file without a hand-over.
    assert deployment.count("select count(*) from intake_scanfile where status = 'done'") == 0

    # 2. consume (at every start) hands interrupted files to the worker again
    deployment.manage("consume", "--once")
    # 3. a new worker finishes the batch (--batch: it stops when the queue is empty)
    assert _run_until([*worker, "--batch"], deployment, "select 0", 1) == 0

    _assert_every_page_once(deployment, page_count)
