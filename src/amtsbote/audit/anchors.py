"""Anchors of the audit chain outside the database.

``check_chain()`` finds every altered, inserted or deleted event unless someone rewrites all
later events and the head row as well: the chain only proves that it is consistent with
itself. An anchor closes that gap. ``anchor_write()`` appends the newest event's id, hash and
the number of events up to it to a file outside the database (one JSON object per line,
fsync-ed); kept on other storage (a write-once share, a remote syslog, a printed daily
report), it cannot be rewritten together with the database. ``anchors_check()`` then asks of
every anchor: is the anchored event still there, with the same hash and the same number of
events before it? Any rewrite of the chain up to an anchored event changes that event's hash
(each hash covers the one before), so it is found.

A restore from an older backup fails the check for anchors written after the backup — which is
right: those events are gone, and the check names the first one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from amtsbote.core.files import fsync_path

from .models import AuditEvent


@dataclass(frozen=True)
class Anchor:
    at: str
    event_id: int
    hash: str
    count: int

    def line(self) -> str:
        return json.dumps(
            {"at": self.at, "event_id": self.event_id, "hash": self.hash, "count": self.count},
            sort_keys=True,
        )


@dataclass(frozen=True)
class AnchorReport:
    checked: int
    first_mismatch: Anchor | None = None
    detail: str = ""
    torn_lines: int = 0

    @property
    def intact(self) -> bool:
        return self.first_mismatch is None


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def anchors_read(path: Path | None = None) -> Iterator[Anchor | None]:
    """The anchors in the file, in order; ``None`` for a line that cannot be read.

    Only the last line can be torn by a crash while it was appended; a torn line anywhere
    else means the file was edited.
    """
    path = path or anchor_path()
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
                yield Anchor(
                    at=str(data["at"]),
                    event_id=int(data["event_id"]),
                    hash=str(data["hash"]),
                    count=int(data["count"]),
                )
            except (ValueError, KeyError, TypeError):
                yield None


def _last_anchor(path: Path) -> Anchor | None:
    last = None
    for anchor in anchors_read(path):
        last = anchor or last
    return last


def anchor_write(path: Path | None = None) -> Anchor | None:
    """Append the newest event to the anchor file; ``None`` if there are no events.

    Writes nothing when the newest event is already anchored (running this every few
    minutes costs one line per change, not per run).
    """
    path = path or anchor_path()
    newest = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if newest is None:
        return None
    last = _last_anchor(path)
    if last is not None and last.event_id == newest["id"] and last.hash == newest["hash"]:
        return last
    anchor = Anchor(
        at=timezone.now().isoformat(timespec="seconds"),
        event_id=newest["id"],
        hash=newest["hash"],
        count=AuditEvent.objects.filter(id__lte=newest["id"]).count(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        _drop_torn_line(fd)
        os.write(fd, (anchor.line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_path(path.parent)
    return anchor


def _drop_torn_line(fd: int) -> None:
    """Cut off a last line that a crash left without its newline, so it stays the last."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    start = max(0, size - 4096)
    tail = os.pread(fd, size - start, start)
    cut = tail.rfind(b"\n")
    os.ftruncate(fd, start + cut + 1 if cut >= 0 else 0)


def anchors_check(path: Path | None = None) -> AnchorReport:
    """Compare every anchor with the database; name the first that no longer holds."""
    path = path or anchor_path()
    lines = list(anchors_read(path))
    torn = 1 if lines and lines[-1] is None else 0
    checked = 0
    for position, anchor in enumerate(lines, start=1):
        if anchor is None:
            if position == len(lines):
                break  # a line torn by a crash while it was appended
            return AnchorReport(
                checked,
                Anchor(at="", event_id=0, hash="", count=0),
                f"line {position} of {path} cannot be read: the anchor file was edited",
            )
        checked += 1
        event = AuditEvent.objects.filter(id=anchor.event_id).values("hash").first()
        if event is None:
            return AnchorReport(
                checked,
                anchor,
                f"event {anchor.event_id}, anchored at {anchor.at}, is missing: "
                "events were deleted (or an older backup was restored)",
            )
        if event["hash"] != anchor.hash:
            return AnchorReport(
                checked,
                anchor,
                f"event {anchor.event_id} no longer has the hash anchored at {anchor.at}: "
                "the chain up to it was rewritten",
            )
        count = AuditEvent.objects.filter(id__lte=anchor.event_id).count()
        if count != anchor.count:
            return AnchorReport(
                checked,
                anchor,
                f"{count} events up to event {anchor.event_id}, {anchor.count} when anchored at "
                f"{anchor.at}: events were {'added' if count > anchor.count else 'deleted'}",
            )
    return AnchorReport(checked, torn_lines=torn)
