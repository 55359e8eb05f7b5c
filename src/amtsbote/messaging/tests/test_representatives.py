"""Representatives writing messages, through the services and access functions: only under
a grant in force with "write messages", only in the threads of the person it is for; the
message records both, and so does the thread's PDF in the e-file."""

from __future__ import annotations

import datetime as dt

import pypdfium2
import pytest
from django.http import Http404
from django.utils import timezone

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.services_representation import (
    representation_grant_by_staff,
    representation_revoke,
)
from amtsbote.core.exceptions import PermissionDenied
from amtsbote.messaging.access import access_message_for_customer, access_thread_for_customer
from amtsbote.messaging.models import Message, Thread
from amtsbote.messaging.selectors import threads_for_representative
from amtsbote.messaging.services import (
    message_send_by_customer,
    thread_close,
    thread_mark_read,
    thread_start,
)

from .factories import start, topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def rita(db):
    return UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")


def grant(ben, person, rep, scopes=(RepresentationScope.WRITE_MESSAGES,)):
    return representation_grant_by_staff(
        actor=ben,
        person=person,
        representative=rep,
        kind=RepresentationKind.AUTHORISED,
        scopes=scopes,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )


def test_a_representative_starts_a_thread_in_the_persons_name(
    caseworker_ben, customer_anna, case_anna, rita
):
    made = grant(caseworker_ben, customer_anna.person, rita)
    message = thread_start(
        customer=rita,
        topic=topic(case_anna.jobcenter),
        subject="Frage",
        body="Im Namen von Frau Schmidt.",
        on_behalf_of=customer_anna.person,
    )
    thread = message.thread
    assert (thread.case, thread.person, thread.created_by) == (
        case_anna,
        customer_anna.person,
        rita,
    )
    assert (message.author, message.on_behalf_of) == (rita, customer_anna.person)
    assert message.manifest["on_behalf_of"] == {
        "person": str(customer_anna.person.uuid),
        "name": "Anna Schmidt",
        "representative": "Rita Rat",
    }
    for action in ("messaging.thread.start", "messaging.thread.message"):
        event = AuditEvent.objects.get(action=action)
        assert event.actor_id == rita.pk
        assert event.data["on_behalf_of"] == str(customer_anna.person.uuid)
        assert event.data["representation"] == str(made.uuid)
    # The customer's own read marker is not touched by what the representative sends.
    thread.refresh_from_db()
    assert thread.customer_read_at is None


@pytest.mark.parametrize(
    "scopes",
    [(), (RepresentationScope.READ_LETTERS, RepresentationScope.UPLOAD)],
)
def test_without_a_grant_with_the_scope_nothing_is_sent(
    caseworker_ben, customer_anna, case_anna, rita, scopes
):
    if scopes:
        grant(caseworker_ben, customer_anna.person, rita, scopes=scopes)
    thread = start(customer_anna)
    with pytest.raises(PermissionDenied):
        thread_start(
            customer=rita,
            topic=topic(case_anna.jobcenter),
            subject="x",
            body="x",
            on_behalf_of=customer_anna.person,
        )
    with pytest.raises(PermissionDenied):
        message_send_by_customer(
            thread=thread, customer=rita, body="x", on_behalf_of=customer_anna.person
        )
    with pytest.raises(PermissionDenied):
        thread_mark_read(thread=thread, user=rita, on_behalf_of=customer_anna.person)
    assert Thread.objects.count() == 1 and Message.objects.count() == 1


def test_only_the_threads_of_the_person_of_the_grant(
    caseworker_ben, customer_anna, customer_carl, member_max, rita
):
    grant(caseworker_ben, customer_carl.person, rita)
    grant(caseworker_ben, member_max.person, rita)
    annas = start(customer_anna)
    carls = start(customer_carl)
    assert list(threads_for_representative(rita, customer_carl.person)) == [carls]
    assert list(threads_for_representative(rita, customer_anna.person)) == []
    assert list(threads_for_representative(rita, member_max.person)) == []
    # Acting for Carl (or Max), Anna's thread is out of reach, whatever is claimed.
    for claimed in (customer_carl.person, member_max.person, customer_anna.person):
        with pytest.raises(Http404):
            access_thread_for_customer(rita, annas.uuid, on_behalf_of=claimed)
        with pytest.raises(Http404):
            access_message_for_customer(rita, annas.messages.get().uuid, on_behalf_of=claimed)
    for person in (customer_carl.person, member_max.person):
        with pytest.raises(PermissionDenied):
            message_send_by_customer(thread=annas, customer=rita, body="x", on_behalf_of=person)


def test_a_revoked_grant_ends_access_and_the_customer_keeps_the_receipt(
    caseworker_ben, customer_anna, rita
):
    made = grant(caseworker_ben, customer_anna.person, rita)
    thread = start(customer_anna)
    message = message_send_by_customer(
        thread=thread, customer=rita, body="Rückruf bitte", on_behalf_of=customer_anna.person
    )
    assert access_message_for_customer(rita, message.uuid, on_behalf_of=customer_anna.person)
    representation_revoke(representation=made, actor=customer_anna)
    with pytest.raises(Http404):
        access_thread_for_customer(rita, thread.uuid, on_behalf_of=customer_anna.person)
    with pytest.raises(Http404):
        access_message_for_customer(rita, message.uuid, on_behalf_of=customer_anna.person)
    with pytest.raises(Http404):  # nor as her own
        access_message_for_customer(rita, message.uuid)
    with pytest.raises(PermissionDenied):
        message_send_by_customer(
            thread=thread, customer=rita, body="x", on_behalf_of=customer_anna.person
        )
    assert access_message_for_customer(customer_anna, message.uuid) == message
    assert access_thread_for_customer(customer_anna, thread.uuid) == thread


def test_the_filed_thread_names_the_representative(caseworker_ben, customer_anna, rita):
    grant(caseworker_ben, customer_anna.person, rita)
    thread = start(customer_anna)
    message_send_by_customer(
        thread=thread, customer=rita, body="Rückruf bitte", on_behalf_of=customer_anna.person
    )
    closed = thread_close(thread=thread, actor=caseworker_ben)
    with closed.record.current_version.file.open("rb") as handle:
        pdf = pypdfium2.PdfDocument(handle.read())
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)
    assert "Rita Rat für Anna Schmidt (Vertretung)" in text
