"""A real clamd for the tests: its own config, socket and a tiny signature database.

The database holds only test signatures for the EICAR test file (an MD5 hash signature and
a body signature), written at start; no download. `make test` installs clamav-daemon
(``scripts/install-system-deps.sh --test``).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from amtsbote.documents.antivirus import Clamd, ClamdUnavailable

SIGNATURE = "Amtsbote.Test.EICAR"


def eicar() -> bytes:
    """The EICAR anti-virus test file, put together at run time (no virus in the repository)."""
    return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/bin/clamd") if Path(p).exists()), None
    )


@dataclass
class ClamdServer:
    process: subprocess.Popen[bytes]
    address: str
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(directory: Path, *, wait_seconds: float = 60) -> ClamdServer:
    """Start clamd in the foreground on a socket in ``directory``; wait for PONG."""
    binary = clamd_binary()
    if binary is None:
        raise RuntimeError(
            "clamd not found: `make test` installs it (scripts/install-system-deps.sh --test)"
        )
    database = directory / "db"
    database.mkdir(parents=True, exist_ok=True)
    sample = eicar()
    (database / "amtsbote-test.hdb").write_text(
        f"{hashlib.md5(sample).hexdigest()}:{len(sample)}:{SIGNATURE}\n"  # noqa: S324
    )
    (database / "amtsbote-test.ndb").write_text(f"{SIGNATURE}.Body:0:*:{sample.hex()}\n")
    socket_path = directory / "clamd.sock"
    log = directory / "clamd.log"
    config = directory / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {socket_path}",
                f"DatabaseDirectory {database}",
                f"LogFile {log}",
                # Uploads are at most a few ten MB; 100 MB streams are refused before.
                "StreamMaxLength 120M",
                "MaxFileSize 120M",
                "MaxScanSize 400M",
                "",
            ]
        )
    )
    process = subprocess.Popen(
        [binary, "--config-file", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = ClamdServer(process, str(socket_path), log)
    client = Clamd(str(socket_path), timeout=5)
    deadline = time.monotonic() + wait_seconds
    while True:
        if process.poll() is not None:
            text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"clamd exited with {process.returncode}: {text}")
        try:
            if socket_path.exists() and client.ping():
                return server
        except ClamdUnavailable:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"clamd did not answer PING within {wait_seconds} s")
        time.sleep(0.1)
