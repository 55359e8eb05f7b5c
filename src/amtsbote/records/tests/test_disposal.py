"""Proposal, four eyes, legal hold and disposal that leaves no trace of the content.

Runs on SQLite (FTS5) and PostgreSQL (tsvector); assertions for one index say so.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from amtsbote.audit.models import AuditEvent
from amtsbote.cases.services import case_reopen
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.core.sealing import verify_pdf
from amtsbote.desk.tests.conftest import make_document
from amtsbote.documents.constants import OcrStatus
from amtsbote.documents.models import Document, DocumentType, DocumentVersion, OriginalFile
from amtsbote.documents.search import search_documents
from amtsbote.records import services
from amtsbote.records.constants import ProposalReason, ProposalStatus
from amtsbote.records.models import DisposedDocument

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
TODAY = dt.date(2021, 1, 1)
WORD = "Quarkstrudelhaus"


def filed(case, *, title="Mietvertrag", text=f"Vermieterin {WORD} Kaltmiete 420 Euro"):
    document = make_document(case, title=title)
    DocumentVersion.objects.filter(document=document).update(text=text, ocr_status=OcrStatus.DONE)
    return document


def index_rows(word: str) -> int:
    """Rows of the search index that hold ``word`` (the index itself, not through rights)."""
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute(
                "SELECT count(*) FROM documents_document "
                "WHERE search_vector @@ plainto_tsquery('german', %s)",
                [word],
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM documents_search WHERE documents_search MATCH %s", [word]
            )
        return int(cursor.fetchone()[0])


def fts5_terms(word: str) -> int:
    """SQLite: how often the FTS5 index's own vocabulary still holds ``word``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab "
            "USING fts5vocab(main, documents_search, 'instance')"
        )
        cursor.execute("SELECT count(*) FROM temp.search_vocab WHERE term = %s", [word.lower()])
        return int(cursor.fetchone()[0])


def approve_and_dispose(proposal, approver, capture):
    services.proposal_approve(proposal=proposal, actor=approver)
    with capture(execute=True):
        return services.disposal_execute(proposal=proposal, actor=approver)


# --- proposal -----------------------------------------------------------------------------


def test_an_open_case_is_never_proposed(case_anna):
    filed(case_anna)
    assert services.retention_propose(today=dt.date(2100, 1, 1)) == []


def test_a_closed_case_is_proposed_once_its_retention_ended(closed_long_ago):
    document = filed(closed_long_ago)
    assert services.retention_propose(today=dt.date(2020, 12, 31)) == []

    (proposal,) = services.retention_propose(today=TODAY)

    assert proposal.reason == ProposalReason.RETENTION
    assert proposal.proposed_by is None
    assert [item.document for item in proposal.items.all()] == [document]
    assert proposal.items.get().due_on == dt.date(2020, 12, 31)
    assert AuditEvent.objects.filter(action="records.proposal.create").count() == 1
    # Running again proposes nothing twice.
    assert services.retention_propose(today=TODAY) == []


def test_a_rule_extends_the_retention(closed_long_ago):
    filed(closed_long_ago)
    services.retention_rule_set(
        jobcenter=closed_long_ago.jobcenter,
        register_code="unterkunft",
        document_type=DocumentType.objects.get(code="mietvertrag"),
        years=30,
    )
    assert services.retention_propose(today=TODAY) == []


def test_the_command_proposes(closed_long_ago, capsys):
    filed(closed_long_ago)
    call_command("retention_propose", "--today", "2021-01-01")
    assert "1 proposals, 1 documents" in capsys.readouterr().out


def test_a_reopened_case_is_not_proposed(closed_long_ago):
    filed(closed_long_ago)
    case_reopen(case=closed_long_ago)
    assert services.retention_propose(today=TODAY) == []


# --- legal hold ---------------------------------------------------------------------------


def test_a_legal_hold_blocks_proposal_and_disposal(closed_long_ago, lead_lena, lead_tom):
    filed(closed_long_ago)
    (proposal,) = services.retention_propose(today=TODAY)
    hold = services.legal_hold_set(case=closed_long_ago, reason="Klage SG Köln", actor=lead_lena)

    with translation.override("en"), pytest.raises(ValidationFailed, match="legal hold"):
        services.proposal_approve(proposal=proposal, actor=lead_tom)
    services.proposal_reject(proposal=proposal, actor=lead_tom)
    assert services.retention_propose(today=TODAY) == []

    services.legal_hold_lift(hold=hold, actor=lead_tom)
    assert len(services.retention_propose(today=TODAY)) == 1
    assert (
        AuditEvent.objects.filter(action__in=["records.hold.set", "records.hold.lift"]).count() == 2
    )


