"""Representatives in the portal's messages and forms: a grant with "write messages" or
"submit forms" lets them act in the represented person's name, visibly (portal receipt and
desk); without the scope, after the grant ends, and for anybody else every page is 404."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.services_representation import (
    representation_grant_by_staff,
    representation_revoke,
)
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.core.sealing import verify_pdf
from amtsbote.eforms.models import FormDraft, FormSubmission
from amtsbote.eforms.tests.factories import draft_with, send_move
from amtsbote.messaging.models import Message, Thread
from amtsbote.messaging.services import thread_reply
from amtsbote.messaging.tests.factories import start as start_thread
from amtsbote.messaging.tests.factories import topic

pytestmark = pytest.mark.django_db

WRITE = RepresentationScope.WRITE_MESSAGES
FORMS = RepresentationScope.SUBMIT_FORMS
# "Rita Rat für Anna Schmidt (Vertretung)": German is the default language.
RITA_FOR_ANNA = "Rita Rat für Anna Schmidt (Vertretung)"
TERMIN = "/portal/forms/termin/"


@pytest.fixture
def rita(db):
    return UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")


@pytest.fixture
def rita_client(rita) -> Client:
    client = Client()
    client.force_login(rita)
    return client


@pytest.fixture
def ben_client(caseworker_ben) -> Client:
    client = Client()
    client.force_login(caseworker_ben)
    return client


@pytest.fixture
def member_max(case_anna):
    """Anna's partner in the same household, with a portal account of his own."""
    user = UserFactory(email="max@example.org", first_name="Max", last_name="Schmidt")
    PersonFactory(
        case=case_anna,
        customer_number="955D123458",
        first_name="Max",
        last_name="Schmidt",
        user=user,
        position=1,
    )
    return user


def grant(ben, customer, rep, scopes=(WRITE,), days=30):
    return representation_grant_by_staff(
        actor=ben,
        person=customer.person,
        representative=rep,
        kind=RepresentationKind.GUARDIAN,
        scopes=scopes,
        valid_until=timezone.localdate() + dt.timedelta(days=days),
    )


def message_pages(thread: Thread, message: Message) -> list[str]:
    return [
        reverse("portal:messages"),
        reverse("portal:thread_new"),
        reverse("portal:thread", args=[thread.uuid]),
        reverse("portal:message_receipt", args=[message.uuid]),
        reverse("portal:message_receipt_pdf", args=[message.uuid]),
    ]


def form_pages(submission: FormSubmission) -> list[str]:
    return [
        reverse("portal:forms"),
        TERMIN,
        f"{TERMIN}appointment/",
        f"{TERMIN}summary/",
        reverse("portal:form_receipt", args=[submission.uuid]),
        reverse("portal:form_receipt_pdf", args=[submission.uuid]),
    ]


def rita_writes(rita_client, thread: Thread, body: str = "Frau Schmidt bittet um Rückruf."):
    response = rita_client.post(reverse("portal:thread", args=[thread.uuid]), {"body": body})
    assert response.status_code == 302, response.content[:2000]
    return Message.objects.get(body=body)


def termin_answers() -> dict[str, str]:
    return {"date": timezone.localdate().isoformat(), "action": "move", "reason": "work"}


# --- messages ---------------------------------------------------------------------------


