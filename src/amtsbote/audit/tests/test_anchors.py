"""Anchors outside the database catch a chain that was rewritten consistently."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from amtsbote import audit
from amtsbote.audit.anchors import anchor_write, anchors_check, anchors_read
from amtsbote.audit.models import AuditChainHead, AuditEvent
from amtsbote.audit.services import _digest, _payload, check_chain

pytestmark = pytest.mark.django_db


def _verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def _rewrite_from(event_id: int, new_action: str) -> None:
    """What an attacker with database access does: change an event, recompute every hash
    after it and the head, so that the chain is consistent with itself again."""
    events = list(AuditEvent.objects.filter(id__gte=event_id).order_by("id"))
    prev = AuditEvent.objects.filter(id__lt=event_id).order_by("-id").values_list("hash", flat=True)
    prev_hash = prev.first() or "0" * 64
    for event in events:
        if event.id == event_id:
            event.action = new_action
        event.prev_hash = prev_hash
        event.hash = _digest(prev_hash, _payload(event))
        AuditEvent.objects.filter(id=event.id).update(
            action=event.action, prev_hash=event.prev_hash, hash=event.hash
        )
        prev_hash = event.hash
    AuditChainHead.objects.filter(pk=1).update(hash=prev_hash)


@pytest.fixture
def events():
    return [audit.record(f"test.thing.step{i}", data={"n": i}) for i in range(6)]


def test_a_consistent_rewrite_passes_the_chain_but_not_the_anchor(events):
    anchor = anchor_write()
    assert anchor is not None and anchor.event_id == events[-1].pk and anchor.count == 6
    _rewrite_from(events[2].pk, "test.thing.harmless")

    assert check_chain().intact  # the chain alone cannot tell
    report = anchors_check()
    assert not report.intact
    assert report.first_mismatch == anchor
    code, message = _verify()
    assert code == 1
    assert f"event {events[-1].pk} no longer has the hash anchored" in message


def test_anchors_hold_on_an_untouched_log_and_only_change_is_anchored(events):
    first = anchor_write()
    assert anchor_write() == first  # nothing new: no second line
    audit.record("test.thing.later")
    second = anchor_write()
    assert second is not None and second.count == 7
    lines = list(anchors_read())
    assert lines == [first, second]
    code, message = _verify()
    assert code == 0
    assert "2 anchors in" in message and "hold" in message


def test_deleted_newest_events_with_the_head_moved_back_are_caught(events):
    anchor_write()
    AuditEvent.objects.filter(id__gte=events[4].pk).delete()
    AuditChainHead.objects.filter(pk=1).update(hash=events[3].hash)
    assert check_chain().intact
    report = anchors_check()
    assert not report.intact
    assert f"event {events[-1].pk}" in report.detail and "missing" in report.detail


def test_a_torn_last_line_is_ignored_and_cut_before_the_next_anchor(events):
    path = Path(settings.AUDIT_ANCHOR_FILE)
    anchor_write()
    with path.open("a") as handle:
        handle.write('{"at": "2026-11-22T10:00:00+00:00", "event_')  # crash while appending
    report = anchors_check()
    assert report.intact and report.checked == 1 and report.torn_lines == 1

    audit.record("test.thing.after-crash")
    anchor_write()
    assert None not in list(anchors_read())
    assert anchors_check().checked == 2


def test_an_edited_line_in_the_middle_is_reported(events):
    path = Path(settings.AUDIT_ANCHOR_FILE)
    anchor_write()
    audit.record("test.thing.more")
    anchor_write()
    lines = path.read_text().splitlines()
    path.write_text("garbage\n" + lines[1] + "\n")
    report = anchors_check()
    assert not report.intact and "line 1" in report.detail


def test_without_events_nothing_is_anchored(tmp_path):
    assert anchor_write(tmp_path / "anchors.jsonl") is None
    assert not (tmp_path / "anchors.jsonl").exists()


def test_the_command_writes_an_anchor(events):
    out = io.StringIO()
    call_command("audit_anchor", stdout=out)
    assert f"anchored event {events[-1].pk} (6 events)" in out.getvalue()
    assert Path(settings.AUDIT_ANCHOR_FILE).read_text().count("\n") == 1
