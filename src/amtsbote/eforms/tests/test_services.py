"""Drafts and sending, through the services: PDF in the e-file, data kept, follow-ups."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest
from django.utils import timezone

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.doc_requests.constants import ItemStatus
from amtsbote.documents import processing
from amtsbote.eforms.definitions import registry
from amtsbote.eforms.models import FormDraft, FormSubmission
from amtsbote.eforms.services import draft_start, draft_step_save, form_submit
from amtsbote.eforms.tests.factories import VALID_IBAN, draft_with, move_answers, send_move

pytestmark = pytest.mark.django_db


def pdf_text(submission: FormSubmission) -> str:
    version = submission.document.current_version
    with version.file.open("rb") as handle:
        data = handle.read()
    assert processing.page_count(data) >= 1
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def test_sending_a_move_files_a_german_pdf_keeps_the_data_and_requests_documents(
    customer_anna, case_anna, team_leistung, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = send_move(customer_anna)

    assert submission.form_code == "veraenderungsmitteilung" and submission.form_version == 1
    assert submission.data["move"]["postal_code"] == "50667"
    assert submission.data["move"]["rent"] == "450.00"
    document = submission.document
    assert document.case == case_anna
    assert document.document_type.code == "veraenderungsmitteilung"
    assert document.register.code == "antrag"
    text = pdf_text(submission)
    assert "Veränderungsmitteilung" in text
    assert "Lindenallee 7" in text and "450,00 €" in text
    assert "96201BG0012345" in text and submission.reference in text
    assert "§ 36a Abs. 2a SGB I" in text

    (request,) = submission.follow_ups.all()
    assert request.team == team_leistung and request.case == case_anna
    assert [i.document_type.code for i in request.items.all()] == [
        "mietvertrag",
        "meldebescheinigung",
    ]
    assert all(i.status == ItemStatus.OPEN for i in request.items.all())
    assert request.deadline > timezone.localdate()
    assert submission.reference in request.message
    assert not FormDraft.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"eforms.submission.create", "doc_requests.request.create"} <= actions
    # The household is told, without content.
    assert [m["To"] for m in mailbox] == ["anna@example.org"]


def test_a_bank_change_needs_no_follow_up_and_keeps_the_normalised_iban(customer_anna):
    draft = draft_with(
        customer_anna,
        "veraenderungsmitteilung",
        {
            "parts": {"parts": ["bank"]},
            "bank": {"account_holder": "Anna Schmidt", "iban": VALID_IBAN},
            "remarks": {"remarks": ""},
        },
    )
    submission = form_submit(draft=draft, user=customer_anna)
    assert submission.data == {
        "parts": {"parts": ["bank"]},
        "bank": {"account_holder": "Anna Schmidt", "iban": VALID_IBAN},
        "remarks": {"remarks": ""},
    }
    assert not submission.follow_ups.exists()


def test_an_invalid_draft_is_not_sent_and_is_kept(customer_anna):
    too_old = timezone.localdate() - dt.timedelta(days=400)
    draft = draft_with(
        customer_anna,
        "veraenderungsmitteilung",
        {"parts": {"parts": ["move"]}, "move": move_answers(moving_date=too_old)},
    )
    with pytest.raises(ValidationFailed) as caught:
        form_submit(draft=draft, user=customer_anna)
    assert caught.value.code == "move"
    assert FormDraft.objects.get().data["move"]["moving_date"] == too_old.isoformat()
    assert not FormSubmission.objects.exists()


def test_the_draft_follows_the_chosen_parts(customer_anna):
    draft = draft_with(customer_anna, "veraenderungsmitteilung", {})
    assert draft.step == "parts"
    draft = draft_step_save(
        draft=draft, user=customer_anna, step_key="parts", values={"parts": ["bank", "move"]}
    )
    assert draft.step == "move"
    draft = draft_step_save(draft=draft, user=customer_anna, step_key="move", values=move_answers())
    assert draft.step == "bank"
    # Starting again returns the same draft (another device, another session).
    definition = registry.get("veraenderungsmitteilung")
    assert draft_start(user=customer_anna, definition=definition).pk == draft.pk


def test_every_household_member_with_an_account_can_send(customer_anna, case_anna):
    partner = UserFactory(email="omar@example.org")
    PersonFactory(case=case_anna, customer_number="955D123457", first_name="Omar", user=partner)
    submission = send_move(partner)
    assert submission.case == case_anna and submission.person.first_name == "Omar"


def test_somebody_elses_draft_cannot_be_saved_or_sent(customer_anna, customer_carl):
    draft = draft_with(customer_anna, "veraenderungsmitteilung", {})
    with pytest.raises(PermissionDenied):
        draft_step_save(
            draft=draft, user=customer_carl, step_key="parts", values={"parts": ["move"]}
        )
    with pytest.raises(PermissionDenied):
        form_submit(draft=draft, user=customer_carl)


def test_an_account_without_household_cannot_start(db):
    with pytest.raises(PermissionDenied):
        draft_start(user=UserFactory(), definition=registry.get("termin"))


def test_a_sick_note_goes_to_markt_und_integration_and_asks_for_the_au(
    customer_anna, case_anna, jobcenter
):
    integration = jobcenter.teams.get(name="Markt & Integration")
    case_anna.teams.add(integration)
    today = timezone.localdate()
    draft = draft_with(
        customer_anna,
        "arbeitsunfaehigkeit",
        {
            "dates": {
                "first_day": today.isoformat(),
                "last_day": (today + dt.timedelta(days=3)).isoformat(),
                "kind": "first",
            }
        },
    )
    submission = form_submit(draft=draft, user=customer_anna)
    (request,) = submission.follow_ups.all()
    assert request.team == integration
    assert [i.document_type.code for i in request.items.all()] == ["au_bescheinigung"]
    assert submission.document.register.code == "gesundheit"


def test_the_pdf_is_german_even_when_the_form_was_filled_in_arabic(customer_anna):
    from django.utils import translation

    with translation.override("ar"):
        submission = send_move(customer_anna)
    assert submission.language == "ar"
    text = pdf_text(submission)
    assert "Neue Wohnung" in text or "Ihre neue Wohnung" in text
    assert "Arabisch" in text or "العربية" in text
    with submission.document.current_version.file.open("rb") as handle:
        pikepdf.open(io.BytesIO(handle.read())).close()
