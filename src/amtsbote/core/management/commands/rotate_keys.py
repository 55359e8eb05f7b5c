"""``manage.py rotate_keys``: bring every stored file to the current storage key.

Files under an older key get their data key re-wrapped (the content is not encrypted again),
plaintext files from before encryption are encrypted. Each file is replaced atomically, so the
command can be stopped at any time and run again: it carries on where it stopped.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.core.crypto import EncryptedFileError, keyring
from amtsbote.core.storage import TEMP_SUFFIX, EncryptedStorageMixin, stored_names

LABELS = {"rewrapped": "re-wrapped", "encrypted": "encrypted", "current": "already current"}


class Command(BaseCommand):
    help = (
        "Re-wrap every stored file's data key under the first key of AMTSBOTE_STORAGE_KEYS and "
        "encrypt files stored before encryption. Safe to stop and run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be done."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        storage = default_storage
        if not isinstance(storage, EncryptedStorageMixin):
            raise CommandError(
                f"The default storage ({type(storage).__name__}) does not encrypt: configure "
                "amtsbote.core.storage.DurableFileSystemStorage or EncryptedS3Storage."
            )
        current = keyring().current_id
        self._remove_leftovers(storage, dry_run)
        names = list(stored_names(storage))
        total = len(names)
        counts = {"rewrapped": 0, "encrypted": 0, "current": 0}
        errors = 0
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(f"{prefix}{total} files, current key {current!r}")
        for number, name in enumerate(names, start=1):
            try:
                status = storage.rotate(name, dry_run=dry_run)
            except (EncryptedFileError, OSError) as exc:
                errors += 1
                self.stderr.write(f"{number} of {total}  error  {name}: {exc}")
                continue
            counts[status] += 1
            if status != "current" or options["verbosity"] >= 2:
                self.stdout.write(f"{prefix}{number} of {total}  {LABELS[status]}  {name}")
            elif number % 1000 == 0:
                self.stdout.write(f"{prefix}{number} of {total}")
        summary = (
            f"{prefix}{total} files: {counts['rewrapped']} re-wrapped, {counts['encrypted']} "
            f"encrypted, {counts['current']} already current, {errors} errors"
        )
        self.stdout.write(summary)
        if errors:
            raise CommandError(
                f"{errors} files could not be brought to key {current!r}: keep the old keys "
                "configured until they are, and restore damaged files from a backup."
            )

    def _remove_leftovers(self, storage: EncryptedStorageMixin, dry_run: bool) -> None:
        """Temporary files of a run that was killed (only on a file system)."""
        if not isinstance(storage, FileSystemStorage):
            return  # a PUT replaces an object whole: nothing is left over on S3

        def walk(prefix: str) -> list[str]:
            try:
                dirs, files = storage.listdir(prefix)
            except FileNotFoundError:
                return []
            found = [f"{prefix}{name}" for name in files if name.endswith(TEMP_SUFFIX)]
            for directory in dirs:
                found += walk(f"{prefix}{directory}/")
            return found

        for name in walk(""):
            self.stdout.write(f"{'[dry run] ' if dry_run else ''}removing leftover {name}")
            if not dry_run:
                storage.delete(name)
