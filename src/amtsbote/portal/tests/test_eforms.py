"""Online forms in the portal, through the client: steps, drafts, validation, sending."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.eforms.models import FormDraft, FormSubmission
from amtsbote.eforms.tests.factories import draft_with, move_answers, send_move

pytestmark = pytest.mark.django_db

VAEM = "/portal/forms/veraenderungsmitteilung/"


def start(client: Client, url: str = VAEM) -> None:
    response = client.post(url)
    assert response.status_code == 302


def test_the_forms_page_lists_every_form(anna_client):
    response = anna_client.get("/portal/forms/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    for code in (
        "veraenderungsmitteilung",
        "weiterbewilligungsantrag",
        "arbeitsunfaehigkeit",
        "ortsabwesenheit",
        "termin",
    ):
        assert f'data-testid="form-{code}"' in response.content.decode()


def test_a_move_step_by_step_to_the_summary_and_sent(anna_client, customer_anna):
    start(anna_client)
    response = anna_client.post(f"{VAEM}parts/", {"parts": ["move"]})
    assert response["Location"] == f"{VAEM}move/"
    answers = {**move_answers(), "rent": "450,00", "service_charges": "120,50", "heating": ""}
    response = anna_client.post(f"{VAEM}move/", answers)
    assert response["Location"] == f"{VAEM}remarks/"
    response = anna_client.post(f"{VAEM}remarks/", {"remarks": ""})
    assert response["Location"] == f"{VAEM}summary/"
    summary = anna_client.get(f"{VAEM}summary/").content.decode()
    assert "Lindenallee 7" in summary and "450,00 €" in summary
    assert 'data-testid="form-send"' in summary
    response = anna_client.post(f"{VAEM}summary/")
    submission = FormSubmission.objects.get()
    assert response["Location"] == f"/portal/forms/sent/{submission.uuid}/"
    receipt = anna_client.get(response["Location"]).content.decode()
    assert submission.reference in receipt
    assert "Mietvertrag" in receipt and "Meldebescheinigung" in receipt
    request = submission.follow_ups.get()
    assert f"/portal/requests/{request.uuid}/" in receipt
    # The follow-up is a normal to-do on the start page too.
    assert 'data-testid="todo"' in anna_client.get("/portal/").content.decode()


def test_an_invalid_iban_is_shown_on_the_field_and_the_draft_is_kept(anna_client):
    start(anna_client)
    anna_client.post(f"{VAEM}parts/", {"parts": ["bank"]})
    response = anna_client.post(
        f"{VAEM}bank/", {"account_holder": "Anna Schmidt", "iban": "DE00 1234 5678 9012 3456 78"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-iban"' not in page  # text fields use the shared component
    assert 'id="id_iban-error"' in page and "Diese IBAN ist nicht gültig" in page
    assert 'value="DE00 1234 5678 9012 3456 78"' in page
    draft = FormDraft.objects.get()
    assert draft.data == {"parts": {"parts": ["bank"]}}
    assert draft.step == "bank"


def test_a_moving_date_far_in_the_past_is_shown_on_the_field_and_the_draft_is_kept(anna_client):
    start(anna_client)
    anna_client.post(f"{VAEM}parts/", {"parts": ["move"]})
    old = (timezone.localdate() - dt.timedelta(days=500)).isoformat()
    response = anna_client.post(f"{VAEM}move/", {**move_answers(), "moving_date": old})
    assert response.status_code == 400
    assert "mehr als ein Jahr zurück" in response.content.decode()
    assert FormDraft.objects.get().data == {"parts": {"parts": ["move"]}}


def test_an_absence_ending_before_it_starts_is_shown_and_the_draft_is_kept(anna_client):
    url = "/portal/forms/ortsabwesenheit/"
    start(anna_client, url)
    today = timezone.localdate()
    response = anna_client.post(
        f"{url}absence/",
        {
            "start": (today + dt.timedelta(days=10)).isoformat(),
            "end": (today + dt.timedelta(days=5)).isoformat(),
            "destination": "Aachen",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_end-error"' in page
    assert "Das Enddatum liegt vor dem Anfangsdatum" in page
    assert FormDraft.objects.get(form_code="ortsabwesenheit").data == {}


def test_messages_are_in_the_customers_language(anna_client):
    anna_client.cookies["django_language"] = "ar"
    start(anna_client)
    anna_client.post(f"{VAEM}parts/", {"parts": ["bank"]})
    response = anna_client.post(f"{VAEM}bank/", {"account_holder": "Anna", "iban": "DE00"})
    page = response.content.decode()
    assert 'dir="rtl"' in page
    assert "رقم IBAN هذا غير صحيح" in page


def test_the_draft_is_resumed_in_another_session(customer_anna):
    phone = Client()
    phone.force_login(customer_anna)
    start(phone)
    phone.post(f"{VAEM}parts/", {"parts": ["move", "bank"]})
    phone.post(f"{VAEM}move/", move_answers())

    laptop = Client()
    laptop.force_login(customer_anna)
    page = laptop.get(VAEM).content.decode()
    assert 'data-testid="draft-found"' in page
    response = laptop.post(VAEM)
    assert response["Location"] == f"{VAEM}bank/"
    move_page = laptop.get(f"{VAEM}move/").content.decode()
    assert 'value="Lindenallee 7"' in move_page


def test_a_draft_can_be_discarded(anna_client):
    start(anna_client)
    anna_client.post(f"{VAEM}parts/", {"parts": ["move"]})
    response = anna_client.post(f"{VAEM}discard/")
    assert response.status_code == 302
    assert not FormDraft.objects.exists()


def test_steps_that_were_not_chosen_are_404(anna_client):
    start(anna_client)
    anna_client.post(f"{VAEM}parts/", {"parts": ["bank"]})
    assert anna_client.get(f"{VAEM}move/").status_code == 404
    assert anna_client.get(f"{VAEM}nothing/").status_code == 404


# --- access gates ------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_login(client):
    for url in ("/portal/forms/", VAEM, f"{VAEM}parts/", f"{VAEM}summary/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_accounts_without_a_household_get_404(client):
    client.force_login(UserFactory())
    assert client.get("/portal/forms/").status_code == 404
    assert client.post(VAEM).status_code == 404


def test_unknown_forms_and_steps_without_a_draft_are_404(anna_client):
    assert anna_client.get("/portal/forms/nope/").status_code == 404
    assert anna_client.get(f"{VAEM}parts/").status_code == 404
    assert anna_client.get(f"{VAEM}summary/").status_code == 404


def test_receipts_are_only_for_the_sender(anna_client, carl_client, customer_anna, case_anna):
    submission = send_move(customer_anna)
    url = f"/portal/forms/sent/{submission.uuid}/"
    assert anna_client.get(url).status_code == 200
    assert carl_client.get(url).status_code == 404
    assert anna_client.get(f"/portal/forms/sent/{FormDraft().uuid}/").status_code == 404


def test_drafts_are_per_account(anna_client, carl_client, customer_anna):
    draft_with(customer_anna, "veraenderungsmitteilung", {"parts": {"parts": ["move"]}})
    # Carl has no draft of his own: he cannot reach Anna's.
    assert carl_client.get(f"{VAEM}move/").status_code == 404
    assert carl_client.get(f"{VAEM}summary/").status_code == 404


def test_a_finished_draft_resumes_at_the_summary(anna_client, customer_anna):
    draft_with(
        customer_anna,
        "termin",
        {
            "appointment": {
                "date": timezone.localdate().isoformat(),
                "action": "cancel",
                "reason": "sick",
                "details": "",
                "preferred": "",
            }
        },
    )
    response = anna_client.post("/portal/forms/termin/")
    assert response["Location"] == "/portal/forms/termin/summary/"
    response = anna_client.post("/portal/forms/termin/summary/")
    submission = FormSubmission.objects.get(form_code="termin")
    assert response["Location"] == f"/portal/forms/sent/{submission.uuid}/"
    assert not submission.follow_ups.exists()
    assert submission.document.register.code == "vermittlung"


def test_the_receipt_pdf_is_sealed_and_only_for_the_sender(anna_client, carl_client, customer_anna):
    from amtsbote.core.sealing import verify_pdf

    submission = send_move(customer_anna)
    url = f"/portal/forms/sent/{submission.uuid}/pdf/"
    response = anna_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert verify_pdf(response.content).genuine
    assert carl_client.get(url).status_code == 404


def test_the_continuation_form_asks_for_details_only_when_something_changed(anna_client):
    url = "/portal/forms/weiterbewilligungsantrag/"
    start(anna_client, url)
    nothing = dict.fromkeys(("household", "income", "housing", "assets", "health"), "no")
    response = anna_client.post(f"{url}changes/", nothing)
    assert response["Location"] == f"{url}summary/"
    response = anna_client.post(f"{url}changes/", {**nothing, "income": "yes"})
    assert response["Location"] == f"{url}details/"
    anna_client.post(f"{url}details/", {"details": "Neue Teilzeitstelle seit 1.10."})
    response = anna_client.post(f"{url}summary/")
    submission = FormSubmission.objects.get()
    document_type = submission.document.document_type
    assert document_type is not None and document_type.code == "weiterbewilligungsantrag"
    codes = [
        getattr(i.document_type, "code", None) for i in submission.follow_ups.get().items.all()
    ]
    assert codes == ["einkommensbescheinigung"]


def test_a_sick_note_leads_to_the_photo_of_the_au(anna_client):
    url = "/portal/forms/arbeitsunfaehigkeit/"
    start(anna_client, url)
    today = timezone.localdate()
    anna_client.post(
        f"{url}dates/",
        {"first_day": today.isoformat(), "last_day": today.isoformat(), "kind": "first"},
    )
    response = anna_client.post(f"{url}summary/")
    receipt = anna_client.get(response["Location"]).content.decode()
    request = FormSubmission.objects.get().follow_ups.get()
    assert "Arbeitsunfähigkeitsbescheinigung" in receipt
    assert f"/portal/requests/{request.uuid}/" in receipt


def test_another_member_of_the_household_sends_for_the_household(customer_anna, case_anna):
    from amtsbote.cases.tests.factories import PersonFactory

    omar = UserFactory(email="omar@example.org")
    PersonFactory(case=case_anna, customer_number="955D123457", first_name="Omar", user=omar)
    client = Client()
    client.force_login(omar)  # type: ignore[arg-type]
    url = "/portal/forms/termin/"
    start(client, url)
    client.post(
        f"{url}appointment/",
        {"date": timezone.localdate().isoformat(), "action": "move", "reason": "work"},
    )
    response = client.post(f"{url}summary/")
    submission = FormSubmission.objects.get()
    assert response["Location"] == f"/portal/forms/sent/{submission.uuid}/"
    assert submission.case == case_anna and submission.person.first_name == "Omar"
