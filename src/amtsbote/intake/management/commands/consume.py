"""``manage.py consume [--once]``: import what scanners drop into ``var/consume/<jobcenter>/``.

A file is taken once it stopped growing (same size and time at two looks, or untouched for
``INTAKE_CONSUME_SETTLE_SECONDS``). Its bytes are stored durably in the batch store first,
then it is removed from the folder; files of other kinds go to ``.refused/`` beside a note
why. Processing runs in the task worker. At start, and then every
``INTAKE_STALE_MINUTES``, files whose processing stopped (a worker killed, a task lost) are
handed to the worker again.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from amtsbote.cases.models import Jobcenter
from amtsbote.core.processes import stop_on_sigint_and_sigterm
from amtsbote.intake import services
from amtsbote.intake.constants import BatchSource

IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".filepart")


def consume_root() -> Path:
    configured = getattr(settings, "INTAKE_CONSUME_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "consume"


def settle_seconds() -> float:
    return float(getattr(settings, "INTAKE_CONSUME_SETTLE_SECONDS", 5))


class Command(BaseCommand):
    help = "Watch var/consume/<jobcenter>/ and import the scans that arrive there."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="look once, then stop")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between looks")

    def handle(self, *args: Any, **options: Any) -> None:
        stop_on_sigint_and_sigterm()
        self.seen: dict[Path, tuple[int, int]] = {}
        every = max(60.0, 60.0 * float(getattr(settings, "INTAKE_STALE_MINUTES", 10)))
        resume_at = time.monotonic()  # at start, then every INTAKE_STALE_MINUTES
        try:
            while True:
                if time.monotonic() >= resume_at:
                    resume_at = time.monotonic() + every
                    resumed = services.scan_files_resume()
                    if resumed:
                        self.stdout.write(f"resumed {len(resumed)} interrupted file(s)")
                self.look()
                if options["once"]:
                    return
                time.sleep(options["interval"])
        except KeyboardInterrupt:  # stopped (Ctrl-C, scripts/run.sh): an import is atomic
            return

    def look(self) -> None:
        root = consume_root()
        for jobcenter in Jobcenter.objects.order_by("slug"):
            folder = root / jobcenter.slug
            folder.mkdir(parents=True, exist_ok=True)
            ready = [path for path in sorted(folder.rglob("*")) if self.is_ready(path, folder)]
            if ready:
                self.import_files(jobcenter, folder, ready)

    def is_ready(self, path: Path, folder: Path) -> bool:
        relative = path.relative_to(folder)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            return False
        if path.name.lower().endswith(IGNORED_SUFFIXES):
            return False
        stat = path.stat()
        now = (stat.st_size, stat.st_mtime_ns)
        before = self.seen.get(path)
        self.seen[path] = now
        return before == now or time.time() - stat.st_mtime >= settle_seconds()

    def import_files(self, jobcenter: Jobcenter, folder: Path, paths: list[Path]) -> None:
        batch = services.scan_batch_create(
            jobcenter=jobcenter, source=BatchSource.FOLDER, label=f"consume/{jobcenter.slug}"
        )
        for path in paths:
            outcome = services.scan_file_import(
                batch=batch, filename=path.name, data=path.read_bytes()
            )
            self.seen.pop(path, None)
            if outcome.error:
                refused = folder / ".refused"
                refused.mkdir(exist_ok=True)
                target = refused / path.name
                path.replace(target)
                target.with_name(target.name + ".txt").write_text(outcome.error + "\n")
                self.stderr.write(f"refused: {outcome.error}")
                continue
            # The bytes are stored durably (fsync) in the batch store: the folder copy can go.
            path.unlink()
            state = "already imported" if outcome.duplicate else "imported"
            self.stdout.write(f"{state}: {jobcenter.slug}/{path.relative_to(folder)}")
        services.scan_batch_enqueue(batch=batch)
