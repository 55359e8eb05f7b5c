"""File storage: encrypted at rest, on disk before the database commits, no orphans after a crash.

- **Durable.** A customer's upload is acknowledged only after its bytes are on stable storage:
  the file is written, ``fsync``-ed, and its directory ``fsync``-ed, before the database row
  that points to it commits. On object storage (S3) a completed PUT gives the same promise.
- **Encrypted.** Every file is written with AES-256-GCM envelope encryption
  (:mod:`amtsbote.core.crypto`); ``open()`` and ``size()`` give the plaintext, ``path()`` and
  ``listdir()`` the raw encrypted files (for backups). Files from before encryption (no header)
  are still read as they are; ``manage.py rotate_keys`` encrypts them.
- **Journaled.** :class:`StoredFiles` writes a small journal (``_journal/<unit>.<n>.json``)
  before each file of a unit of work and removes it once the database commits; after a
  ``kill -9`` :func:`recover_interrupted_writes` deletes the files no row points to.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, cast

from django.apps import apps
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import models, transaction
from django.utils import timezone

from amtsbote.core.crypto import (
    MAX_HEADER_SIZE,
    ChunkReader,
    DecryptingReader,
    EncryptedFileError,
    MissingKeyError,
    encrypt_chunks,
    key_file_path,
    keyring,
    plaintext_size,
    read_header,
    rewrap_chunks,
)
from amtsbote.core.files import fsync_path

JOURNAL_DIR = "_journal"
KEYS_DIR = "keys"
TEMP_SUFFIX = ".amtsbote-tmp"
RECOVERY_GRACE = timedelta(minutes=10)


# --- storage backends ------------------------------------------------------------------------


class PlainDurableFileSystemStorage(FileSystemStorage):
    """Files on the local disk, fsync-ed with their directory; no encryption."""

    def _save(self, name: str, content: File) -> str:  # type: ignore[override]
        name = super()._save(name, content)  # type: ignore[misc]
        path = Path(self.path(name))
        fsync_path(path)
        fsync_path(path.parent)
        return name

    def replace_raw(self, name: str, chunks: Iterable[bytes]) -> None:
        """Replace the file's raw bytes atomically: temporary file, fsync, rename, fsync dir."""
        path = Path(self.path(name))
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
        try:
            if self.file_permissions_mode is not None:
                os.fchmod(fd, self.file_permissions_mode)
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        fsync_path(path.parent)


def full_reads(chunks: Iterable[bytes]) -> IO[bytes]:
    """The chunks as a stream whose ``read(n)`` gives ``n`` bytes until the end.

    A bare :class:`ChunkReader` answers with one chunk at most; s3transfer takes a short
    read for the end of the file and would then read all the rest into memory for a
    single PUT instead of uploading in parts.
    """
    return io.BufferedReader(ChunkReader(iter(chunks)))


class StoredFile(File):
    """A file opened from encrypted storage: reads plaintext; reopening goes through storage."""

    def __init__(self, file: IO[bytes], name: str, storage: EncryptedStorageMixin) -> None:
        super().__init__(file, name)
        self._storage = storage

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> StoredFile:
        if not self.closed:
            self.seek(0)
        else:
            self.file = self._storage.open(str(self.name), mode or "rb").file
        return self


