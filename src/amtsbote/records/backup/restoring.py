"""``restore``: check a backup, bring database and files back, check the result."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from amtsbote.audit.models import AuditChainHead
from amtsbote.audit.services import check_chain
from amtsbote.core.files import fsync_path
from amtsbote.core.storage import walk_storage
from amtsbote.records.integrity import FsckReport, fsck

from .common import (
    FILES_DIR,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    Say,
    copy_raw,
    quiet,
    raw_path,
    safe_name,
    sha256_file,
)
from .database import restore_database


@dataclass
class RestoreReport:
    fsck: FsckReport
    audit_events: int
    audit_head: str
    audit_intact: bool
    audit_expected: dict[str, Any]  # what the backup's manifest recorded

    @property
    def audit_matches(self) -> bool:
        return self.audit_intact and self.audit_expected == {
            "events": self.audit_events,
            "head": self.audit_head,
        }

    @property
    def clean(self) -> bool:
        return self.fsck.clean and self.audit_matches

    def summary(self) -> str:
        audit = f"audit chain {'intact' if self.audit_intact else 'BROKEN'}, "
        audit += f"{self.audit_events} events, head {self.audit_head or '-'}"
        if not self.audit_matches:
            expected = self.audit_expected
            audit += f" (the backup recorded {expected['events']} events, head {expected['head']})"
        return f"{audit}; fsck: {self.fsck.summary()}"


def backup_read(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{source} holds no {MANIFEST}: not an Amtsbote backup, or an unfinished one."
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"{path} is damaged: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is not an Amtsbote backup of format {FORMAT} version {FORMAT_VERSION}."
        )
    return manifest


def backup_verify(source: Path, *, progress: Say = quiet) -> dict[str, Any]:
    """Check every part of a backup against its manifest; raise BackupError naming each fault."""
    source = Path(source)
    manifest = backup_read(source)
    faults: list[str] = []
    parts = [(source / manifest["database"]["file"], manifest["database"])]

    def check(path: Path, entry: dict[str, Any]) -> None:
        if not path.is_file():
            faults.append(f"{path}: missing")
            return
        sha256, size = sha256_file(path)
        if size != entry["size"] or sha256 != entry["sha256"]:
            faults.append(f"{path}: SHA-256 {sha256} ({size} bytes) does not match the manifest")

    check(*parts[0])
    for number, entry in enumerate(manifest["files"], start=1):
        check(source / FILES_DIR / safe_name(entry["name"]), entry)
        if number % 1000 == 0:
            progress(f"restore: {number} of {len(manifest['files'])} files checked")
    if faults:
        shown = "\n".join(faults[:50]) + ("\n…" if len(faults) > 50 else "")
        raise BackupError(
            f"The backup does not match its manifest ({len(faults)} faults); nothing was "
            f"changed:\n{shown}"
        )
    return manifest


def _check_migrations(manifest: dict[str, Any]) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    for migration in loader.disk_migrations.values():
        known.update(f"{app}.{name}" for app, name in migration.replaces)
    unknown = [m for m in manifest["migrations"] if m not in known]
    if unknown:
        raise BackupError(
            "The backup comes from a newer Amtsbote (migrations unknown here: "
            f"{', '.join(unknown[:5])}): restore it with that version."
        )


def target_contents() -> list[str]:
    """What the target database and storage hold already (empty list: nothing)."""
    found = []
    for label, what in (
        ("documents.Document", "documents"),
        ("intake.ScanFile", "scanned files"),
        ("cases.Case", "cases"),
        ("accounts.User", "users"),
        ("audit.AuditEvent", "audit events"),
    ):
        try:
            if apps.get_model(label)._default_manager.exists():
                found.append(what)
        except DatabaseError:  # no tables yet: a new database
            connections.close_all()
    if next(walk_storage(), None) is not None:
        found.append("files in storage")
    return found


def _refuse_overlapping_storage() -> None:
    """Wiping the storage must not reach the var directory (database, keys) around it."""
    try:
        root = Path(default_storage.path("")).resolve()
    except NotImplementedError:
        return
    keep = [Path(settings.VAR_DIR).resolve()]
    if connection.vendor == "sqlite":
        keep.append(Path(str(connection.settings_dict["NAME"])).resolve())
    for path in keep:
        if path == root or root in path.parents:
            raise BackupError(
                f"The file storage ({root}) contains {path}: wiping it would delete that too. "
                "Give AMTSBOTE_MEDIA_ROOT a directory of its own; nothing was changed."
            )


def _restore_files(source: Path, manifest: dict[str, Any], say: Say) -> None:
    directories: set[Path] = set()
    for number, entry in enumerate(manifest["files"], start=1):
        target = raw_path(entry["name"])
        copy_raw(source / FILES_DIR / entry["name"], target)
        directories.add(target.parent)
        if number % 1000 == 0:
            say(f"restore: {number} of {len(manifest['files'])} files restored")
    for directory in directories:
        fsync_path(directory)


def restore(source: Path, *, force: bool = False, progress: Say = quiet) -> RestoreReport:
    """Bring a backup back into this installation's database and storage, and check it.

    Afterwards the audit chain is checked against the events and head hash the manifest
    recorded, and fsck runs with hashes. Refuses (BackupError) before changing anything when
    the backup does not match its manifest, comes from another database vendor or a newer
    version, or when the target holds data and ``force`` is not set; with ``force`` the
    database and the files are wiped.
    """
    source = Path(source)
    progress(f"restore: checking {source}")
    manifest = backup_verify(source, progress=progress)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup holds a {vendor} database; this installation uses "
            f"{connection.vendor}. Restore it into a {vendor} database."
        )
    _check_migrations(manifest)
    if manifest["files"]:
        raw_path(manifest["files"][0]["name"])  # object storage: refuse before anything
    found = target_contents()
    if found and not force:
        raise BackupError(
            f"The target is not empty ({', '.join(found)}); nothing was changed. "
            "Use --force to wipe the database and the files and restore the backup."
        )
    if found:
        _refuse_overlapping_storage()
        progress("restore: wiping the files in storage")
        for name in walk_storage():  # each directory is listed before its files go
            default_storage.delete(name)
    if manifest["missing"]:
        progress(
            f"restore: note: {len(manifest['missing'])} files the database copy references were "
            "not in storage when the backup was made (see 'missing' in the manifest); fsck "
            "will report them"
        )
    progress("restore: database")
    restore_database(source / manifest["database"]["file"], vendor)
    progress(f"restore: {len(manifest['files'])} files")
    _restore_files(source, manifest, progress)
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        progress("restore: the backup is older than this version: migrating")
        call_command("migrate", interactive=False, verbosity=0)
    progress("restore: checking the audit chain")
    chain = check_chain()
    head = AuditChainHead.objects.filter(pk=1).values_list("hash", flat=True).first() or ""
    progress("restore: fsck")
    return RestoreReport(
        fsck=fsck(progress=progress, grace_seconds=0),
        audit_events=chain.count,
        audit_head=head,
        audit_intact=chain.intact,
        audit_expected=manifest["audit"],
    )
