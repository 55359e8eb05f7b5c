"""The desk's letters: new letter, delivery status, consents, print queue, proof."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents.models import DocumentType
from amtsbote.documents.tests import samples
from amtsbote.postbox.constants import Channel, LetterStatus, LetterTemplate
from amtsbote.postbox.models import Letter
from amtsbote.postbox.services import consent_record
from amtsbote.postbox.tests.factories import ConsentFactory, postbox_sender

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper_letter(customer_carl, caseworker_ben, django_capture_on_commit_callbacks):
    send = postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)
    return send(customer_carl.person)


def test_upload_a_bescheid(
    client_ben, case_anna, customer_anna, mailbox, django_capture_on_commit_callbacks
):
    ConsentFactory(person=customer_anna.person)
    url = reverse("desk:letter_create", args=[case_anna.uuid])
    assert client_ben.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client_ben.post(
            url,
            {
                "addressee": customer_anna.person.pk,
                "kind": "bescheid",
                "template": LetterTemplate.UPLOAD,
                "subject": "Bewilligungsbescheid",
                "pdf": SimpleUploadedFile("b.pdf", samples.pdf_bytes(2, ["B"]), "application/pdf"),
            },
        )
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:letter_detail", args=[letter.uuid])
    assert letter.channel == Channel.DIGITAL and letter.status == LetterStatus.NOTIFIED
    detail = client_ben.get(response["Location"]).content.decode()
    for step in ("created", "notified", "smtp"):
        assert f'data-step="{step}"' in detail
    assert "250 Message accepted for delivery" in detail
    assert len(mailbox) == 1


def test_letter_form_requires_a_pdf(client_ben, case_anna, customer_anna):
    response = client_ben.post(
        reverse("desk:letter_create", args=[case_anna.uuid]),
        {
            "addressee": customer_anna.person.pk,
            "kind": "bescheid",
            "template": "upload",
            "subject": "X",
        },
    )
    assert response.status_code == 200
    assert not Letter.objects.exists()


@pytest.mark.parametrize("template", ["generic", "reminder", "doc_request", "activation"])
def test_letters_from_templates(
    template, client_ben, case_anna, customer_anna, caseworker_ben, team_leistung
):
    person = customer_anna.person
    data = {
        "addressee": person.pk,
        "kind": "letter",
        "template": template,
        "subject": "Ihre Unterlagen",
        "body": "Erster Absatz.\n\nZweiter Absatz.",
        "deadline": "2027-01-15",
    }
    if template == "doc_request":
        data["doc_request"] = doc_request_create(
            case=case_anna,
            team=team_leistung,
            created_by=caseworker_ben,
            items=[ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag"))],
        ).pk
    response = client_ben.post(reverse("desk:letter_create", args=[case_anna.uuid]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    letter = Letter.objects.get()
    assert letter.template == template
    assert letter.channel == Channel.PAPER  # Anna has not consented
    version = letter.document.current_version
    expected_pages = 2 if template == "doc_request" else 1  # + cover sheet with QR code
    assert version.pages == expected_pages
    if template == "activation":
        assert person.activation_codes.count() == 1


@pytest.mark.parametrize("name", ["desk:letter_detail", "desk:letter_file", "desk:letter_proof"])
def test_letter_gates(name, client_ben, paper_letter, stranger_sara):
    url = reverse(name, args=[paper_letter.uuid])
    assert client_ben.get(url).status_code == 200
    sara = Client()
    sara.force_login(stranger_sara)
    assert sara.get(url).status_code == 404
    missing = reverse(name, args=["00000000-0000-0000-0000-000000000000"])
    assert client_ben.get(missing).status_code == 404


def test_customers_never_reach_desk_letters(paper_letter, customer_carl, client):
    client.force_login(customer_carl)
    assert client.get(reverse("desk:letter_detail", args=[paper_letter.uuid])).status_code == 404
    assert client.get(reverse("desk:print_queue")).status_code == 404


def test_print_queue_batch_printed_posted(client_ben, paper_letter, stranger_sara):
    page = client_ben.get(reverse("desk:print_queue")).content.decode()
    assert paper_letter.subject in page
    batch = client_ben.get(reverse("desk:print_batch"))
    assert batch["Content-Type"] == "application/pdf"
    assert len(pikepdf.open(io.BytesIO(batch.content)).pages) % 2 == 0
    # Another jobcenter's staff see an empty queue.
    sara = Client()
    sara.force_login(stranger_sara)
    assert paper_letter.subject not in sara.get(reverse("desk:print_queue")).content.decode()
    job = paper_letter.print_jobs.get()
    client_ben.post(reverse("desk:print_printed"), {"job": [str(job.uuid)]})
    today = dt.date.today().isoformat()
    client_ben.post(reverse("desk:print_posted"), {"job": [str(job.uuid)], "posted_on": today})
    paper_letter.refresh_from_db()
    assert paper_letter.status == LetterStatus.POSTED
    assert paper_letter.bekanntgabe_on is not None
    detail = client_ben.get(reverse("desk:letter_detail", args=[paper_letter.uuid])).content
    assert b'data-step="posted"' in detail and b'data-step="printed"' in detail


def test_consent_history_is_visible_to_staff(client_ben, case_anna, customer_anna):
    person = customer_anna.person
    consent_record(person=person, kind="e_bekanntgabe", granted=True, recorded_by=customer_anna)
    consent_record(person=person, kind="e_bekanntgabe", granted=False, recorded_by=customer_anna)
    html = client_ben.get(reverse("desk:case_letters", args=[case_anna.uuid])).content.decode()
    assert html.count('data-testid="consent-event"') == 2
    assert 'data-testid="consent-e_bekanntgabe" data-granted="no"' in html


def test_proof_of_delivery_download(client_ben, paper_letter):
    response = client_ben.get(reverse("desk:letter_proof", args=[paper_letter.uuid]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_dispute(client_ben, customer_anna, caseworker_ben, django_capture_on_commit_callbacks):
    ConsentFactory(person=customer_anna.person)
    letter = postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)(
        customer_anna.person
    )
    assert letter.bekanntgabe_on is not None
    client_ben.post(reverse("desk:letter_dispute", args=[letter.uuid]))
    letter.refresh_from_db()
    assert letter.receipt_disputed_at is not None and letter.bekanntgabe_on is None
