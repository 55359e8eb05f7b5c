"""``manage.py verify_audit`` against rows changed behind the ORM's back (raw SQL)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from amtsbote import audit
from amtsbote.audit.models import AuditEvent
from amtsbote.audit.services import _digest, _payload, check_chain

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=connection.ops.quote_name(TABLE)), params)


def _verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


@pytest.fixture
def events():
    return [audit.record(f"test.thing.step{i}", data={"n": i}) for i in range(5)]


def test_an_intact_chain_passes(events):
    code, message = _verify()
    assert code == 0
    assert f"{AuditEvent.objects.count()} events, chain intact" in message


def test_an_altered_row_is_named(events):
    victim = events[2]
    _sql("UPDATE {table} SET action = %s WHERE id = %s", ["test.thing.harmless", victim.pk])
    code, message = _verify()
    assert code == 1
    assert f"event {victim.pk} at " in message
    assert "(altered)" in message and "test.thing.harmless" in message
    assert check_chain().first_break.event_id == victim.pk


def test_an_altered_row_with_recomputed_hash_breaks_the_next_link(events):
    victim = events[2]
    _sql("UPDATE {table} SET data = %s WHERE id = %s", ['{"n": 99}', victim.pk])
    victim.refresh_from_db()
    _sql(
        "UPDATE {table} SET hash = %s WHERE id = %s",
        [_digest(victim.prev_hash, _payload(victim)), victim.pk],
    )
    broken = check_chain().first_break
    assert broken.event_id == events[3].pk
    assert _verify()[0] == 1


def test_a_deleted_row_names_the_event_after_the_gap(events):
    _sql("DELETE FROM {table} WHERE id = %s", [events[2].pk])
    code, message = _verify()
    assert code == 1
    assert "(deleted)" in message and f"event {events[3].pk} at " in message


def test_deleting_the_newest_rows_is_detected(events):
    _sql("DELETE FROM {table} WHERE id >= %s", [events[3].pk])
    broken = check_chain().first_break
    assert broken.kind == "deleted"
    assert broken.event_id == events[2].pk


def _forge(prev_hash: str, action: str) -> int:
    forged = AuditEvent(
        occurred_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        action=action,
        actor_label="mallory",
        data={},
        prev_hash=prev_hash,
    )
    forged.hash = _digest(prev_hash, _payload(forged))
    _sql(
        "INSERT INTO {table} (occurred_at, action, actor_label, subject_type, subject_id,"
        " data, prev_hash, hash) VALUES (%s, %s, %s, '', '', %s, %s, %s)",
        [forged.occurred_at, action, "mallory", "{}", prev_hash, forged.hash],
    )
    return AuditEvent.objects.get(hash=forged.hash).pk


def test_a_forged_row_between_real_events_is_named(events):
    """The forger even computed a valid hash linking to the newest event; the next real
    event still links to the event before the forgery."""
    forged_id = _forge(events[-1].hash, "test.thing.forged")
    audit.record("test.thing.after")
    code, message = _verify()
    assert code == 1
    assert "(inserted)" in message and f"event {forged_id} at " in message


def test_a_forged_row_at_the_end_is_named(events):
    forged_id = _forge(events[-1].hash, "test.thing.forged")
    broken = check_chain().first_break
    assert (broken.kind, broken.event_id) == ("inserted", forged_id)


def test_a_forged_row_with_a_made_up_hash_is_named(events):
    _sql(
        "INSERT INTO {table} (occurred_at, action, actor_label, subject_type, subject_id,"
        " data, prev_hash, hash) VALUES (%s, %s, '', '', '', %s, %s, %s)",
        [dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "x.forged", "{}", "1" * 64, "2" * 64],
    )
    forged_id = AuditEvent.objects.get(hash="2" * 64).pk
    audit.record("test.thing.after")
    broken = check_chain().first_break
    assert (broken.kind, broken.event_id) == ("inserted", forged_id)