class EncryptedStorageMixin(Storage):
    """Envelope encryption for any Django storage (put it first in the bases).

    Writes encrypt with the current key; reads decrypt with any configured key and pass
    plaintext (legacy) files through unchanged. ``replace_raw`` is needed for key rotation.
    """

    def _save(self, name: str, content: File) -> str:  # type: ignore[override]
        encrypted = full_reads(encrypt_chunks(content.chunks(), keyring()))
        return super()._save(name, File(encrypted, name))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[override]
        if mode.replace("b", "") != "r":
            raise ValueError(
                f"Encrypted storage opens files for reading only (mode 'rb'), not {mode!r}; "
                "write with save()."
            )
        raw = self.open_raw(name)
        try:
            raw.seek(0)
            header = read_header(cast(IO[bytes], raw), name)
            raw.seek(0)
            if header is None:
                plain: IO[bytes] = cast(IO[bytes], raw)
            else:
                plain = cast(IO[bytes], DecryptingReader(cast(IO[bytes], raw), name, keyring()))
        except BaseException:
            raw.close()
            raise
        return StoredFile(plain, name, self)

    def open_raw(self, name: str) -> File:
        """The stored bytes as they are (encrypted), e.g. to copy them into a backup."""
        return cast(File, super()._open(name, "rb"))  # type: ignore[misc]

    def size(self, name: str) -> int:
        raw_size = super().size(name)
        header = read_header(io.BytesIO(self.read_raw_prefix(name, MAX_HEADER_SIZE)), name)
        return raw_size if header is None else plaintext_size(raw_size, header, name)

    def read_raw_prefix(self, name: str, size: int) -> bytes:
        with self.open_raw(name) as raw:
            return cast(bytes, raw.read(size))

    def replace_raw(self, name: str, chunks: Iterable[bytes]) -> None:
        """Replace the raw bytes of a file atomically (provided by the storage underneath)."""
        super().replace_raw(name, chunks)  # type: ignore[misc]

    def rotate(self, name: str, *, dry_run: bool = False) -> str:
        """Bring one file to the current key: 'current', 'rewrapped' or 'encrypted'.

        A file under an older key gets its data key re-wrapped (content copied unchanged);
        a plaintext file is encrypted. The file is replaced atomically.
        """
        keys = keyring()
        with self.open_raw(name) as raw:
            header = read_header(cast(IO[bytes], raw), name)
            if header is not None and header.key_id == keys.current_id:
                return "current"
            raw.seek(0)
            if header is None:
                status = "encrypted"
                chunks = encrypt_chunks(iter(lambda: raw.read(1024 * 1024), b""), keys)
            else:
                status = "rewrapped"
                header.unwrap(name, keys)  # fail before writing anything
                chunks = rewrap_chunks(cast(IO[bytes], raw), name, keys)
            if not dry_run:
                self.replace_raw(name, chunks)
        return status


class DurableFileSystemStorage(EncryptedStorageMixin, PlainDurableFileSystemStorage):
    """The default storage: local files, encrypted, fsync-ed before the database commits."""


# Reading an S3 object downloads it into a temporary file first: ciphertext in memory up to
# this size, on disk (FILE_UPLOAD_TEMP_DIR) beyond it. django-storages' default (0) keeps all
# of it in memory, whatever the size.
S3_SPOOL_MAX_MEMORY = 2 * 1024 * 1024


