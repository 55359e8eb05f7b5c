"""``backup_create``: the database first, then exactly the files that copy references."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from amtsbote.audit.anchors import anchor_write
from amtsbote.core.files import fsync_path
from amtsbote.core.storage import referenced_names, walk_storage

from .common import (
    ALSO_BACKED_UP,
    DATABASE_FILES,
    FILES_DIR,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    Say,
    amtsbote_version,
    copy_raw,
    quiet,
    raw_path,
    safe_name,
    sha256_file,
)
from .database import snapshot


@dataclass
class BackupResult:
    path: Path
    vendor: str
    database_bytes: int
    audit: dict[str, Any] = field(default_factory=dict)  # events and head hash of the copy
    files: int = 0
    bytes: int = 0
    missing: list[dict[str, str]] = field(default_factory=list)

    @property
    def damaged(self) -> list[dict[str, str]]:
        """Files the live database still references but storage does not have."""
        return [m for m in self.missing if m["kind"] == "missing"]


def _write_manifest(target: Path, header: dict[str, Any], entries: Path) -> None:
    """manifest.json, the file list streamed from ``entries`` (one JSON object a line)."""
    partial = target / f"{MANIFEST}.partial"
    with partial.open("w", encoding="utf-8") as out:
        out.write("{\n")
        for key, value in header.items():
            out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
        out.write('  "files": [')
        with entries.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                out.write(("," if number else "") + "\n    " + line.strip())
        out.write("\n  ]\n}\n")
        out.flush()
        os.fsync(out.fileno())
    partial.chmod(0o600)
    partial.replace(target / MANIFEST)
    fsync_path(target)


def backup_create(target: Path, *, files: bool = True, progress: Say = quiet) -> BackupResult:
    """Write a backup into ``target`` (a new or empty directory); see the module docstring."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not an empty directory: a backup goes into a new one.")
    if files:
        raw_path("probe")  # object storage: say so before anything is written
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Cannot back up a {connection.vendor} database.")
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        return _backup(target, files, progress)
    except BaseException:
        for child in target.iterdir():  # it was empty: leave nothing half-written
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        raise


def _backup(target: Path, files: bool, say: Say) -> BackupResult:
    vendor = connection.vendor
    database = target / DATABASE_FILES[vendor]
    references = target / "references.partial"
    entries = target / "files.partial"
    created_at = timezone.now()
    # Anchor the audit chain outside the database first: the copy then holds the anchored
    # event, and the anchor file shows what a later restore from this copy loses.
    anchor_write()
    say(f"backup: copying the {vendor} database")
    with references.open("w", encoding="utf-8") as out:
        facts = snapshot(database, out)
    database.chmod(0o600)
    database_sha256, database_bytes = sha256_file(database)
    say(f"backup: database copied ({database_bytes} bytes)")
    result = BackupResult(target, vendor, database_bytes, audit=facts["audit"])
    with entries.open("w", encoding="utf-8") as out:
        if files:
            _copy_files(target, references, out, result, say)
    _explain_missing(result)
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(),
        "amtsbote_version": amtsbote_version(),
        "database": {
            "vendor": vendor,
            "file": database.name,
            "size": database_bytes,
            "sha256": database_sha256,
        },
        "migrations": facts["migrations"],
        "audit": facts["audit"],
        "storage": {"backend": type(default_storage).__name__, "files_included": files},
        "total": {"files": result.files, "bytes": result.bytes},
        "missing": result.missing,
    }
    _write_manifest(target, header, entries)
    references.unlink()
    entries.unlink()
    return result


def _copy_files(
    target: Path, references: Path, out: IO[str], result: BackupResult, say: Say
) -> None:
    def copy(name: str) -> bool:
        destination = target / FILES_DIR / safe_name(name)
        if destination.exists():  # referenced twice
            return True
        try:
            sha256, size = copy_raw(raw_path(name), destination)
        except FileNotFoundError:
            return False
        out.write(json.dumps({"name": name, "size": size, "sha256": sha256}) + "\n")
        result.files += 1
        result.bytes += size
        if result.files % 1000 == 0:
            say(f"backup: {result.files} files copied ({result.bytes} bytes)")
        return True

    with references.open(encoding="utf-8") as lines:
        for line in lines:
            reference = json.loads(line)
            if not copy(reference["name"]):
                result.missing.append(reference)
    for prefix in ALSO_BACKED_UP:
        for name in walk_storage(top=prefix.rstrip("/")):
            copy(name)
    say(f"backup: {result.files} files copied ({result.bytes} bytes)")


def _explain_missing(result: BackupResult) -> None:
    """Gone meanwhile and no longer referenced: disposed of while the backup ran."""
    for start in range(0, len(result.missing), 500):
        chunk = result.missing[start : start + 500]
        live = referenced_names(m["name"] for m in chunk)
        for missing in chunk:
            if missing["name"] in live:
                missing["kind"] = "missing"
                missing["detail"] = "missing in storage (the live database still references it)"
            else:
                missing["kind"] = "disposed"
                missing["detail"] = "removed after the database was copied (disposal)"
