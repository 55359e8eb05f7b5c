"""A real clamd for the tests: its own config, socket and a tiny signature database.

The database holds only test signatures for the EICAR test file (an MD5 hash signature and
a body signature), written at start; no download. `make test` installs clamav-daemon
(``scripts/install-system-deps.sh --test``).
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from amtsbote.documents import clamd

SIGNATURE = "Amtsbote.Test.EICAR"


def eicar() -> bytes:
    """The EICAR anti-virus test file, put together at run time (no virus in the repository)."""
    return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


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
    database = directory / "db"
    database.mkdir(parents=True, exist_ok=True)
    sample = eicar()
    (database / "amtsbote-test.hdb").write_text(
        f"{hashlib.md5(sample).hexdigest()}:{len(sample)}:{SIGNATURE}\n"  # noqa: S324
    )
    (database / "amtsbote-test.ndb").write_text(f"{SIGNATURE}.Body:0:*:{sample.hex()}\n")
    process, socket_path, log = clamd.start(directory, database)
    server = ClamdServer(process, str(socket_path), log)
    try:
        clamd.wait_until_ready(process, socket_path, log, seconds=wait_seconds)
    except RuntimeError:
        server.stop()
        raise
    return server
