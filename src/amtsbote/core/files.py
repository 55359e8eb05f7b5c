"""Small file helpers shared by storage, keys, backups, archive packages and audit anchors."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

CHUNK = 1024 * 1024  # bytes read at once while hashing


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


def fsync_path(path: Path | str) -> None:
    """fsync a file or a directory (after creating or renaming a file in it) by its path."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_stream(handle: Readable, *, chunk: int = CHUNK) -> tuple[str, int]:
    """SHA-256 (hex) and size of what ``handle`` reads, one chunk in memory at a time."""
    digest, size = hashlib.sha256(), 0
    while data := handle.read(chunk):
        digest.update(data)
        size += len(data)
    return digest.hexdigest(), size
