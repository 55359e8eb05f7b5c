"""Disposal of documents other records point to: postbox letters, form submissions, message
attachments, thread records, and the conversations of a case whose file is disposed of.

Runs on SQLite (FTS5) and PostgreSQL (tsvector); see test_disposal.py for the helpers.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from amtsbote.audit.models import AuditEvent
from amtsbote.cases.services import case_reopen
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.documents.models import Document, DocumentVersion
from amtsbote.documents.search import search_documents
from amtsbote.records import services
from amtsbote.records.constants import ProposalReason, ProposalStatus
from amtsbote.records.models import DisposedDocument, RetentionRule

from .test_disposal import POSTGRES, TODAY, approve_and_dispose, filed, fts5_terms, index_rows

pytestmark = pytest.mark.django_db

WORD = "Zwiebelkuchenamt"


def files_of(document: Document) -> list[str]:
    names = []
    for version in document.versions.all():
        names += [version.file.name, version.thumbnail.name]
    names += [original.file.name for original in document.originals.all()]
    return [name for name in names if name]


def with_text(document: Document, text: str) -> Document:
    DocumentVersion.objects.filter(document=document).update(text=text)
    return document


def assert_no_trace(document: Document, names: list[str], user, proposal) -> None:
    """Nothing of the document's content is left: rows, files, thumbnails, index, certificate."""
    assert not any(default_storage.exists(name) for name in names)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not DocumentVersion.objects.filter(text__contains=WORD).exists()
    assert list(search_documents(user=user, query=WORD)) == []
    assert index_rows(WORD) == 0
    if not POSTGRES:
        assert fts5_terms(WORD) == 0
    assert DisposedDocument.objects.filter(uuid=document.uuid).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISPOSED
    with default_storage.open(proposal.certificate.name, "rb") as handle:
        assert WORD.encode() not in handle.read()
    # What records management writes never names the content.
    assert not AuditEvent.objects.filter(action__startswith="records.", data__icontains=WORD)


# --- postbox letters ----------------------------------------------------------------------


def test_a_letter_is_proposed_and_disposed_with_its_evidence_kept(
    closed_long_ago, customer_anna, caseworker_ben, lead_lena, django_capture_on_commit_callbacks
):
    from amtsbote.postbox.constants import PrintReason
    from amtsbote.postbox.models import Letter, LetterRetrieval, PrintJob
    from amtsbote.postbox.tests.factories import send_letter

    letter = send_letter(customer_anna.person, by=caseworker_ben, subject=f"Bescheid {WORD}")
    document = with_text(letter.document, f"Bewilligung {WORD} 563 Euro")
    LetterRetrieval.objects.create(
        letter=letter, user=customer_anna, retrieved_at=timezone.now(), how="view"
    )
    if not letter.print_jobs.exists():
        PrintJob.objects.create(letter=letter, reason=PrintReason.values[0])
    jobs = letter.print_jobs.count()
    names = files_of(document)
    assert names and all(default_storage.exists(name) for name in names)
    assert index_rows(WORD) == 1

    (proposal,) = services.retention_propose(today=TODAY)
    assert list(proposal.items.values_list("document_id", flat=True)) == [document.pk]
    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)

    assert not Letter.objects.filter(pk=letter.pk).exists()
    assert not Letter.objects.filter(subject__contains=WORD).exists()
    assert not LetterRetrieval.objects.filter(letter_id=letter.pk).exists()
    assert not PrintJob.objects.filter(letter_id=letter.pk).exists()
    assert_no_trace(document, names, caseworker_ben, proposal)
    evidence = AuditEvent.objects.get(action="records.document.dispose").data["letter"]
    assert evidence["uuid"] == str(letter.uuid)
    assert evidence["kind"] == letter.kind
    assert evidence["channel"] == letter.channel
    assert len(evidence["printed_at"]) == jobs >= 1


