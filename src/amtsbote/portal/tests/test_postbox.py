"""The portal's postbox and consent page, through the client."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from amtsbote.postbox.constants import ConsentKind, LetterStatus, PrintReason
from amtsbote.postbox.models import LetterRetrieval
from amtsbote.postbox.tests.factories import ConsentFactory, postbox_sender

pytestmark = pytest.mark.django_db

FRIDAY = dt.datetime(2026, 12, 10, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def letter(customer_anna, caseworker_ben, django_capture_on_commit_callbacks):
    ConsentFactory(person=customer_anna.person)
    send = postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)
    with time_machine.travel(FRIDAY, tick=False):
        return send(customer_anna.person)


def test_postbox_lists_letters_with_unread_marker(anna_client, letter, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = anna_client.get(reverse("portal:postbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert letter.subject in html
    assert 'data-unread="yes"' in html


def test_letter_page_says_dates_in_plain_words(anna_client, letter):
    response = anna_client.get(reverse("portal:letter", args=[letter.uuid]))
    html = response.content.decode()
    # Bekanntgabe 14.12.2026 (4th day after Thursday 10.12.), deadline one month later.
    assert "Sie können bis zum 14.01.2027 Widerspruch einlegen." in html
    assert "14.12.2026" in html


def test_opening_records_the_first_retrieval(anna_client, letter, customer_anna):
    url = reverse("portal:letter_file", args=[letter.uuid])
    response = anna_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")
    download = anna_client.get(url + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    retrieval = LetterRetrieval.objects.get(letter=letter, user=customer_anna)
    assert retrieval.how == "view"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RETRIEVED
    listing = anna_client.get(reverse("portal:postbox")).content.decode()
    assert 'data-unread="no"' in listing


def test_send_me_this_on_paper(anna_client, letter):
    response = anna_client.post(reverse("portal:letter_paper", args=[letter.uuid]))
    assert response.status_code == 302
    assert letter.print_jobs.get().reason == PrintReason.CUSTOMER_REQUEST


@pytest.mark.parametrize("name", ["portal:letter", "portal:letter_file"])
def test_letter_gates(name, letter, anna_client, carl_client, client):
    url = reverse(name, args=[letter.uuid])
    assert anna_client.get(url).status_code == 200  # allowed
    assert carl_client.get(url).status_code == 404  # forbidden looks like missing
    missing = reverse(name, args=["00000000-0000-0000-0000-000000000000"])
    assert anna_client.get(missing).status_code == 404
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert not LetterRetrieval.objects.exclude(user__email="anna@example.org").exists()


def test_paper_request_gate(letter, carl_client):
    response = carl_client.post(reverse("portal:letter_paper", args=[letter.uuid]))
    assert response.status_code == 404
    assert not letter.print_jobs.exists()


def test_consents_are_given_and_withdrawn_separately(anna_client, customer_anna):
    person = customer_anna.person
    url = reverse("portal:consents")
    page = anna_client.get(url).content.decode()
    assert "§ 37 Abs. 2a SGB X" in page and "§ 36a Abs. 1 SGB I" in page
    anna_client.post(url, {"kind": ConsentKind.PORTAL_USE, "action": "grant"})
    assert list(person.consents.values_list("kind", "granted")) == [(ConsentKind.PORTAL_USE, True)]
    anna_client.post(url, {"kind": ConsentKind.E_BEKANNTGABE, "action": "grant"})
    anna_client.post(url, {"kind": ConsentKind.E_BEKANNTGABE, "action": "withdraw"})
    assert list(person.consents.values_list("kind", "granted")) == [
        (ConsentKind.PORTAL_USE, True),
        (ConsentKind.E_BEKANNTGABE, True),
        (ConsentKind.E_BEKANNTGABE, False),
    ]
    assert "Ich willige ein" in person.consents.last().wording
    assert anna_client.post(url, {"kind": "everything", "action": "grant"}).status_code == 404


def test_consents_need_a_linked_household(client):
    from amtsbote.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("portal:consents")).status_code == 404


def test_start_page_points_to_unread_letters(anna_client, letter, customer_anna):
    home = anna_client.get(reverse("portal:home")).content.decode()
    assert "1 neues Schreiben in Ihrem Postfach" in home
    anna_client.get(reverse("portal:letter_file", args=[letter.uuid]))
    assert (
        'data-testid="unread-letters"'
        not in anna_client.get(reverse("portal:home")).content.decode()
    )