def test_a_representative_writes_in_the_persons_name(
    rita_client, ben_client, caseworker_ben, customer_anna, case_anna, rita
):
    grant(caseworker_ben, customer_anna, rita)
    anna_thread = start_thread(customer_anna, subject="Frage zur Miete")
    listing = rita_client.get(reverse("portal:messages"))
    assert listing.status_code == 200
    assert str(anna_thread.uuid) in listing.content.decode()
    assert 'data-testid="writing-for"' in listing.content.decode()
    assert rita_client.get(reverse("portal:thread", args=[anna_thread.uuid])).status_code == 200

    # An answer in Anna's thread: Rita is the author, Anna the person she writes for.
    message = rita_writes(rita_client, anna_thread)
    assert (message.author, message.on_behalf_of, message.thread) == (
        rita,
        customer_anna.person,
        anna_thread,
    )
    assert message.manifest["on_behalf_of"]["person"] == str(customer_anna.person.uuid)
    event = AuditEvent.objects.filter(action="messaging.thread.message").last()
    assert event is not None and event.actor_id == rita.pk
    assert event.data["on_behalf_of"] == str(customer_anna.person.uuid)
    assert event.data["representation"]

    # The receipt names both, on the page and in the sealed PDF.
    receipt = rita_client.get(reverse("portal:message_receipt", args=[message.uuid]))
    assert receipt.status_code == 200
    assert RITA_FOR_ANNA in receipt.content.decode()
    assert 'data-testid="receipt-sent-by"' in receipt.content.decode()
    pdf = rita_client.get(reverse("portal:message_receipt_pdf", args=[message.uuid]))
    assert pdf.status_code == 200 and verify_pdf(pdf.content).genuine

    # A new thread is Anna's (her household, her person), started by Rita.
    response = rita_client.post(
        reverse("portal:thread_new"),
        {"topic": topic(case_anna.jobcenter).pk, "subject": "Umzug", "body": "Neue Adresse folgt."},
    )
    assert response.status_code == 302
    started = Thread.objects.get(subject="Umzug")
    assert (started.case, started.person, started.created_by) == (
        case_anna,
        customer_anna.person,
        rita,
    )
    assert started.messages.get().on_behalf_of == customer_anna.person
    start_event = AuditEvent.objects.get(
        action="messaging.thread.start", data__thread=str(started.uuid)
    )
    assert start_event.data["on_behalf_of"] == str(customer_anna.person.uuid)

    # The desk: the thread is in the team's inbox, and shows who wrote for whom.
    inbox = ben_client.get(reverse("desk:messages")).content.decode()
    assert str(started.uuid) in inbox and str(anna_thread.uuid) in inbox
    desk = ben_client.get(reverse("desk:thread", args=[anna_thread.uuid])).content.decode()
    assert RITA_FOR_ANNA in desk and 'data-from="representative"' in desk


def test_the_customer_sees_what_was_written_in_her_name(
    anna_client, rita_client, caseworker_ben, customer_anna, rita
):
    grant(caseworker_ben, customer_anna, rita)
    thread = start_thread(customer_anna)
    message = rita_writes(rita_client, thread)
    page = anna_client.get(reverse("portal:thread", args=[thread.uuid])).content.decode()
    assert RITA_FOR_ANNA in page
    # Her own receipts, and the one of what was sent in her name.
    assert reverse("portal:message_receipt", args=[message.uuid]) in page
    receipt = anna_client.get(reverse("portal:message_receipt", args=[message.uuid]))
    assert receipt.status_code == 200 and RITA_FOR_ANNA in receipt.content.decode()
    # Rita sees only her own receipts in the thread.
    own = thread.messages.order_by("created_at").first()
    rita_page = rita_client.get(reverse("portal:thread", args=[thread.uuid])).content.decode()
    assert reverse("portal:message_receipt", args=[message.uuid]) in rita_page
    assert reverse("portal:message_receipt", args=[own.uuid]) not in rita_page
    assert rita_client.get(reverse("portal:message_receipt", args=[own.uuid])).status_code == 404


def test_reading_by_the_representative_leaves_the_customers_unread_marker(
    anna_client, rita_client, caseworker_ben, customer_anna, rita
):
    grant(caseworker_ben, customer_anna, rita)
    thread = start_thread(customer_anna)
    thread_reply(thread=thread, author=caseworker_ben, body="Bitte senden Sie den Vertrag.")
    assert 'data-unread="yes"' in rita_client.get(reverse("portal:messages")).content.decode()
    rita_client.get(reverse("portal:thread", args=[thread.uuid]))
    assert 'data-unread="no"' in rita_client.get(reverse("portal:messages")).content.decode()
    # Anna has not read it yet: her marker is hers.
    assert 'data-unread="yes"' in anna_client.get(reverse("portal:messages")).content.decode()
    read = AuditEvent.objects.filter(action="messaging.thread.read", actor_id=rita.pk).get()
    assert read.data["on_behalf_of"] == str(customer_anna.person.uuid)


