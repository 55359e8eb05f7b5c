"""Virus scanning of received files by ClamAV's daemon (clamd), over its socket.

A small client of the clamd protocol (``man clamd``): ``zPING``, ``zVERSION`` and
``zINSTREAM`` (the file sent in chunks, each prefixed by its length as a 4-byte big-endian
number, ended by a zero-length chunk). No file is written to disk for the scan.

Settings: ``ANTIVIRUS`` (``on``, the default, or ``off``) and ``ANTIVIRUS_CLAMD`` (a UNIX
socket path, ``unix:/path``, ``host:port`` or ``tcp://host:port``; default Debian's
``/var/run/clamav/clamd.ctl``), ``ANTIVIRUS_TIMEOUT_SECONDS``. Scanning fails closed: when it
is on and clamd cannot be reached, uploads are refused, never accepted unscanned. Only
``AMTSBOTE_ANTIVIRUS=off`` accepts files unscanned (``manage.py check --deploy`` reports that
as an error).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.core.exceptions import UnsupportedUpload

logger = logging.getLogger(__name__)

DEFAULT_CLAMD = "/var/run/clamav/clamd.ctl"
CHUNK = 64 * 1024


class Verdict(StrEnum):
    CLEAN = "clean"
    FOUND = "found"
    ERROR = "error"


@dataclass(frozen=True)
class ScanResult:
    """What clamd said: clean, a finding (``signature``), or an error (``detail``)."""

    verdict: Verdict
    signature: str = ""
    detail: str = ""


class ClamdUnavailable(OSError):
    """clamd could not be reached or answered nonsense."""


_OWN_FILES: contextvars.ContextVar[bool] = contextvars.ContextVar("own_files", default=False)


@contextlib.contextmanager
def own_files_only() -> Iterator[None]:
    """For code that feeds the upload paths with files Amtsbote generated itself (the demo data):
    no scan inside. Everything else is checked as usual."""
    token = _OWN_FILES.set(True)
    try:
        yield
    finally:
        _OWN_FILES.reset(token)


def enabled() -> bool:
    if _OWN_FILES.get():
        return False
    return str(getattr(settings, "ANTIVIRUS", "on")).strip().lower() not in {"off", "0", "no"}


def address() -> str:
    return str(getattr(settings, "ANTIVIRUS_CLAMD", "") or DEFAULT_CLAMD)


def timeout() -> float:
    return float(getattr(settings, "ANTIVIRUS_TIMEOUT_SECONDS", 60))


class Clamd:
    """A clamd at ``address`` (UNIX socket path or host:port); one connection per command."""

    def __init__(self, address: str, *, timeout: float = 60.0) -> None:
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        target = self.address.strip()
        try:
            if target.startswith("unix:"):
                target = target[len("unix:") :]
            if target.startswith("/") or target.startswith("."):
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                try:
                    sock.connect(target)
                except BaseException:
                    sock.close()
                    raise
                return sock
            if target.startswith("tcp://"):
                target = target[len("tcp://") :]
            host, _sep, port = target.rpartition(":")
            if not host or not port.isdigit():
                raise ClamdUnavailable(f"not a socket path or host:port: {self.address!r}")
            return socket.create_connection((host.strip("[]"), int(port)), timeout=self.timeout)
        except OSError as exc:
            if isinstance(exc, ClamdUnavailable):
                raise
            raise ClamdUnavailable(f"clamd at {self.address}: {exc}") from exc

    @staticmethod
    def _read_reply(sock: socket.socket) -> str:
        parts = []
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            parts.append(chunk)
            if chunk.endswith(b"\0"):
                break
        return b"".join(parts).rstrip(b"\0").decode("utf-8", "replace").strip()

    def _command(self, command: bytes) -> str:
        try:
            with self._connect() as sock:
                sock.sendall(b"z" + command + b"\0")
                return self._read_reply(sock)
        except ClamdUnavailable:
            raise
        except OSError as exc:
            raise ClamdUnavailable(f"clamd at {self.address}: {exc}") from exc

    def ping(self) -> bool:
        return self._command(b"PING") == "PONG"

    def version(self) -> str:
        return self._command(b"VERSION")

    def scan_bytes(self, data: bytes) -> ScanResult:
        """Send ``data`` with INSTREAM; clean, found (with the signature) or error."""
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                view = memoryview(data)
                for start in range(0, len(view), CHUNK):
                    piece = view[start : start + CHUNK]
                    sock.sendall(struct.pack("!L", len(piece)))
                    sock.sendall(piece)
                sock.sendall(struct.pack("!L", 0))
                reply = self._read_reply(sock)
        except ClamdUnavailable as exc:
            return ScanResult(Verdict.ERROR, detail=str(exc))
        except OSError as exc:
            # clamd closes the connection when the stream exceeds its StreamMaxLength.
            return ScanResult(Verdict.ERROR, detail=f"clamd at {self.address}: {exc}")
        return parse_reply(reply)


def parse_reply(reply: str) -> ScanResult:
    """``stream: OK`` / ``stream: <signature> FOUND`` / ``... ERROR``."""
    _name, _sep, rest = reply.partition(": ")
    if reply.endswith(" FOUND"):
        return ScanResult(Verdict.FOUND, signature=rest[: -len(" FOUND")].strip() or "unknown")
    if rest == "OK":
        return ScanResult(Verdict.CLEAN)
    return ScanResult(Verdict.ERROR, detail=reply or "no answer from clamd")


def client() -> Clamd:
    return Clamd(address(), timeout=timeout())


def scan_upload(filename: str, data: bytes) -> ScanResult | None:
    """Scan a received file before anything else looks at it; raise UnsupportedUpload.

    A finding is refused (and audited: ``documents.upload.malware``); clamd not answering
    refuses the file too ("try again later") and is logged as an error. Returns None when
    scanning is switched off (``AMTSBOTE_ANTIVIRUS=off``).
    """
    if not enabled():
        return None
    result = client().scan_bytes(data)
    if result.verdict == Verdict.FOUND:
        sha256 = hashlib.sha256(data).hexdigest()
        logger.warning("malware refused: %s (%s, sha256 %s)", result.signature, filename, sha256)
        audit.record(
            "documents.upload.malware",
            data={
                "filename": filename,
                "signature": result.signature,
                "sha256": sha256,
                "size": len(data),
            },
        )
        raise UnsupportedUpload(
            f"{filename}: "
            + _(
                "This file contains malware (%(signature)s) and was not accepted. Please do "
                "not send it again; if you think this is a mistake, contact your jobcenter."
            )
            % {"signature": result.signature},
            code="malware",
        )
    if result.verdict == Verdict.ERROR:
        logger.error("virus scan failed, upload refused: %s (%s)", result.detail, filename)
        raise UnsupportedUpload(
            f"{filename}: "
            + _(
                "The file cannot be checked for malware right now, so it was not accepted. "
                "Please try again later."
            ),
            code="scan_unavailable",
        )
    return result