def test_only_a_team_lead_sets_a_hold(closed_long_ago, caseworker_ben):
    with pytest.raises(PermissionDenied):
        services.legal_hold_set(case=closed_long_ago, reason="Klage", actor=caseworker_ben)


# --- four eyes ----------------------------------------------------------------------------


def test_the_proposer_cannot_approve(closed_long_ago, lead_lena, lead_tom):
    filed(closed_long_ago)
    proposal = services.erasure_propose(
        case=closed_long_ago, actor=lead_lena, note="Antrag nach Art. 17 DSGVO"
    )

    with (
        translation.override("en"),
        pytest.raises(PermissionDenied, match="a second person has to approve it"),
    ):
        services.proposal_approve(proposal=proposal, actor=lead_lena)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED

    services.proposal_approve(proposal=proposal, actor=lead_tom)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.APPROVED, lead_tom)
    assert AuditEvent.objects.get(action="records.proposal.approve").actor == lead_tom


def test_a_caseworker_cannot_approve(closed_long_ago, caseworker_ben):
    filed(closed_long_ago)
    (proposal,) = services.retention_propose(today=TODAY)
    with pytest.raises(PermissionDenied):
        services.proposal_approve(proposal=proposal, actor=caseworker_ben)


def test_an_unapproved_proposal_is_not_carried_out(closed_long_ago):
    filed(closed_long_ago)
    (proposal,) = services.retention_propose(today=TODAY)
    with pytest.raises(ValidationFailed):
        services.disposal_execute(proposal=proposal)
    assert Document.objects.count() == 1


# --- disposal -----------------------------------------------------------------------------


def test_disposal_leaves_no_trace_of_the_content(
    closed_long_ago, caseworker_ben, lead_lena, django_capture_on_commit_callbacks
):
    document = filed(closed_long_ago, title=f"Mietvertrag {WORD}")
    version = document.versions.get()
    names = [version.file.name, version.thumbnail.name] + [
        original.file.name for original in document.originals.all()
    ]
    assert all(default_storage.exists(name) for name in names)
    assert [hit.document for hit in search_documents(user=caseworker_ben, query=WORD)] == [document]
    assert index_rows(WORD) == 1
    hashes = {version.sha256, *(o.sha256 for o in document.originals.all())}
    (proposal,) = services.retention_propose(today=TODAY)

    proposal = approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)

    assert not any(default_storage.exists(name) for name in names)
    assert list(search_documents(user=caseworker_ben, query=WORD)) == []
    assert list(search_documents(user=caseworker_ben, query="Kaltmiete")) == []
    assert index_rows(WORD) == 0
    if not POSTGRES:
        assert fts5_terms(WORD) == 0
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not DocumentVersion.objects.filter(text__contains=WORD).exists()
    assert not OriginalFile.objects.filter(document_id=document.pk).exists()

    tombstone = DisposedDocument.objects.get(uuid=document.uuid)
    assert tombstone.bg_number == closed_long_ago.bg_number
    assert tombstone.register_code == "unterkunft"
    assert {entry["sha256"] for entry in tombstone.hashes} == hashes
    assert WORD not in str(tombstone.hashes) + tombstone.document_type
    assert proposal.status == ProposalStatus.DISPOSED

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"records.document.dispose", "records.proposal.dispose"} <= actions
    # The audit log (append-only) keeps what staff typed into the search, nothing else.
    assert set(
        AuditEvent.objects.filter(data__icontains=WORD).values_list("action", flat=True)
    ) == {"documents.document.search"}

    with default_storage.open(proposal.certificate.name, "rb") as handle:
        pdf = handle.read()
    verdict = verify_pdf(pdf)
    assert verdict.genuine, verdict.reason
    assert WORD.encode() not in pdf


def test_files_removal_is_safe_to_run_twice(
    closed_long_ago, lead_lena, django_capture_on_commit_callbacks
):
    filed(closed_long_ago)
    (proposal,) = services.retention_propose(today=TODAY)
    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)
    assert services.disposal_files_remove(proposal_id=proposal.pk) == 0