def test_an_answer_of_the_team_is_mailed_to_the_customer_and_the_representative(
    mailbox, caseworker_ben, customer_anna, rita, django_capture_on_commit_callbacks
):
    grant(caseworker_ben, customer_anna, rita)
    thread = start_thread(customer_anna)
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread_reply(thread=thread, author=caseworker_ben, body="Ihre Miete wird übernommen.")
    recipients = sorted(mail["To"] for mail in mailbox)
    assert recipients == ["anna@example.org", "rita@beratung.example"]
    for mail in mailbox:  # no content in the mail
        assert "Miete" not in mail.get_payload(decode=True).decode()


@pytest.mark.parametrize(
    "scopes",
    [
        (RepresentationScope.READ_LETTERS,),
        (RepresentationScope.UPLOAD, FORMS),
    ],
)
def test_without_write_messages_every_messages_page_is_404(
    rita_client, caseworker_ben, customer_anna, case_anna, rita, scopes
):
    grant(caseworker_ben, customer_anna, rita, scopes=scopes)
    thread = start_thread(customer_anna)
    message = thread.messages.get()
    for url in message_pages(thread, message):
        assert rita_client.get(url).status_code == 404, url
    assert (
        rita_client.post(reverse("portal:thread", args=[thread.uuid]), {"body": "x"}).status_code
        == 404
    )
    response = rita_client.post(
        reverse("portal:thread_new"), {"topic": topic(case_anna.jobcenter).pk, "body": "x"}
    )
    assert response.status_code == 404
    assert Message.objects.count() == 1
    # The acting start page offers no messages (the link is "home-messages").
    home = rita_client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="home-messages"' not in home


def test_a_revoked_grant_closes_the_messages_and_the_threads_stay_the_persons(
    anna_client, rita_client, caseworker_ben, customer_anna, rita
):
    made = grant(caseworker_ben, customer_anna, rita)
    thread = start_thread(customer_anna)
    message = rita_writes(rita_client, thread)
    representation_revoke(representation=made, actor=customer_anna)
    for url in message_pages(thread, message):
        assert rita_client.get(url).status_code == 404, url
    assert (
        rita_client.post(reverse("portal:thread", args=[thread.uuid]), {"body": "x"}).status_code
        == 404
    )
    thread.refresh_from_db()
    assert thread.person == customer_anna.person
    assert str(thread.uuid) in anna_client.get(reverse("portal:messages")).content.decode()
    assert (
        anna_client.get(reverse("portal:message_receipt", args=[message.uuid])).status_code == 200
    )


def test_an_ended_grant_closes_the_messages(caseworker_ben, customer_anna, rita):
    grant(caseworker_ben, customer_anna, rita, days=1)
    thread = start_thread(customer_anna)
    client = Client()
    client.force_login(rita)
    message = rita_writes(client, thread)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        client = Client()
        client.force_login(rita)
        for url in message_pages(thread, message):
            assert client.get(url).status_code == 404, url


def test_a_representative_of_household_b_never_reaches_household_a(
    rita_client, caseworker_ben, customer_anna, customer_carl, case_anna, rita
):
    grant(caseworker_ben, customer_carl, rita, scopes=list(RepresentationScope.values))
    annas = start_thread(customer_anna, subject="Anna fragt")
    carls = start_thread(customer_carl, subject="Carl fragt")
    listing = rita_client.get(reverse("portal:messages")).content.decode()
    assert str(carls.uuid) in listing and str(annas.uuid) not in listing
    for url in message_pages(annas, annas.messages.get())[2:]:
        assert rita_client.get(url).status_code == 404, url
    assert (
        rita_client.post(reverse("portal:thread", args=[annas.uuid]), {"body": "x"}).status_code
        == 404
    )
    submission = send_move(customer_anna)
    for url in form_pages(submission)[-2:]:
        assert rita_client.get(url).status_code == 404, url
    assert str(submission.uuid) not in rita_client.get(reverse("portal:forms")).content.decode()


