"""A worker killed with SIGKILL in the middle of a batch loses nothing and files nothing twice.

Real processes on a file-based SQLite database under a fresh var/ directory (on every run,
also the PostgreSQL one; a PostgreSQL variant is still to do): migrate, then
``manage.py import_scans --wait`` is killed while it recognises pages, started again, killed
again while it files documents (when it gets that far), and started a last time.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


def _count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as connection:
            return connection.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _run_until(command, env, db, sql, threshold, timeout=120) -> int | None:
    """Start the command; SIGKILL it once ``sql`` counts ``threshold``; return its exit code."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if _count(db, sql) >= threshold:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return None
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
        pytest.fail("import_scans did not finish in time")
    return process.returncode


def test_kill_9_in_the_middle_of_a_batch(tmp_path):
    var = tmp_path / "var"
    # The processes get their own file-based SQLite deployment (the counts below read that
    # file while they run), also when the suite itself runs on PostgreSQL.
    env = {
        **{k: v for k, v in os.environ.items() if k != "AMTSBOTE_DATABASE_URL"},
        "AMTSBOTE_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "amtsbote.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "OMP_THREAD_LIMIT": "1",
    }
    subprocess.run([*RUN, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*RUN, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT)
    bg, sep = "BG-Nummer 96201BG0012345", sheets.patch_t_page()
    layout = [
        scans.letter("Kontoauszug", bg),
        scans.letter("Seite 2"),
        sep,
        scans.letter("Unbekannt", "12345BG7654321"),
        sep,
        scans.letter("Lohnabrechnung", bg),
        scans.letter("Seite 2"),
        scans.letter("Seite 3"),
        sep,
        scans.letter("Meldebescheinigung", bg),
    ]
    batch = tmp_path / "batch.pdf"
    batch.write_bytes(scans.image_pdf(*layout))
    db = var / "amtsbote.sqlite3"
    command = [*RUN, "import_scans", str(batch), "--jobcenter", "musterstadt", "--wait"]

    # 1. killed while pages are being recognised
    code = _run_until(command, env, db, "select count(*) from intake_scanpage", 3)
    assert code is None, "finished before it could be killed: make the batch longer"
    pages_before = _count(db, "select count(*) from intake_scanpage")
    assert 3 <= pages_before < len(layout)
    # 2. started again: resumes, killed once it files (it may also just finish)
    _run_until(command, env, db, "select count(*) from intake_intakedocument", 1)
    # 3. started a last time: finishes
    assert _run_until(command, env, db, "select 0", 1) == 0

    with sqlite3.connect(db) as connection:
        pages = connection.execute(
            'select idx, is_separator from (select "index" as idx, is_separator '
            "from intake_scanpage) order by idx"
        ).fetchall()
        docs = connection.execute(
            "select first_page, last_page, status, document_id from intake_intakedocument "
            "order by first_page"
        ).fetchall()
        documents = connection.execute("select count(*) from documents_document").fetchone()[0]
        versions = connection.execute(
            "select d.id, v.pages from documents_document d "
            "join documents_documentversion v on v.document_id = d.id"
        ).fetchall()
        file_status = connection.execute("select status from intake_scanfile").fetchall()
    assert [p[0] for p in pages] == list(range(len(layout)))  # every page exactly once
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
