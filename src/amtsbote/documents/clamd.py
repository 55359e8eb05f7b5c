"""Running a clamd of our own: its config, socket and log in one directory.

Used by ``manage.py clamd`` (``scripts/run.sh`` starts it when no clamd is configured and
virus signatures are on the machine) and by the tests (a clamd with a test signature
database). In production clamd is usually the distribution's service instead
(``systemctl enable --now clamav-daemon``), found at ``AMTSBOTE_CLAMD``.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from .antivirus import Clamd, ClamdUnavailable

SYSTEM_DATABASE = Path("/var/lib/clamav")


def binary() -> str | None:
    return shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/bin/clamd") if Path(p).exists()), None
    )


def has_signatures(database: Path = SYSTEM_DATABASE) -> bool:
    """Whether ``database`` holds signatures clamd can load (freshclam's .cvd/.cld files)."""
    return database.is_dir() and any(
        path.suffix in {".cvd", ".cld", ".hdb", ".ndb"} for path in database.iterdir()
    )


def write_config(directory: Path, database: Path) -> tuple[Path, Path, Path]:
    """clamd.conf for a clamd in the foreground; returns (config, socket, log)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    socket_path, log, config = (
        directory / "clamd.sock",
        directory / "clamd.log",
        directory / "clamd.conf",
    )
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {socket_path}",
                "LocalSocketMode 600",
                f"DatabaseDirectory {database}",
                f"LogFile {log}",
                # Uploads are refused above 100 MB before they reach clamd.
                "StreamMaxLength 120M",
                "MaxFileSize 120M",
                "MaxScanSize 400M",
                "",
            ]
        )
    )
    return config, socket_path, log


def start(directory: Path, database: Path) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """Start clamd in the foreground with its config in ``directory``."""
    program = binary()
    if program is None:
        raise RuntimeError("clamd not found: scripts/install-system-deps.sh installs clamav-daemon")
    config, socket_path, log = write_config(directory, database)
    process = subprocess.Popen(
        [program, "--config-file", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, socket_path, log


def wait_until_ready(
    process: subprocess.Popen[bytes], socket_path: Path, log: Path, *, seconds: float
) -> None:
    """Wait for PONG; clamd loads its signatures first (the full set takes ~20 s, ~1 GB)."""
    client = Clamd(str(socket_path), timeout=5)
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"clamd exited with {process.returncode}: {text}")
        try:
            if socket_path.exists() and client.ping():
                return
        except ClamdUnavailable:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"clamd did not answer PING within {seconds:.0f} s")
        time.sleep(0.1)
