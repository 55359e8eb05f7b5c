"""The portal's messages through the client: list with unread markers, a new message with
photos (receipt, PDF), a question about a letter, answers, and the gates."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.core.sealing import verify_pdf
from amtsbote.documents.models import Document
from amtsbote.documents.tests import samples
from amtsbote.messaging.models import Message, Thread, Topic
from amtsbote.messaging.services import thread_reply
from amtsbote.messaging.tests.factories import start, topic
from amtsbote.postbox.tests.factories import ConsentFactory, postbox_sender

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_max_client(case_anna) -> Client:
    """Anna's partner in the same household, with a portal account of his own."""
    user = UserFactory(email="max@example.org", first_name="Max", last_name="Schmidt")
    PersonFactory(case=case_anna, first_name="Max", last_name="Schmidt", user=user, position=1)
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def jpeg(name="foto.jpg"):
    return SimpleUploadedFile(name, samples.jpeg_bytes(lines=["Mietvertrag"]), "image/jpeg")


def test_new_message_with_photos_gives_a_receipt(anna_client, customer_anna, case_anna):
    page = anna_client.get(reverse("portal:thread_new"))
    assert page.status_code == 200
    leistung = Topic.objects.get(jobcenter=case_anna.jobcenter, code="leistung")
    response = anna_client.post(
        reverse("portal:thread_new"),
        {
            "topic": leistung.pk,
            "subject": "Mietvertrag",
            "body": "Anbei der Vertrag.",
            "photos": [jpeg("a.jpg"), jpeg("b.jpg")],
            "files": [SimpleUploadedFile("c.pdf", samples.pdf_bytes(1), "application/pdf")],
        },
    )
    message = Message.objects.get()
    assert response["Location"] == reverse("portal:message_receipt", args=[message.uuid])
    receipt = anna_client.get(response["Location"]).content.decode()
    assert message.reference in receipt and receipt.count('data-testid="receipt-file"') == 3
    pdf = anna_client.get(reverse("portal:message_receipt_pdf", args=[message.uuid]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert verify_pdf(pdf.content).genuine
    assert message.document is not None and message.document.originals.count() == 3


def test_a_bad_file_keeps_the_text_and_stores_nothing(anna_client, case_anna):
    leistung = topic(case_anna.jobcenter)
    response = anna_client.post(
        reverse("portal:thread_new"),
        {
            "topic": leistung.pk,
            "body": "Mein Text bleibt",
            "files": [SimpleUploadedFile("x.exe", b"MZ not a document", "application/x-msdos")],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mein Text bleibt" in html and 'data-testid="form-errors"' in html
    assert not Thread.objects.exists() and not Document.objects.exists()


def test_list_shows_unread_answers_and_reading_clears_them(
    anna_client, customer_anna, caseworker_ben, django_assert_max_num_queries
):
    thread = start(customer_anna)
    thread_reply(thread=thread, author=caseworker_ben, body="Antwort vom Team")
    with django_assert_max_num_queries(4):
        html = anna_client.get(reverse("portal:messages")).content.decode()
    assert 'data-unread="yes"' in html
    page = anna_client.get(reverse("portal:thread", args=[thread.uuid])).content.decode()
    assert "Antwort vom Team" in page
    assert 'data-unread="no"' in anna_client.get(reverse("portal:messages")).content.decode()


def test_customer_answers_in_the_thread(anna_client, customer_anna):
    thread = start(customer_anna)
    response = anna_client.post(
        reverse("portal:thread", args=[thread.uuid]),
        {"body": "Noch eine Frage", "photos": [jpeg()]},
    )
    assert response.status_code == 302
    assert thread.messages.count() == 2


def test_question_about_a_letter(
    anna_client, customer_anna, caseworker_ben, django_capture_on_commit_callbacks
):
    ConsentFactory(person=customer_anna.person)
    letter = postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)(
        customer_anna.person
    )
    letter_page = anna_client.get(reverse("portal:letter", args=[letter.uuid])).content.decode()
    link = f"{reverse('portal:thread_new')}?letter={letter.uuid}"
    assert link in letter_page
    form = anna_client.get(link).content.decode()
    assert letter.subject in form
    leistung = Topic.objects.get(jobcenter=customer_anna.person.case.jobcenter, code="leistung")
    anna_client.post(
        reverse("portal:thread_new"),
        {"topic": leistung.pk, "subject": "Frage", "body": "Was heißt das?", "letter": letter.uuid},
    )
    assert Thread.objects.get().regarding == letter.document


def test_gates(anna_client, customer_anna, customer_carl, member_max_client):
    thread = start(customer_anna)
    message = thread.messages.get()
    carl = Client()
    carl.force_login(customer_carl)
    for client in (carl, member_max_client):
        assert client.get(reverse("portal:thread", args=[thread.uuid])).status_code == 404
        assert (
            client.post(reverse("portal:thread", args=[thread.uuid]), {"body": "x"}).status_code
            == 404
        )
        assert client.get(reverse("portal:message_receipt", args=[message.uuid])).status_code == 404
        assert str(thread.uuid) not in client.get(reverse("portal:messages")).content.decode()
    assert anna_client.get(reverse("portal:thread", args=[uuid.uuid4()])).status_code == 404
    assert (
        anna_client.get(reverse("portal:message_receipt", args=[uuid.uuid4()])).status_code == 404
    )


def test_someone_elses_letter_cannot_be_asked_about(
    customer_carl, customer_anna, caseworker_ben, django_capture_on_commit_callbacks
):
    ConsentFactory(person=customer_anna.person)
    letter = postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)(
        customer_anna.person
    )
    carl = Client()
    carl.force_login(customer_carl)
    assert carl.get(reverse("portal:thread_new"), {"letter": letter.uuid}).status_code == 404


def test_staff_and_people_without_household_have_no_messages(client, caseworker_ben):
    client.force_login(caseworker_ben)
    assert client.get(reverse("portal:messages")).status_code == 404
    assert client.get(reverse("portal:thread_new")).status_code == 404