def test_a_letter_within_its_retention_cannot_be_erased(
    case_anna, customer_anna, caseworker_ben, lead_tom
):
    from amtsbote.postbox.tests.factories import send_letter

    letter = send_letter(customer_anna.person, by=caseworker_ben, subject="Änderungsbescheid")
    other = filed(case_anna, title="Kontoauszug")

    with translation.override("en"), pytest.raises(ValidationFailed, match="Änderungsbescheid"):
        services.erasure_propose(
            case=case_anna, actor=lead_tom, note="Art. 17", documents=[letter.document, other]
        )
    # The other document alone may go.
    proposal = services.erasure_propose(
        case=case_anna, actor=lead_tom, note="Art. 17", documents=[other]
    )
    assert list(proposal.items.values_list("document_id", flat=True)) == [other.pk]


def test_a_letter_after_its_retention_can_be_erased(
    closed_long_ago, customer_anna, caseworker_ben, lead_tom
):
    from amtsbote.postbox.tests.factories import send_letter

    letter = send_letter(customer_anna.person, by=caseworker_ben)
    proposal = services.erasure_propose(
        case=closed_long_ago, actor=lead_tom, note="Art. 17", documents=[letter.document]
    )
    assert proposal.reason == ProposalReason.ERASURE


def test_a_longer_rule_keeps_a_letter_from_erasure(
    closed_long_ago, customer_anna, caseworker_ben, lead_tom
):
    from amtsbote.postbox.tests.factories import send_letter

    letter = send_letter(customer_anna.person, by=caseworker_ben)
    RetentionRule.objects.create(
        jobcenter=closed_long_ago.jobcenter, register_code=letter.document.register.code, years=30
    )
    with pytest.raises(ValidationFailed):
        services.erasure_propose(
            case=closed_long_ago, actor=lead_tom, note="Art. 17", documents=[letter.document]
        )


# --- form submissions ---------------------------------------------------------------------


def test_a_form_submission_goes_with_its_answers(
    closed_long_ago, customer_anna, caseworker_ben, lead_lena, django_capture_on_commit_callbacks
):
    from amtsbote.eforms.models import FormSubmission
    from amtsbote.eforms.tests.factories import send_move

    submission = send_move(customer_anna)
    document = with_text(submission.document, f"Lindenallee 7 {WORD}")
    names = files_of(document)
    assert FormSubmission.objects.filter(data__icontains="Lindenallee").exists()
    (proposal,) = services.retention_propose(today=TODAY)
    assert document.pk in set(proposal.items.values_list("document_id", flat=True))

    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)

    assert not FormSubmission.objects.filter(pk=submission.pk).exists()
    assert not FormSubmission.objects.filter(data__icontains="Lindenallee").exists()
    assert_no_trace(document, names, caseworker_ben, proposal)
    event = AuditEvent.objects.get(
        action="records.document.dispose", data__document=str(document.uuid)
    )
    assert event.data["form"]["reference"] == submission.reference
    assert event.data["form"]["pdf_sha256"] == submission.pdf_sha256


# --- messages -----------------------------------------------------------------------------


def test_an_erased_attachment_blanks_its_message(
    closed_long_ago, customer_anna, lead_lena, lead_tom, django_capture_on_commit_callbacks
):
    from amtsbote.messaging.models import Message, Thread
    from amtsbote.messaging.tests.factories import photo, start

    kept = filed(closed_long_ago, title="Kontoauszug", text="Girokonto")
    thread = start(customer_anna, body=f"Anbei mein Mietvertrag {WORD}", files=[photo()])
    message = Message.objects.get(thread=thread, document__isnull=False)
    attachment = with_text(message.document, f"Mietvertrag {WORD}")
    names = files_of(attachment)
    proposal = services.erasure_propose(
        case=closed_long_ago, actor=lead_tom, note="Art. 17", documents=[attachment]
    )

    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.document, message.body, message.manifest) == (None, "", {})
    assert Thread.objects.filter(pk=thread.pk).exists()  # the conversation itself stays
    assert not Message.objects.filter(body__contains=WORD).exists()
    assert_no_trace(attachment, names, lead_lena, proposal)
    assert Document.objects.filter(pk=kept.pk).exists()


