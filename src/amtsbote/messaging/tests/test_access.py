"""Access gates: allowed, forbidden (other household member, other household, other team,
other jobcenter, customer on the staff side) and missing all behave; the last two are 404."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from amtsbote.messaging.access import (
    access_canned_reply_for_staff,
    access_message_for_customer,
    access_thread_for_customer,
    access_thread_for_staff,
)
from amtsbote.messaging.services import canned_reply_create

from .factories import start

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(customer_anna):
    return start(customer_anna)


def test_customer_gate(thread, customer_anna, member_max, customer_carl, caseworker_ben):
    assert access_thread_for_customer(customer_anna, thread.uuid) == thread
    for other in (member_max, customer_carl, caseworker_ben):
        with pytest.raises(Http404):
            access_thread_for_customer(other, thread.uuid)
    for missing in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(Http404):
            access_thread_for_customer(customer_anna, missing)


def test_staff_gate(thread, caseworker_ben, stranger_sara, caseworker_mia, customer_anna):
    assert access_thread_for_staff(caseworker_ben, thread.uuid) == thread
    for other in (stranger_sara, caseworker_mia, customer_anna):
        with pytest.raises(Http404):
            access_thread_for_staff(other, thread.uuid)
    with pytest.raises(Http404):
        access_thread_for_staff(caseworker_ben, uuid.uuid4())


def test_a_thread_routed_to_a_team_is_visible_to_that_team(customer_anna, caseworker_mia):
    routed = start(customer_anna, code="vermittlung")
    assert access_thread_for_staff(caseworker_mia, routed.uuid) == routed


def test_receipt_gate(thread, customer_anna, member_max, caseworker_ben):
    message = thread.messages.get()
    assert access_message_for_customer(customer_anna, message.uuid) == message
    for other in (member_max, caseworker_ben):
        with pytest.raises(Http404):
            access_message_for_customer(other, message.uuid)
    with pytest.raises(Http404):
        access_message_for_customer(customer_anna, uuid.uuid4())


def test_canned_reply_gate(caseworker_ben, colleague_cem, stranger_sara, customer_anna):
    reply = canned_reply_create(actor=caseworker_ben, title="Eingang", body="Danke")
    assert access_canned_reply_for_staff(colleague_cem, reply.uuid) == reply
    for other in (stranger_sara, customer_anna):
        with pytest.raises(Http404):
            access_canned_reply_for_staff(other, reply.uuid)
    with pytest.raises(Http404):
        access_canned_reply_for_staff(caseworker_ben, uuid.uuid4())
