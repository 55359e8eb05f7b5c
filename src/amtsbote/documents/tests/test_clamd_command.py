"""``manage.py clamd`` runs a real clamd of our own that finds the EICAR test file."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from amtsbote.documents.antivirus import Clamd, Verdict

from .clamd_server import SIGNATURE, eicar

MANAGE = Path(settings.PROJECT_DIR) / "manage.py"


def test_the_command_serves_until_stopped_and_refuses_without_signatures(tmp_path):
    database = tmp_path / "signatures"
    database.mkdir()
    sample = eicar()
    (database / "test.hdb").write_text(
        f"{hashlib.md5(sample).hexdigest()}:{len(sample)}:{SIGNATURE}\n"  # noqa: S324
    )
    env = {**os.environ, "AMTSBOTE_VAR_DIR": str(tmp_path / "var")}
    process = subprocess.Popen(
        [sys.executable, str(MANAGE), "clamd", "--database", str(database)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until clamd answered PING
        socket_path = tmp_path / "var" / "clamd" / "clamd.sock"
        assert f"clamd ready on {socket_path}" in line
        result = Clamd(str(socket_path), timeout=10).scan_bytes(sample)
        assert result.verdict == Verdict.FOUND and SIGNATURE in (result.signature or "")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _clamd_running(tmp_path):
        time.sleep(0.1)
    assert not _clamd_running(tmp_path)  # clamd went with the command

    empty = subprocess.run(
        [sys.executable, str(MANAGE), "clamd", "--database", str(tmp_path / "none")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert empty.returncode == 1 and "No virus signatures" in empty.stderr


def _clamd_running(tmp_path: Path) -> bool:
    found = subprocess.run(
        ["pgrep", "-f", str(tmp_path / "var" / "clamd" / "clamd.conf")],
        capture_output=True,
        check=False,
    )
    return found.returncode == 0