def test_an_erased_thread_record_takes_the_thread(
    case_anna,
    customer_anna,
    caseworker_ben,
    lead_lena,
    lead_tom,
    django_capture_on_commit_callbacks,
):
    from amtsbote.messaging.models import Message, Thread
    from amtsbote.messaging.services import thread_close
    from amtsbote.messaging.tests.factories import start

    filed(case_anna, title="Kontoauszug", text="Girokonto")
    thread = start(customer_anna, body=f"Frage zu {WORD}")
    thread = thread_close(thread=thread, actor=caseworker_ben)
    record = thread.record
    assert record is not None
    names = files_of(record)
    proposal = services.erasure_propose(
        case=case_anna, actor=lead_tom, note="Art. 17", documents=[record]
    )

    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)

    assert not Thread.objects.filter(pk=thread.pk).exists()
    assert not Message.objects.filter(thread_id=thread.pk).exists()
    assert not Message.objects.filter(body__contains=WORD).exists()
    assert_no_trace(record, names, caseworker_ben, proposal)
    event = AuditEvent.objects.get(action="records.document.dispose")
    assert event.data["threads_deleted"] == [str(thread.uuid)]


def test_disposing_a_closed_case_file_erases_its_conversations(
    closed_long_ago, customer_anna, lead_lena, django_capture_on_commit_callbacks
):
    from amtsbote.eforms.models import FormDraft
    from amtsbote.eforms.tests.factories import draft_with, move_answers
    from amtsbote.messaging.models import Message, Thread
    from amtsbote.messaging.tests.factories import start

    filed(closed_long_ago)
    start(customer_anna, body=f"Guten Tag, {WORD}")
    draft_with(
        customer_anna,
        "veraenderungsmitteilung",
        {"parts": {"parts": ["move"]}, "move": move_answers()},
    )
    (proposal,) = services.retention_propose(today=TODAY)

    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)

    assert not Thread.objects.filter(case=closed_long_ago).exists()
    assert not Message.objects.filter(body__contains=WORD).exists()
    assert not FormDraft.objects.filter(case=closed_long_ago).exists()
    assert AuditEvent.objects.get(action="records.proposal.dispose").data["threads_deleted"] == 1


def test_a_partial_erasure_of_an_open_case_keeps_its_conversations(
    case_anna, customer_anna, lead_lena, lead_tom, django_capture_on_commit_callbacks
):
    from amtsbote.messaging.models import Thread
    from amtsbote.messaging.tests.factories import start

    document = filed(case_anna)
    start(customer_anna, body="Guten Tag")
    proposal = services.erasure_propose(
        case=case_anna, actor=lead_tom, note="Art. 17", documents=[document]
    )
    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)
    assert Thread.objects.filter(case=case_anna).count() == 1


# --- erasure requests, closing ------------------------------------------------------------


def test_an_erasure_request_is_recorded_with_its_details(closed_long_ago, lead_tom, lead_lena):
    filed(closed_long_ago)
    proposal = services.erasure_request_record(
        case=closed_long_ago,
        actor=lead_tom,
        requester="Anna Schmidt",
        received_on=dt.date(2024, 3, 1),
        legal_basis="Art. 17 Abs. 1 a DSGVO",
    )
    assert proposal.reason == ProposalReason.ERASURE
    assert proposal.note == "Anna Schmidt, 01.03.2024: Art. 17 Abs. 1 a DSGVO"
    event = AuditEvent.objects.get(action="records.erasure.request")
    assert event.data["requester"] == "Anna Schmidt"
    assert event.data["received_on"] == "2024-03-01"
    with pytest.raises(PermissionDenied):
        services.proposal_approve(proposal=proposal, actor=lead_tom)
    services.proposal_approve(proposal=proposal, actor=lead_lena)


def test_an_erasure_request_needs_a_team_lead_and_no_hold(
    closed_long_ago, caseworker_ben, lead_tom, lead_lena
):
    filed(closed_long_ago)
    details = {
        "requester": "Anna Schmidt",
        "received_on": dt.date(2024, 3, 1),
        "legal_basis": "Art. 17 DSGVO",
    }
    with pytest.raises(PermissionDenied):
        services.erasure_request_record(case=closed_long_ago, actor=caseworker_ben, **details)
    services.legal_hold_set(case=closed_long_ago, reason="Klage SG Köln", actor=lead_lena)
    with translation.override("en"), pytest.raises(ValidationFailed, match="legal hold"):
        services.erasure_request_record(case=closed_long_ago, actor=lead_tom, **details)
    assert not AuditEvent.objects.filter(action="records.erasure.request").exists()


