"""A consistent backup of database and files, and its restore (``manage.py backup/restore``).

A backup is one directory (see docs/backup.md)::

    manifest.json        written last: what is in the backup, with size and SHA-256 of each part
    database.sqlite3     SQLite: made with the online backup API (safe while Amtsbote runs)
    database.pgdump      PostgreSQL: ``pg_dump --format=custom``
    files/<name>         every stored file the database copy references, as stored (raw bytes:
                         encrypted at rest stays encrypted)

Consistency: a file is written (fsync) before the row that points to it commits, and never
changed afterwards. So the database is copied first, then exactly the files that copy
references; files that appear later are not needed. A file the copy references but that is gone
by the time it is copied was disposed of in between (or is missing: fsck says so); the manifest
lists it.

- ``common``: the layout, ``BackupError``, copying raw bytes;
- ``database``: the database copy and the files it references, and its restore;
- ``create``: ``backup_create``;
- ``restoring``: ``backup_verify``, ``restore``.
"""

from .common import MANIFEST, BackupError
from .create import BackupResult, backup_create
from .restoring import RestoreReport, backup_read, backup_verify, restore, target_contents

__all__ = [
    "MANIFEST",
    "BackupError",
    "BackupResult",
    "RestoreReport",
    "backup_create",
    "backup_read",
    "backup_verify",
    "restore",
    "target_contents",
]