def test_a_grant_for_one_member_does_not_show_another_members_threads(
    rita_client, caseworker_ben, customer_anna, member_max, rita
):
    grant(caseworker_ben, member_max, rita, scopes=list(RepresentationScope.values))
    annas = start_thread(customer_anna, subject="Anna fragt")
    maxs = start_thread(member_max, subject="Max fragt")
    listing = rita_client.get(reverse("portal:messages")).content.decode()
    assert str(maxs.uuid) in listing and str(annas.uuid) not in listing
    for url in message_pages(annas, annas.messages.get())[2:]:
        assert rita_client.get(url).status_code == 404, url
    assert (
        rita_client.post(reverse("portal:thread", args=[annas.uuid]), {"body": "x"}).status_code
        == 404
    )
    anna_sent = send_move(customer_anna)
    for url in form_pages(anna_sent)[-2:]:
        assert rita_client.get(url).status_code == 404, url
    # Anna's draft is not Max's: Rita starts a draft of her own for Max.
    draft_with(customer_anna, "termin", {"appointment": termin_answers()})
    assert rita_client.get(f"{TERMIN}summary/").status_code == 404
    rita_client.post(TERMIN)
    mine = FormDraft.objects.get(user=rita)
    assert mine.person == member_max.person and mine.data == {}


def test_a_customer_acting_for_herself_keeps_her_own_messages(
    anna_client, customer_anna, caseworker_ben, customer_carl
):
    """Anna represents Carl, but while she acts for herself she sees her own threads."""
    grant(caseworker_ben, customer_carl, customer_anna)
    own = start_thread(customer_anna, subject="Meine Frage")
    carls = start_thread(customer_carl, subject="Carls Frage")
    listing = anna_client.get(reverse("portal:messages")).content.decode()
    assert str(own.uuid) in listing and str(carls.uuid) not in listing
    assert 'data-testid="writing-for"' not in listing


# --- forms ------------------------------------------------------------------------------


def test_a_representative_sends_a_form_in_the_persons_name(
    anna_client, rita_client, ben_client, caseworker_ben, customer_anna, rita
):
    grant(caseworker_ben, customer_anna, rita, scopes=[FORMS])
    # Anna has a draft of her own of the same form: it stays hers, untouched.
    own = draft_with(
        customer_anna, "termin", {"appointment": {**termin_answers(), "reason": "sick"}}
    )
    index = rita_client.get(reverse("portal:forms")).content.decode()
    assert 'data-testid="sending-for"' in index and 'data-testid="draft-waiting"' not in index
    assert rita_client.post(TERMIN)["Location"] == f"{TERMIN}appointment/"
    response = rita_client.post(f"{TERMIN}appointment/", termin_answers())
    assert response["Location"] == f"{TERMIN}summary/"
    assert FormDraft.objects.count() == 2
    response = rita_client.post(f"{TERMIN}summary/")
    submission = FormSubmission.objects.get()
    assert response["Location"] == reverse("portal:form_receipt", args=[submission.uuid])
    assert (submission.person, submission.submitted_by, submission.on_behalf_of) == (
        customer_anna.person,
        rita,
        customer_anna.person,
    )
    assert submission.data["appointment"]["reason"] == "work"
    event = AuditEvent.objects.get(action="eforms.submission.create")
    assert event.actor_id == rita.pk
    assert event.data["on_behalf_of"] == str(customer_anna.person.uuid)
    own.refresh_from_db()
    assert own.data["appointment"]["reason"] == "sick" and own.user == customer_anna

    receipt = rita_client.get(response["Location"]).content.decode()
    assert RITA_FOR_ANNA in receipt and 'data-testid="form-sent-by"' in receipt
    pdf = rita_client.get(reverse("portal:form_receipt_pdf", args=[submission.uuid]))
    assert pdf.status_code == 200 and verify_pdf(pdf.content).genuine
    index = rita_client.get(reverse("portal:forms")).content.decode()
    assert reverse("portal:form_receipt", args=[submission.uuid]) in index

    # Anna sees what was sent in her name; her own draft still waits for her.
    index = anna_client.get(reverse("portal:forms")).content.decode()
    assert reverse("portal:form_receipt", args=[submission.uuid]) in index
    assert 'data-testid="draft-waiting"' in index
    assert (
        RITA_FOR_ANNA
        in anna_client.get(reverse("portal:form_receipt", args=[submission.uuid])).content.decode()
    )

    # The desk: list and form name both.
    case_forms = ben_client.get(
        reverse("desk:case_forms", args=[submission.case.uuid])
    ).content.decode()
    assert RITA_FOR_ANNA in case_forms
    detail = ben_client.get(reverse("desk:form_detail", args=[submission.uuid])).content.decode()
    assert RITA_FOR_ANNA in detail and 'data-testid="form-sent-by"' in detail