def test_other_cases_keep_their_documents(
    closed_long_ago, customer_carl, caseworker_ben, lead_lena, django_capture_on_commit_callbacks
):
    filed(closed_long_ago)
    other = filed(customer_carl.person.case, title="Kontoauszug")
    (proposal,) = services.retention_propose(today=TODAY)
    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)
    assert list(Document.objects.all()) == [other]
    assert [hit.document for hit in search_documents(user=caseworker_ben, query=WORD)] == [other]
    assert default_storage.exists(other.versions.get().file.name)


# --- references from other records -------------------------------------------------------


def test_a_letter_is_proposed_like_every_document(closed_long_ago, customer_anna, caseworker_ben):
    """Letters follow the case's retention (test_disposal_paths.py: how they are disposed)."""
    from amtsbote.postbox.tests.factories import send_letter

    letter = send_letter(customer_anna.person, by=caseworker_ben)
    filed(closed_long_ago)
    (proposal,) = services.retention_propose(today=TODAY)
    assert letter.document_id in set(proposal.items.values_list("document_id", flat=True))


def test_a_message_attachment_loses_the_link(
    closed_long_ago, customer_anna, lead_lena, lead_tom, django_capture_on_commit_callbacks
):
    from amtsbote.messaging.models import Message
    from amtsbote.messaging.tests.factories import photo, start

    filed(closed_long_ago)  # the case file is not empty afterwards: the thread stays
    thread = start(customer_anna, files=[photo("Mietvertrag Seite 1")])
    message = Message.objects.get(thread=thread, document__isnull=False)
    attachment = message.document
    proposal = services.erasure_propose(
        case=closed_long_ago, actor=lead_tom, note="Art. 17", documents=[attachment]
    )
    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert message.document is None
    assert not Document.objects.filter(pk=attachment.pk).exists()


def test_a_request_item_keeps_its_place_without_the_document(
    closed_long_ago, caseworker_ben, team_leistung, lead_lena, django_capture_on_commit_callbacks
):
    from amtsbote.doc_requests.services import ItemSpec, doc_request_create

    request = doc_request_create(
        case=closed_long_ago,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Mietvertrag")],
    )
    item = request.items.get()
    document = filed(closed_long_ago)
    item.documents.add(document)
    (proposal,) = services.retention_propose(today=TODAY)

    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)

    item.refresh_from_db()
    assert list(item.documents.all()) == []


def test_the_mailroom_copy_goes_too(closed_long_ago, lead_lena, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from amtsbote.intake.models import IntakeDocument, ScanBatch, ScanFile, ScanPage

    document = filed(closed_long_ago)
    jobcenter = closed_long_ago.jobcenter
    batch = ScanBatch.objects.create(jobcenter=jobcenter, source="cli", started_at=timezone.now())
    scan = ScanFile.objects.create(
        batch=batch,
        jobcenter=jobcenter,
        filename="stapel.pdf",
        sha256="1" * 64,
        size=3,
        mime_type="application/pdf",
        kind="pdf",
        original=default_storage.save("intake/test/original", ContentFile(b"pdf")),
    )
    pages = [
        ScanPage.objects.create(
            file=scan,
            index=index,
            sha256=str(index) * 64,
            text=f"{WORD} Seite {index}",
            pdf=default_storage.save(f"intake/test/{index}.pdf", ContentFile(b"page")),
            thumbnail=default_storage.save(f"intake/test/{index}.jpg", ContentFile(b"jpg")),
        )
        for index in range(2)
    ]
    IntakeDocument.objects.create(
        file=scan,
        first_page=0,
        last_page=1,
        status="filed",
        case=closed_long_ago,
        document=document,
        text=f"{WORD} Vermieterin",
    )
    names = [scan.original.name] + [n for p in pages for n in (p.pdf.name, p.thumbnail.name)]
    assert all(default_storage.exists(name) for name in names)
    (proposal,) = services.retention_propose(today=TODAY)

    approve_and_dispose(proposal, lead_lena, django_capture_on_commit_callbacks)

    assert not any(default_storage.exists(name) for name in names)
    assert not ScanPage.objects.filter(text__contains=WORD).exists()
    assert not IntakeDocument.objects.filter(text__contains=WORD).exists()
    assert IntakeDocument.objects.get(file=scan).document is None
