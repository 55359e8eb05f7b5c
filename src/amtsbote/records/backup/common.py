"""What backup and restore share: the layout of a backup, errors, copying raw bytes."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.core.files.storage import default_storage

from amtsbote.core.files import sha256_stream
from amtsbote.records.integrity import CHUNK

FORMAT = "amtsbote-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_DIR = "files"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Unreferenced by design, but worth keeping: the classifier's staff corrections (and model).
ALSO_BACKED_UP = ("intake/classifier/",)

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def quiet(message: str) -> None:
    pass


def amtsbote_version() -> str:
    try:
        return importlib.metadata.version("amtsbote")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def sha256_file(path: Path) -> tuple[str, int]:
    with path.open("rb") as handle:
        return sha256_stream(handle, chunk=CHUNK)


def copy_raw(source: Path, target: Path) -> tuple[str, int]:
    """Copy bytes unchanged into a new file (mode 600, fsync); return their SHA-256 and size."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as src:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
    return digest.hexdigest(), size


def safe_name(name: str) -> str:
    """A storage name as a relative path inside a directory; refuse anything else."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise BackupError(f"Refusing the file name {name!r}: not a plain relative storage name.")
    return name


def raw_path(name: str) -> Path:
    """Where storage keeps ``name`` on disk (encrypted at rest: the raw bytes)."""
    try:
        return Path(default_storage.path(safe_name(name)))
    except NotImplementedError as exc:
        raise BackupError(
            "The files are in object storage (AMTSBOTE_S3_BUCKET): back up the bucket with the "
            "object store's versioning or replication, and use --no-files here."
        ) from exc
