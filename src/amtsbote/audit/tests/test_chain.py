import pytest

from amtsbote import audit
from amtsbote.audit.models import AuditEvent
from amtsbote.audit.services import GENESIS, verify_chain

pytestmark = pytest.mark.django_db


def test_events_chain_to_each_other(caseworker_ben):
    first = audit.record("test.thing.create", actor=caseworker_ben, data={"n": 1})
    second = audit.record("test.thing.update", actor=caseworker_ben, data={"n": 2})
    assert second.prev_hash == first.hash
    assert verify_chain() is None


def test_a_changed_event_breaks_the_chain(caseworker_ben):
    audit.record("test.thing.create", actor=caseworker_ben)
    victim = audit.record("test.thing.update", actor=caseworker_ben, data={"amount": 10})
    audit.record("test.thing.delete", actor=caseworker_ben)
    AuditEvent.objects.filter(pk=victim.pk).update(data={"amount": 1000})
    assert verify_chain() == victim.pk


def test_a_deleted_event_breaks_the_chain():
    audit.record("a")
    middle = audit.record("b")
    last = audit.record("c")
    AuditEvent.objects.filter(pk=middle.pk).delete()
    assert verify_chain() == last.pk


def test_first_event_starts_from_genesis():
    AuditEvent.objects.all().delete()
    from amtsbote.audit.models import AuditChainHead

    AuditChainHead.objects.all().delete()
    event = audit.record("x")
    assert event.prev_hash == GENESIS
