"""Writes of records management: rules, holds, proposals, four-eyes decisions, disposal.

A disposal removes every trace of a document's content: the rows (versions with their
recognised text, originals), the files (PDFs, originals, thumbnails, the mailroom's page
images), the search index entry; what is left is a ``DisposedDocument`` (hashes, dates,
who) and a sealed disposal certificate. See docs/records.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User
from amtsbote.cases.models import Case, Jobcenter
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.core.sealing import seal_pdf
from amtsbote.core.storage import StoredFiles
from amtsbote.documents.models import Document, DocumentType, DocumentVersion
from amtsbote.documents.processing import html_to_pdf
from amtsbote.documents.signals import document_erasing
from amtsbote.messaging.models import Message, Thread

from . import selectors
from .constants import ProposalReason, ProposalStatus
from .models import DisposalItem, DisposalProposal, DisposedDocument, LegalHold, RetentionRule


def _require_team_lead(actor: User, jobcenter_id: int) -> None:
    if actor.role != Role.TEAM_LEAD or actor.jobcenter_id != jobcenter_id:
        raise PermissionDenied(_("Only a team lead of this jobcenter may do this."))


# --- rules and holds ----------------------------------------------------------------------


@transaction.atomic
def retention_rule_set(
    *,
    jobcenter: Jobcenter,
    years: int,
    register_code: str = "",
    document_type: DocumentType | None = None,
    actor: User | None = None,
) -> RetentionRule:
    """Create or change the rule for a register and/or document type of the jobcenter."""
    rule, _created = RetentionRule.objects.update_or_create(
        jobcenter=jobcenter,
        register_code=register_code,
        document_type=document_type,
        defaults={"years": years},
    )
    audit.record(
        "records.rule.set",
        actor=actor,
        subject=rule,
        jobcenter_id=jobcenter.pk,
        data={
            "register": register_code,
            "document_type": document_type.code if document_type else None,
            "years": years,
        },
    )
    return rule


@transaction.atomic
def legal_hold_set(*, case: Case, reason: str, actor: User) -> LegalHold:
    _require_team_lead(actor, case.jobcenter_id)
    if not reason.strip():
        raise ValidationFailed(_("A legal hold needs a reason."))
    hold = LegalHold.objects.create(case=case, reason=reason.strip()[:300], set_by=actor)
    audit.record(
        "records.hold.set",
        actor=actor,
        subject=hold,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
        data={"reason": hold.reason},
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, actor: User) -> LegalHold:
    _require_team_lead(actor, hold.case.jobcenter_id)
    if hold.lifted_at is None:
        hold.lifted_at = timezone.now()
        hold.lifted_by = actor
        hold.save(update_fields=["lifted_at", "lifted_by", "updated_at"])
        audit.record(
            "records.hold.lift",
            actor=actor,
            subject=hold,
            jobcenter_id=hold.case.jobcenter_id,
            case_id=hold.case_id,
        )
    return hold


# --- proposals ----------------------------------------------------------------------------


def _proposal_create(
    *,
    case: Case,
    documents: Sequence[tuple[Document, dt.date | None]],
    reason: str,
    actor: User | None,
    note: str = "",
) -> DisposalProposal:
    proposal = DisposalProposal.objects.create(
        jobcenter_id=case.jobcenter_id, case=case, reason=reason, note=note, proposed_by=actor
    )
    DisposalItem.objects.bulk_create(
        DisposalItem(proposal=proposal, document=document, due_on=due)
        for document, due in documents
    )
    audit.record(
        "records.proposal.create",
        actor=actor,
        subject=proposal,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
        data={"reason": reason, "documents": [str(d.uuid) for d, _due in documents]},
    )
    return proposal


@transaction.atomic
def retention_propose(*, today: dt.date | None = None) -> list[DisposalProposal]:
    """One proposal per closed case with documents whose retention ended (the periodic run).

    Safe to run again: documents in an open proposal are not proposed twice.
    """
    today = today or timezone.localdate()
    proposals = []
    for case in selectors.closed_cases():
        due = list(selectors.documents_due(case, today=today))
        if due:
            proposals.append(
                _proposal_create(
                    case=case, documents=due, reason=ProposalReason.RETENTION, actor=None
                )
            )
    return proposals


@transaction.atomic
def erasure_propose(
    *, case: Case, actor: User, note: str, documents: list[Document] | None = None
) -> DisposalProposal:
    """Propose erasing documents of the case (all, or ``documents``) on a customer's request.

    Goes the same way as a retention disposal: a second person approves it.
    """
    if (
        actor.role not in (Role.CASEWORKER, Role.TEAM_LEAD)
        or actor.jobcenter_id != case.jobcenter_id
    ):
        raise PermissionDenied(_("Only staff of this jobcenter may propose an erasure."))
    if selectors.case_on_hold(case):
        raise ValidationFailed(_("The case is under a legal hold: nothing of it may be disposed."))
    chosen = Document.objects.filter(case=case)
    if documents is not None:
        chosen = chosen.filter(pk__in=[d.pk for d in documents])
    blocked = selectors.documents_blocked(chosen)
    if blocked:
        raise ValidationFailed(
            _(
                "A letter in the postbox or a form submission needs one of these documents: "
                "it cannot be erased."
            )
        )
    if not chosen.exists():
        raise ValidationFailed(_("There is nothing to erase."))
    return _proposal_create(
        case=case,
        documents=[(d, None) for d in chosen],
        reason=ProposalReason.ERASURE,
        actor=actor,
        note=note.strip()[:300],
    )


def _decide(proposal: DisposalProposal, actor: User) -> DisposalProposal:
    proposal = DisposalProposal.objects.select_for_update().get(pk=proposal.pk)
    _require_team_lead(actor, proposal.jobcenter_id)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationFailed(_("This proposal has been decided already."))
    if proposal.proposed_by_id == actor.pk:
        raise PermissionDenied(
            _("You proposed this disposal yourself: a second person has to approve it.")
        )
    return proposal


@transaction.atomic
def proposal_approve(*, proposal: DisposalProposal, actor: User) -> DisposalProposal:
    """Four eyes: a team lead who did not propose it approves; the disposal follows."""
    proposal = _decide(proposal, actor)
    if selectors.case_on_hold(proposal.case):
        raise ValidationFailed(_("The case is under a legal hold: nothing of it may be disposed."))
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit.record(
        "records.proposal.approve",
        actor=actor,
        subject=proposal,
        jobcenter_id=proposal.jobcenter_id,
        case_id=proposal.case_id,
    )
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: DisposalProposal, actor: User, note: str = "") -> DisposalProposal:
    proposal = _decide(proposal, actor)
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    if note.strip():
        proposal.note = note.strip()[:300]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "note", "updated_at"])
    audit.record(
        "records.proposal.reject",
        actor=actor,
        subject=proposal,
        jobcenter_id=proposal.jobcenter_id,
        case_id=proposal.case_id,
        data={"note": proposal.note},
    )
    return proposal


# --- disposal -----------------------------------------------------------------------------


def _copies_elsewhere(document: Document) -> list[str]:
    """Apps that keep copies of the document's content (the mailroom's page images and text)
    blank them; the names of their stored files, to delete after commit."""
    names: list[str] = []
    for _receiver, result in document_erasing.send(sender=Document, document=document):
        names += result or []
    return names


def _dispose_document(
    document: Document, proposal: DisposalProposal, actor: User | None
) -> list[str]:
    """Remove the document's rows and content; its files' names (removed after commit)."""
    versions = list(DocumentVersion.objects.filter(document=document))
    originals = list(document.originals.all())
    files = [{"name": v.file.name, "sha256": v.sha256, "kind": "version"} for v in versions]
    files += [{"name": o.file.name, "sha256": o.sha256, "kind": "original"} for o in originals]
    names = [v.file.name for v in versions] + [v.thumbnail.name for v in versions]
    names += [o.file.name for o in originals]
    names += _copies_elsewhere(document)
    DisposedDocument.objects.create(
        uuid=document.uuid,
        proposal=proposal,
        case_uuid=proposal.case.uuid,
        bg_number=proposal.case.bg_number,
        document_type=document.document_type.name if document.document_type else "",
        register_code=document.register.code,
        received_at=document.received_at,
        case_closed_at=proposal.case.closed_at,
        hashes=files,
        stored_files=[name for name in names if name],
    )
    # References that may lose their document (see docs/records.md); the text goes first
    # so that no trigger copies it anywhere on the way out.
    Thread.objects.filter(regarding=document).update(regarding=None)
    Thread.objects.filter(record=document).update(record=None)
    Message.objects.filter(document=document).update(document=None)
    DocumentVersion.objects.filter(document=document).update(text="")
    document_uuid = str(document.uuid)
    document.delete()  # versions, originals, request item links and the index entry go too
    audit.record(
        "records.document.dispose",
        actor=actor,
        subject=proposal,
        jobcenter_id=proposal.jobcenter_id,
        case_id=proposal.case_id,
        data={"document": document_uuid, "files": len([n for n in names if n])},
    )
    return [name for name in names if name]


def _certificate(proposal: DisposalProposal, disposed: list[DisposedDocument]) -> bytes:
    with translation.override("de"):
        html = render_to_string(
            "records/certificate.html", {"proposal": proposal, "disposed": disposed}
        )
        return seal_pdf(html_to_pdf(html), reason=_("Disposal certificate"))


@transaction.atomic
def disposal_execute(*, proposal: DisposalProposal, actor: User | None = None) -> DisposalProposal:
    """Dispose of the documents of an approved proposal, write the sealed certificate.

    Files are removed after commit (``disposal_files_remove``), so a failed disposal leaves
    everything as it was.
    """
    proposal = (
        DisposalProposal.objects.select_for_update().select_related("case").get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.APPROVED:
        raise ValidationFailed(_("Only an approved proposal can be carried out."))
    if selectors.case_on_hold(proposal.case):
        raise ValidationFailed(_("The case is under a legal hold: nothing of it may be disposed."))
    documents = Document.objects.filter(pk__in=proposal.items.values("document_id")).select_related(
        "register", "document_type"
    )
    if selectors.documents_blocked(documents):
        raise ValidationFailed(
            _("A letter in the postbox or a form submission needs one of these documents.")
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Deleted rows are overwritten with zeros instead of left in free pages.
            cursor.execute("PRAGMA secure_delete = ON")
    names: list[str] = []
    for document in documents:
        names += _dispose_document(document, proposal, actor)
    disposed = list(proposal.disposed.order_by("received_at", "id"))
    proposal.status = ProposalStatus.DISPOSED
    proposal.disposed_at = timezone.now()
    with StoredFiles() as stored:
        pdf = _certificate(proposal, disposed)
        proposal.certificate.name = stored.save(
            f"records/certificates/{proposal.jobcenter_id}/{proposal.uuid}.pdf", ContentFile(pdf)
        )
        proposal.certificate_sha256 = hashlib.sha256(pdf).hexdigest()
        proposal.save(
            update_fields=[
                "status",
                "disposed_at",
                "certificate",
                "certificate_sha256",
                "updated_at",
            ]
        )
        audit.record(
            "records.proposal.dispose",
            actor=actor,
            subject=proposal,
            jobcenter_id=proposal.jobcenter_id,
            case_id=proposal.case_id,
            data={"documents": len(disposed), "certificate_sha256": proposal.certificate_sha256},
        )
    from .tasks import disposal_files_remove_task

    transaction.on_commit(lambda: disposal_files_remove_task.enqueue(proposal.pk))
    return proposal


def disposal_files_remove(*, proposal_id: int) -> int:
    """Remove the files of a carried-out disposal from storage; safe to run twice.

    Also compacts the SQLite full-text index, which keeps deleted terms in its segments
    until they are merged. Returns how many files were removed.
    """
    proposal = DisposalProposal.objects.get(pk=proposal_id)
    if proposal.status != ProposalStatus.DISPOSED:
        return 0
    removed = 0
    for disposed in proposal.disposed.all():
        for name in disposed.stored_files:
            if default_storage.exists(name):
                default_storage.delete(name)
                removed += 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO documents_search(documents_search) VALUES('optimize')")
    return removed