def _encrypted_s3_storage() -> type:
    from botocore.exceptions import ClientError
    from storages.backends.s3 import S3Storage
    from storages.utils import clean_name

    class EncryptedS3Storage(EncryptedStorageMixin, S3Storage):
        """S3-compatible object storage with the same encryption; a PUT replaces atomically.

        Objects are ciphertext: stored as ``application/octet-stream`` without a content
        encoding (a name like ``x.svgz`` would otherwise mark them gzip-ed, and a gzip
        setting compress them), with the configured ACL and object parameters.
        """

        def get_default_settings(self) -> dict[str, Any]:
            defaults = cast(dict[str, Any], super().get_default_settings())
            if not defaults["max_memory_size"]:
                defaults["max_memory_size"] = S3_SPOOL_MAX_MEMORY
            return defaults

        def _get_write_parameters(self, name: str, content: object = None) -> dict[str, Any]:
            params = cast(dict[str, Any], self.get_object_parameters(name))
            params["ContentType"] = "application/octet-stream"
            params.pop("ContentEncoding", None)
            if "ACL" not in params and self.default_acl:
                params["ACL"] = self.default_acl
            return params

        def check_available(self) -> None:
            """Raise unless the bucket is there and the credentials may use it (``/readyz``).

            A HEAD on the bucket: a HEAD on an object answers 404 for a missing object and
            for a missing bucket alike, so it cannot tell a misnamed bucket.
            """
            self.connection.meta.client.head_bucket(Bucket=self.bucket_name)

        def replace_raw(self, name: str, chunks: Iterable[bytes]) -> None:
            key = self._normalize_name(clean_name(name))
            self.bucket.Object(key).upload_fileobj(
                full_reads(chunks),
                ExtraArgs=self._get_write_parameters(key),
                Config=self.transfer_config,
            )

        def read_raw_prefix(self, name: str, size: int) -> bytes:
            key = self._normalize_name(clean_name(name))
            if size <= 0:
                return b""
            try:
                response = self.bucket.Object(key).get(Range=f"bytes=0-{size - 1}")
            except ClientError as err:
                error = err.response.get("Error", {}).get("Code")
                status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                if status == 404:
                    raise FileNotFoundError(f"File does not exist: {name}") from err
                if error == "InvalidRange" or status == 416:
                    return b""  # an empty object has no first byte
                raise
            return cast(bytes, response["Body"].read())

    EncryptedS3Storage.__module__ = __name__
    EncryptedS3Storage.__qualname__ = "EncryptedS3Storage"
    return EncryptedS3Storage


def __getattr__(name: str) -> type:
    # EncryptedS3Storage is made on first use, so boto3 is imported only when S3 is configured.
    if name == "EncryptedS3Storage":
        cls = _encrypted_s3_storage()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- walking the storage ---------------------------------------------------------------------


def walk_storage(
    storage: Storage | None = None, top: str = "", *, skip: Callable[[str], bool] | None = None
) -> Iterator[str]:
    """Every file name under ``top``, depth first, sorted; one directory in memory at a time.

    ``skip(directory)`` (e.g. ``"_journal/"``) leaves out a directory with all inside it.
    """
    storage = storage or default_storage
    try:
        dirs, files = storage.listdir(top)
    except FileNotFoundError:
        return
    prefix = f"{top.rstrip('/')}/" if top else ""
    for file_name in sorted(files):
        yield f"{prefix}{file_name}"
    for dir_name in sorted(dirs):
        if skip is None or not skip(f"{prefix}{dir_name}/"):
            yield from walk_storage(storage, f"{prefix}{dir_name}", skip=skip)


def stored_names(storage: Storage | None = None) -> Iterator[str]:
    """Every stored file's name, except the write journal, keys and temporary files."""
    storage = storage or default_storage
    skip_dirs = {f"{JOURNAL_DIR}/", f"{KEYS_DIR}/"}
    key_dir = key_file_path().parent.resolve()

    def skip(directory: str) -> bool:
        if directory in skip_dirs:
            return True
        return (
            isinstance(storage, FileSystemStorage)
            and Path(storage.path(directory)).resolve() == key_dir
        )

    for name in walk_storage(storage, skip=skip):
        if not name.endswith(TEMP_SUFFIX):
            yield name


# --- write journal and recovery --------------------------------------------------------------