@pytest.mark.parametrize(
    "scopes", [(WRITE,), (RepresentationScope.READ_LETTERS, RepresentationScope.UPLOAD)]
)
def test_without_submit_forms_every_forms_page_is_404(
    rita_client, caseworker_ben, customer_anna, rita, scopes
):
    grant(caseworker_ben, customer_anna, rita, scopes=scopes)
    submission = send_move(customer_anna)
    draft_with(customer_anna, "termin", {"appointment": termin_answers()})
    for url in form_pages(submission):
        assert rita_client.get(url).status_code == 404, url
    for url in (TERMIN, f"{TERMIN}summary/", f"{TERMIN}discard/"):
        assert rita_client.post(url).status_code == 404, url
    assert FormDraft.objects.get().user == customer_anna
    assert FormSubmission.objects.count() == 1


def test_a_revoked_grant_closes_the_forms_and_keeps_the_draft_unreachable(
    rita_client, caseworker_ben, customer_anna, rita
):
    made = grant(caseworker_ben, customer_anna, rita, scopes=[FORMS])
    rita_client.post(TERMIN)
    rita_client.post(f"{TERMIN}appointment/", termin_answers())
    rita_client.post(f"{TERMIN}summary/")
    submission = FormSubmission.objects.get()
    rita_client.post(TERMIN)  # a second draft, not sent
    representation_revoke(representation=made, actor=caseworker_ben)
    for url in form_pages(submission):
        assert rita_client.get(url).status_code == 404, url
    assert rita_client.post(f"{TERMIN}summary/").status_code == 404
    assert FormSubmission.objects.count() == 1


def test_an_ended_grant_closes_the_forms(caseworker_ben, customer_anna, rita):
    grant(caseworker_ben, customer_anna, rita, scopes=[FORMS], days=1)
    client = Client()
    client.force_login(rita)
    client.post(TERMIN)
    client.post(f"{TERMIN}appointment/", termin_answers())
    client.post(f"{TERMIN}summary/")
    submission = FormSubmission.objects.get()
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        client = Client()
        client.force_login(rita)
        for url in form_pages(submission):
            assert client.get(url).status_code == 404, url


# --- in real Chromium -------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_representative_sends_a_message_in_the_browser(
    browser, live_server, caseworker_ben, customer_anna, rita
):
    from django.conf import settings
    from playwright.sync_api import expect

    grant(caseworker_ben, customer_anna, rita)
    client = Client()
    client.force_login(rita)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(
        locale="de-DE", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/portal/")
        expect(page.get_by_test_id("acting-for")).to_contain_text("Anna Schmidt")
        page.get_by_test_id("nav-messages").click()
        page.get_by_test_id("message-new").click()
        expect(page.get_by_test_id("writing-for")).to_contain_text("Anna Schmidt")
        form = page.get_by_test_id("message-form")
        form.get_by_label("Geld und Leistungen (Bürgergeld)").check()
        form.get_by_label("Betreff").fill("Rückruf erbeten")
        form.get_by_label("Ihre Nachricht").fill("Frau Schmidt bittet um einen Rückruf.")
        page.get_by_test_id("message-send").click()
        expect(page.get_by_test_id("message-sent")).to_be_visible()
        message = Message.objects.get()
        expect(page.get_by_test_id("receipt-reference")).to_have_text(message.reference)
        expect(page.get_by_test_id("receipt-sent-by")).to_have_text(RITA_FOR_ANNA)
        assert (message.author, message.on_behalf_of) == (rita, customer_anna.person)
        assert message.thread.person == customer_anna.person
    finally:
        context.close()
