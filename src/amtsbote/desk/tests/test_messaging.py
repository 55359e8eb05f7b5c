"""The desk's messages through the client: team inbox (filters, unread, pinned queries),
a thread (read audited, reply, canned reply, assignment, close), new message from the case."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from amtsbote.accounts.tests.factories import StaffFactory, UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.tests.factories import CaseFactory, PersonFactory
from amtsbote.messaging.models import Message, Thread
from amtsbote.messaging.services import canned_reply_create
from amtsbote.messaging.tests.factories import photo, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(customer_anna):
    return start(customer_anna, subject="Frage zur Miete", body="Wann kommt das Geld?")


def test_team_inbox_lists_threads_of_my_teams_with_unread_marker(
    client_ben, thread, stranger_sara, customer_carl
):
    carl_thread = start(customer_carl, code="vermittlung", subject="Bewerbung")
    html = client_ben.get(reverse("desk:messages")).content.decode()
    assert html.count('data-testid="thread"') == 1
    assert str(thread.uuid) in html and 'data-unread="yes"' in html
    assert str(carl_thread.uuid) not in html  # routed to Markt & Integration
    assert "Anna Schmidt" in html and "96201BG0012345" in html
    assert "Wann kommt" not in html  # no content in the list


def test_team_inbox_query_count_does_not_grow(
    client_ben, case_anna, customer_anna, django_assert_max_num_queries
):
    for number in range(6):
        start(customer_anna, subject=f"Frage {number}")
    url = reverse("desk:messages")
    client_ben.get(url)  # warm up (session, content types)
    # session + user + threads (joined with case, person, team, topic, assignee, with unread)
    with django_assert_max_num_queries(3):
        response = client_ben.get(url)
    assert response.content.decode().count('data-testid="thread"') == 6


def test_the_list_updates_itself(client_ben, thread):
    url = reverse("desk:messages")
    page = client_ben.get(url).content.decode()
    assert f'hx-get="{url}?show=open"' in page
    partial = client_ben.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and str(thread.uuid) in partial


def test_filters(client_ben, caseworker_ben, thread, customer_anna):
    other = start(customer_anna, subject="Zweite Frage")
    client_ben.post(reverse("desk:thread_assign", args=[other.uuid]), {"me": "1"})
    url = reverse("desk:messages")
    mine = client_ben.get(url, {"show": "mine"}).content.decode()
    assert str(other.uuid) in mine and str(thread.uuid) not in mine
    unassigned = client_ben.get(url, {"show": "unassigned"}).content.decode()
    assert str(thread.uuid) in unassigned and str(other.uuid) not in unassigned
    client_ben.post(reverse("desk:thread_close", args=[thread.uuid]))
    closed = client_ben.get(url, {"show": "closed"}).content.decode()
    assert str(thread.uuid) in closed and str(other.uuid) not in closed
    assert client_ben.get(url, {"show": "nonsense"}).status_code == 200


def test_reading_a_thread_is_audited_and_marks_it_read(client_ben, caseworker_ben, thread):
    response = client_ben.get(reverse("desk:thread", args=[thread.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wann kommt das Geld?" in html
    assert AuditEvent.objects.filter(action="messaging.thread.read", actor=caseworker_ben).exists()
    assert 'data-unread="no"' in client_ben.get(reverse("desk:messages")).content.decode()


def test_attachment_is_linked_to_the_e_file(client_ben, customer_anna):
    with_photo = start(customer_anna, files=[photo()])
    html = client_ben.get(reverse("desk:thread", args=[with_photo.uuid])).content.decode()
    document = Message.objects.get(thread=with_photo).document
    assert reverse("desk:document_detail", args=[document.uuid]) in html


def test_reply_with_a_canned_reply_mails_the_customer(
    client_ben, caseworker_ben, thread, mailbox, django_capture_on_commit_callbacks
):
    reply = canned_reply_create(
        actor=caseworker_ben, title="Eingang", body="Vielen Dank, wir prüfen das."
    )
    url = reverse("desk:thread", args=[thread.uuid])
    html = client_ben.get(url, {"canned": str(reply.uuid)}).content.decode()
    assert "Vielen Dank, wir prüfen das.</textarea>" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client_ben.post(
            reverse("desk:thread_reply", args=[thread.uuid]), {"body": "Vielen Dank, 512 EUR."}
        )
    assert response.status_code == 302
    assert Message.objects.filter(thread=thread, from_staff=True).count() == 1
    assert len(mailbox) == 1 and "512" not in mailbox[0].get_payload(decode=True).decode()
    assert (
        client_ben.post(reverse("desk:thread_reply", args=[thread.uuid]), {"body": ""}).status_code
        == 400
    )


def test_assign_to_a_team_member(client_ben, thread, team_leistung):
    cem = StaffFactory(jobcenter=team_leistung.jobcenter, teams=[team_leistung])
    client_ben.post(reverse("desk:thread_assign", args=[thread.uuid]), {"assignee": cem.pk})
    assert Thread.objects.get().assigned_to == cem
    client_ben.post(reverse("desk:thread_assign", args=[thread.uuid]), {"assignee": ""})
    assert Thread.objects.get().assigned_to is None


def test_close_files_the_thread_and_it_stays_in_the_case_file(client_ben, thread, case_anna):
    client_ben.post(reverse("desk:thread_close", args=[thread.uuid]))
    thread.refresh_from_db()
    assert thread.record is not None
    case_html = client_ben.get(reverse("desk:case_detail", args=[case_anna.uuid])).content.decode()
    assert reverse("desk:document_detail", args=[thread.record.uuid]) in case_html
    assert reverse("desk:case_threads", args=[case_anna.uuid]) in case_html
    listed = client_ben.get(reverse("desk:case_threads", args=[case_anna.uuid])).content.decode()
    assert str(thread.uuid) in listed


def test_new_message_to_the_customer_from_the_case(
    client_ben, case_anna, customer_anna, team_leistung, mailbox, django_capture_on_commit_callbacks
):
    url = reverse("desk:thread_start", args=[case_anna.uuid])
    assert client_ben.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client_ben.post(
            url,
            {
                "person": customer_anna.person.pk,
                "team": team_leistung.pk,
                "subject": "Ihr Termin",
                "body": "Bitte kommen Sie am Montag.",
            },
        )
    thread = Thread.objects.get()
    assert response["Location"] == reverse("desk:thread", args=[thread.uuid])
    assert len(mailbox) == 1


def test_new_message_only_to_people_with_an_account(client_ben, case_anna, team_leistung):
    offline = PersonFactory(case=case_anna)
    response = client_ben.post(
        reverse("desk:thread_start", args=[case_anna.uuid]),
        {"person": offline.pk, "team": team_leistung.pk, "subject": "x", "body": "y"},
    )
    assert response.status_code == 200 and not Thread.objects.exists()


def test_canned_replies_page(client_ben):
    url = reverse("desk:canned_replies")
    client_ben.post(url, {"title": "Eingang", "body": "Danke für Ihre Nachricht."})
    html = client_ben.get(url).content.decode()
    assert "Danke für Ihre Nachricht." in html
    from amtsbote.messaging.models import CannedReply

    reply = CannedReply.objects.get()
    client_ben.post(reverse("desk:canned_reply_delete", args=[reply.uuid]))
    assert not CannedReply.objects.exists()


@pytest.mark.parametrize("name", ["thread", "thread_reply", "thread_assign", "thread_close"])
def test_thread_gates(name, client, thread, stranger_sara, caseworker_ben, customer_anna):
    method = client.get if name == "thread" else client.post
    url = reverse(f"desk:{name}", args=[thread.uuid])
    for outsider in (stranger_sara, customer_anna):
        client.force_login(outsider)
        assert method(url).status_code == 404
    client.force_login(caseworker_ben)
    assert method(reverse(f"desk:{name}", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("desk:thread", args=[thread.uuid])).status_code == 200


def test_case_pages_are_gated(client, case_anna, stranger_sara, customer_anna):
    for outsider in (stranger_sara, customer_anna):
        client.force_login(outsider)
        assert client.get(reverse("desk:case_threads", args=[case_anna.uuid])).status_code == 404
        assert client.get(reverse("desk:thread_start", args=[case_anna.uuid])).status_code == 404


def test_other_household_cannot_be_reached_through_the_case_of_another_team(client_ben, jobcenter):
    foreign = CaseFactory(
        jobcenter=jobcenter, teams=[jobcenter.teams.get(name="Markt & Integration")]
    )
    PersonFactory(case=foreign, user=UserFactory())
    assert client_ben.get(reverse("desk:case_threads", args=[foreign.uuid])).status_code == 404


def test_canned_reply_of_another_jobcenter_is_missing(client, stranger_sara, caseworker_ben):
    reply = canned_reply_create(actor=stranger_sara, title="X", body="Y")
    client.force_login(caseworker_ben)
    response = client.post(reverse("desk:canned_reply_delete", args=[reply.uuid]))
    assert response.status_code == 404