class StoredFiles:
    """Remember files written during a unit of work; remove them if it fails or is killed.

    Used as a context manager around a service that writes files and database rows: when the
    block raises, every file written inside is deleted again, so nothing is half-stored.
    Before each file is written, the names so far (and the one to come) are written to a
    journal object in the storage; it is removed once the database commits. If the process
    dies in between, :func:`recover_interrupted_writes` finds the journal and deletes the
    files that no row points to.
    """

    def __init__(self, storage: Storage | None = None) -> None:
        self.storage = storage or default_storage
        self.names: list[str] = []
        self._unit = uuid.uuid4().hex
        self._started = timezone.now().isoformat()
        self._sequence = 0
        self._journal: str | None = None
        self._incomplete = False

    def save(self, name: str, content: File) -> str:
        intended = self.storage.get_available_name(name)
        self._journal_write([*self.names, intended])
        try:
            stored = self.storage.save(intended, content)
        except BaseException:
            self._incomplete = True  # a partial file may be left: the journal stays for recovery
            raise
        self.names.append(stored)
        if stored != intended:
            self._journal_write(self.names)
        return stored

    def _journal_write(self, names: list[str]) -> None:
        self._sequence += 1
        record = {
            "format": 1,
            "unit": self._unit,
            "started": self._started,
            "updated": timezone.now().isoformat(),
            "names": names,
        }
        name = f"{JOURNAL_DIR}/{self._unit}.{self._sequence:06d}.json"
        written = self.storage.save(name, ContentFile(json.dumps(record).encode()))
        if self._journal is not None:
            self.storage.delete(self._journal)
        self._journal = written

    def _journal_remove(self) -> None:
        if self._journal is not None:
            self.storage.delete(self._journal)
            self._journal = None

    def __enter__(self) -> StoredFiles:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            for name in self.names:
                self.storage.delete(name)
            if not self._incomplete:
                self._journal_remove()
        elif self._journal is not None:
            # Runs at once when no transaction is open any more, else after the outermost
            # commit; if that rolls back, the journal stays and recovery cleans up.
            transaction.on_commit(self._journal_remove)


@dataclass
class RecoveryReport:
    journals: int = 0
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    missing: int = 0
    in_flight: int = 0
    unreadable: list[str] = field(default_factory=list)


def recover_interrupted_writes(
    *, older_than: timedelta = RECOVERY_GRACE, storage: Storage | None = None
) -> RecoveryReport:
    """Delete files of interrupted units of work that no database row points to.

    Only journals not updated for ``older_than`` are handled (younger ones belong to writes
    still in progress). Safe to run again and from several processes.
    """
    storage = storage or default_storage
    report = RecoveryReport()
    try:
        _dirs, files = storage.listdir(JOURNAL_DIR)
    except FileNotFoundError:
        return report
    units: dict[str, list[str]] = {}
    for file_name in files:
        if file_name.endswith(".json"):
            units.setdefault(file_name.split(".", 1)[0], []).append(f"{JOURNAL_DIR}/{file_name}")
    cutoff = timezone.now() - older_than
    for objects in units.values():
        names: list[str] = []
        updated: list[datetime] = []
        readable: list[str] = []
        keep_unit = False
        for obj in objects:
            try:
                with storage.open(obj, "rb") as handle:
                    record = json.loads(handle.read())
                names.extend(record["names"])
                updated.append(datetime.fromisoformat(record["updated"]))
                readable.append(obj)
            except FileNotFoundError:
                continue  # removed meanwhile by its own process or another recovery
            except MissingKeyError:
                report.unreadable.append(obj)
                keep_unit = True
            except (EncryptedFileError, ValueError, KeyError, TypeError):
                # Cut off while being written: the previous journal object of the unit
                # (deleted only after this one was complete) lists every file written.
                updated.append(storage.get_modified_time(obj))
        if keep_unit:
            continue
        if not updated or max(updated) > cutoff:
            report.in_flight += 1 if updated else 0
            continue
        report.journals += 1
        unique = list(dict.fromkeys(names))
        referenced = referenced_names(unique)
        for name in unique:
            if name in referenced:
                report.kept.append(name)
            elif storage.exists(name):
                storage.delete(name)
                report.deleted.append(name)
            else:
                report.missing += 1
        for obj in objects:
            storage.delete(obj)
    return report


def referenced_names(names: Iterable[str]) -> set[str]:
    """Those of ``names`` that a FileField of any installed model points to."""
    wanted = list(dict.fromkeys(names))
    found: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                found.update(
                    model._base_manager.filter(**{f"{model_field.attname}__in": batch})
                    .values_list(model_field.attname, flat=True)
                    .distinct()
                )
    return found