def test_an_erasure_request_from_the_future_is_refused(closed_long_ago, lead_tom):
    filed(closed_long_ago)
    with translation.override("en"), pytest.raises(ValidationFailed, match="future"):
        services.erasure_request_record(
            case=closed_long_ago,
            actor=lead_tom,
            requester="Anna",
            received_on=timezone.localdate() + dt.timedelta(days=1),
            legal_basis="Art. 17",
        )


def test_a_reopened_case_is_not_disposed_of(closed_long_ago, lead_lena):
    filed(closed_long_ago)
    (proposal,) = services.retention_propose(today=TODAY)
    services.proposal_approve(proposal=proposal, actor=lead_lena)
    case_reopen(case=closed_long_ago)
    with translation.override("en"), pytest.raises(ValidationFailed, match="reopened"):
        services.disposal_execute(proposal=proposal)
    assert Document.objects.filter(case=closed_long_ago).count() == 1


def test_closing_is_refused_while_a_request_is_open(case_anna, caseworker_ben, team_leistung):
    from amtsbote.doc_requests.services import ItemSpec, doc_request_create

    doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Mietvertrag")],
    )
    with translation.override("en"), pytest.raises(ValidationFailed, match="1 open document"):
        services.case_close(case=case_anna, actor=caseworker_ben)
    case_anna.refresh_from_db()
    assert case_anna.closed_at is None


def test_closing_needs_the_case_team_or_a_team_lead(case_anna, stranger_sara, jobcenter):
    from amtsbote.accounts.tests.factories import StaffFactory

    outsider = StaffFactory(
        email="otto@jobcenter.example",
        jobcenter=jobcenter,
        teams=[jobcenter.teams.get(name="Markt & Integration")],
    )
    for actor in (outsider, stranger_sara):
        with pytest.raises(PermissionDenied):
            services.case_close(case=case_anna, actor=actor)


def test_a_retention_proposal_keeps_the_case_from_being_reopened(closed_long_ago, caseworker_ben):
    filed(closed_long_ago)
    services.retention_propose(today=TODAY)
    with pytest.raises(ValidationFailed):
        services.case_reopen(case=closed_long_ago, actor=caseworker_ben)


# --- rules --------------------------------------------------------------------------------


def test_rules_are_validated_changed_and_deleted(jobcenter, lead_lena, caseworker_ben):
    from amtsbote.documents.models import DocumentType

    with translation.override("en"):
        with pytest.raises(ValidationFailed, match="from 1 to 100"):
            services.retention_rule_set(jobcenter=jobcenter, years=0, actor=lead_lena)
        with pytest.raises(ValidationFailed, match="file plan"):
            services.retention_rule_set(
                jobcenter=jobcenter, years=5, register_code="nirgends", actor=lead_lena
            )
    with pytest.raises(PermissionDenied):
        services.retention_rule_set(jobcenter=jobcenter, years=5, actor=caseworker_ben)
    mietvertrag = DocumentType.objects.get(code="mietvertrag")
    rule = services.retention_rule_set(
        jobcenter=jobcenter, years=5, register_code="unterkunft", actor=lead_lena
    )
    other = services.retention_rule_set(
        jobcenter=jobcenter, years=6, document_type=mietvertrag, actor=lead_lena
    )
    with translation.override("en"), pytest.raises(ValidationFailed, match="already"):
        services.retention_rule_change(
            rule=rule, years=7, document_type=mietvertrag, actor=lead_lena
        )
    services.retention_rule_change(rule=rule, years=7, register_code="einkommen", actor=lead_lena)
    rule.refresh_from_db()
    assert (rule.register_code, rule.years) == ("einkommen", 7)
    services.retention_rule_delete(rule=other, actor=lead_lena)
    assert list(RetentionRule.objects.filter(jobcenter=jobcenter)) == [rule]
    assert list(
        AuditEvent.objects.filter(action__startswith="records.rule.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["records.rule.set", "records.rule.set", "records.rule.change", "records.rule.delete"]
