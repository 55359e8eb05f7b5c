"""File storage that reaches the disk before the database commits.

A customer's upload is acknowledged only after its bytes are on stable storage: the file is
written, ``fsync``-ed, and its directory ``fsync``-ed, before the database row that points to
it commits. On object storage (S3) a completed PUT gives the same promise.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, default_storage


class DurableFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: File) -> str:  # type: ignore[override]
        name = super()._save(name, content)  # type: ignore[misc]
        path = Path(self.path(name))
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return name


class StoredFiles:
    """Remember files written during a unit of work and remove them if it fails.

    Used as a context manager around a service that writes files and database rows: when the
    block raises, every file written inside is deleted again, so nothing is half-stored.
    """

    def __init__(self) -> None:
        self.names: list[str] = []

    def save(self, name: str, content: File) -> str:
        stored = default_storage.save(name, content)
        self.names.append(stored)
        return stored

    def __enter__(self) -> StoredFiles:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            for name in self.names:
                default_storage.delete(name)
