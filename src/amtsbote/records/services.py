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
from amtsbote.cases import services as case_services
from amtsbote.cases.models import Case, FilePlanEntry, Jobcenter
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.core.sealing import seal_pdf
from amtsbote.core.storage import StoredFiles
from amtsbote.documents.models import Document, DocumentType, DocumentVersion
from amtsbote.documents.processing import html_to_pdf
from amtsbote.documents.signals import document_erasing
from amtsbote.eforms.models import FormDraft, FormSubmission
from amtsbote.messaging.models import Message, Thread
from amtsbote.postbox.models import Letter, PrintJob

from . import selectors
from .constants import (
    ERASURE_NOTE_MAX_LENGTH,
    RETENTION_YEARS_MAX,
    RETENTION_YEARS_MIN,
    ProposalReason,
    ProposalStatus,
)
from .models import (
    ArchiveImport,
    DisposalItem,
    DisposalProposal,
    DisposedDocument,
    ImportedHistoryEntry,
    LegalHold,
    RetentionRule,
)


def _require_team_lead(actor: User, jobcenter_id: int) -> None:
    if actor.role != Role.TEAM_LEAD or actor.jobcenter_id != jobcenter_id:
        raise PermissionDenied(_("Only a team lead of this jobcenter may do this."))


# --- rules and holds ----------------------------------------------------------------------


def _rule_validate(
    jobcenter: Jobcenter, years: int, register_code: str, document_type: DocumentType | None
) -> None:
    if not RETENTION_YEARS_MIN <= years <= RETENTION_YEARS_MAX:
        raise ValidationFailed(
            _("The retention period is a whole number of years from %(min)d to %(max)d.")
            % {"min": RETENTION_YEARS_MIN, "max": RETENTION_YEARS_MAX}
        )
    if (
        register_code
        and not FilePlanEntry.objects.filter(jobcenter=jobcenter, code=register_code).exists()
    ):
        raise ValidationFailed(
            _("The register %(code)s is not in this jobcenter's file plan.")
            % {"code": register_code}
        )


def _rule_audit(action: str, rule: RetentionRule, actor: User | None) -> None:
    audit.record(
        action,
        actor=actor,
        subject=rule,
        jobcenter_id=rule.jobcenter_id,
        data={
            "register": rule.register_code,
            "document_type": rule.document_type.code if rule.document_type else None,
            "years": rule.years,
        },
    )


@transaction.atomic
def retention_rule_set(
    *,
    jobcenter: Jobcenter,
    years: int,
    register_code: str = "",
    document_type: DocumentType | None = None,
    actor: User | None = None,
) -> RetentionRule:
    """Create or change the rule for a register and/or document type of the jobcenter.

    ``actor`` None: set by the system (commands, tests); otherwise a team lead of the
    jobcenter.
    """
    if actor is not None:
        _require_team_lead(actor, jobcenter.pk)
    _rule_validate(jobcenter, years, register_code, document_type)
    rule = (
        RetentionRule.objects.select_for_update()
        .filter(jobcenter=jobcenter, register_code=register_code, document_type=document_type)
        .first()
    )
    if rule is None:
        rule = RetentionRule.objects.create(
            jobcenter=jobcenter,
            register_code=register_code,
            document_type=document_type,
            years=years,
        )
    else:
        rule.years = years
        rule.save(update_fields=["years", "updated_at"])
    _rule_audit("records.rule.set", rule, actor)
    return rule


@transaction.atomic
def retention_rule_change(
    *,
    rule: RetentionRule,
    years: int,
    register_code: str = "",
    document_type: DocumentType | None = None,
    actor: User,
) -> RetentionRule:
    """Change a rule's register, document type and years (another rule for the same
    register and type is refused)."""
    rule = RetentionRule.objects.select_for_update().select_related("jobcenter").get(pk=rule.pk)
    _require_team_lead(actor, rule.jobcenter_id)
    _rule_validate(rule.jobcenter, years, register_code, document_type)
    clash = (
        RetentionRule.objects.filter(
            jobcenter_id=rule.jobcenter_id,
            register_code=register_code,
            document_type=document_type,
        )
        .exclude(pk=rule.pk)
        .exists()
    )
    if clash:
        raise ValidationFailed(
            _(
                "There is a rule for this register and document type already: change that "
                "rule instead."
            )
        )
    rule.register_code = register_code
    rule.document_type = document_type
    rule.years = years
    rule.save(update_fields=["register_code", "document_type", "years", "updated_at"])
    _rule_audit("records.rule.change", rule, actor)
    return rule


@transaction.atomic
def retention_rule_delete(*, rule: RetentionRule, actor: User) -> None:
    """Delete a rule: its documents fall back to the next rule or the default period."""
    _require_team_lead(actor, rule.jobcenter_id)
    _rule_audit("records.rule.delete", rule, actor)
    rule.delete()


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
    *,
    case: Case,
    actor: User,
    note: str,
    documents: list[Document] | None = None,
    today: dt.date | None = None,
) -> DisposalProposal:
    """Propose erasing documents of the case (all, or ``documents``) on a customer's request.

    Goes the same way as a retention disposal: a second person approves it. Refused while a
    legal hold is active, and for letters and form submissions whose retention has not ended
    (``selectors.documents_kept_by_obligation``).
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
    if not chosen.exists():
        raise ValidationFailed(_("There is nothing to erase."))
    pending = selectors.documents_in_open_proposals(case) & set(chosen.values_list("id", flat=True))
    if pending:
        raise ValidationFailed(
            _("Some of these documents are in a proposal that waits for a decision already.")
        )
    kept = selectors.documents_kept_by_obligation(case, chosen, today=today or timezone.localdate())
    if kept:
        raise ValidationFailed(
            _(
                "Letters and form submissions are kept until their retention period ended "
                "(§ 84 SGB X, Art. 17 (3) b DSGVO): %(titles)s."
            )
            % {"titles": ", ".join(d.title for d in kept)}
        )
    return _proposal_create(
        case=case,
        documents=[(d, None) for d in chosen.order_by("received_at", "id")],
        reason=ProposalReason.ERASURE,
        actor=actor,
        note=note.strip()[:300],
    )


@transaction.atomic
def erasure_request_record(
    *,
    case: Case,
    actor: User,
    requester: str,
    received_on: dt.date,
    legal_basis: str,
    documents: list[Document] | None = None,
) -> DisposalProposal:
    """A team lead records a customer's erasure request (Art. 17 DSGVO, § 84 SGB X): a
    proposal with reason "erasure", decided by a second team lead.

    The proposal's note reads "requester, received on: legal basis"; the audit event keeps
    the three fields apart.
    """
    _require_team_lead(actor, case.jobcenter_id)
    requester = " ".join(requester.split())
    legal_basis = " ".join(legal_basis.split())
    if not requester:
        raise ValidationFailed(_("Please name who asked for the erasure."))
    if not legal_basis:
        raise ValidationFailed(_("Please note the legal basis of the request."))
    if received_on > timezone.localdate():
        raise ValidationFailed(_("The request cannot have been received in the future."))
    note = f"{requester}, {received_on:%d.%m.%Y}: {legal_basis}"
    if len(note) > ERASURE_NOTE_MAX_LENGTH:
        raise ValidationFailed(
            _("Requester and legal basis may be %(count)d characters long together.")
            % {"count": ERASURE_NOTE_MAX_LENGTH - 12}
        )
    proposal = erasure_propose(case=case, actor=actor, note=note, documents=documents)
    audit.record(
        "records.erasure.request",
        actor=actor,
        subject=proposal,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
        data={
            "requester": requester,
            "received_on": received_on.isoformat(),
            "legal_basis": legal_basis,
            "scope": "case" if documents is None else "documents",
        },
    )
    return proposal


# --- closing a case -----------------------------------------------------------------------


def _require_case_worker(actor: User, case: Case) -> None:
    if not selectors.may_change_case_status(actor, case):
        raise PermissionDenied(_("Only the case's team or a team lead may close or reopen it."))


@transaction.atomic
def case_close(*, case: Case, actor: User) -> Case:
    """Close the case from the desk: its retention period starts.

    Refused while document requests are open or letters wait in the print queue: the
    customer would be asked for documents of a closed file, or a letter would go out
    after it.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_case_worker(actor, case)
    if case.closed_at is not None:
        raise ValidationFailed(_("The case is closed already."))
    requests, letters = selectors.close_blockers(case)
    if requests or letters:
        raise ValidationFailed(
            _(
                "The case cannot be closed yet: %(requests)d open document requests and "
                "%(letters)d letters not yet posted. Close the requests and post the letters "
                "first."
            )
            % {"requests": len(requests), "letters": len(letters)}
        )
    return case_services.case_close(case=case, actor=actor)


@transaction.atomic
def case_reopen(*, case: Case, actor: User) -> Case:
    """Reopen a closed case: its retention period no longer runs. Refused while documents
    of the case wait in a disposal proposal (reject it first)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_case_worker(actor, case)
    if case.closed_at is None:
        raise ValidationFailed(_("The case is open."))
    if DisposalProposal.objects.filter(
        case=case, status__in=selectors.OPEN_STATUSES, reason=ProposalReason.RETENTION
    ).exists():
        raise ValidationFailed(
            _(
                "A disposal proposal for this case waits for a decision: a team lead rejects "
                "it first, then the case can be reopened."
            )
        )
    return case_services.case_reopen(case=case, actor=actor)


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


def _evidence(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _records_erase(document: Document) -> dict[str, object]:
    """Remove what other records keep of the document; what is left is evidence without
    content, for the audit event (see docs/records.md, "References from other records").

    - a postbox letter: the letter row (subject, mail server's answer), its retrievals and
      print jobs are deleted; the evidence (kind, channel, status, when it was notified,
      retrieved, printed, posted, Bekanntgabe, Widerspruch deadline) goes into the event;
    - a form submission: deleted with its answers; code, version, reference and the PDF's
      hash go into the event;
    - a message's attachments: the message's text and manifest are blanked;
    - a thread's filed record: the thread and all its messages are deleted (the record is
      the whole conversation);
    - the document a thread is "regarding": the link is emptied.
    """
    evidence: dict[str, object] = {}
    letter = Letter.objects.filter(document=document).first()
    if letter is not None:
        jobs = list(PrintJob.objects.filter(letter=letter).order_by("created_at", "id"))
        evidence["letter"] = {
            "uuid": str(letter.uuid),
            "kind": letter.kind,
            "channel": letter.channel,
            "status": letter.status,
            "created_at": _evidence(letter.created_at),
            "notified_at": _evidence(letter.notified_at),
            "first_retrieved_at": _evidence(letter.first_retrieved_at),
            "receipt_disputed_at": _evidence(letter.receipt_disputed_at),
            "bekanntgabe_on": _evidence(letter.bekanntgabe_on),
            "appeal_deadline": _evidence(letter.appeal_deadline),
            "printed_at": [_evidence(job.printed_at) for job in jobs],
            "posted_on": [_evidence(job.posted_on) for job in jobs],
        }
        PrintJob.objects.filter(letter=letter).delete()
        letter.delete()  # its retrievals go with it
    for submission in FormSubmission.objects.filter(document=document):
        evidence["form"] = {
            "uuid": str(submission.uuid),
            "form": submission.form_code,
            "version": submission.form_version,
            "reference": submission.reference,
            "submitted_at": _evidence(submission.created_at),
            "pdf_sha256": submission.pdf_sha256,
        }
        submission.delete()
    blanked = Message.objects.filter(document=document).update(document=None, body="", manifest={})
    if blanked:
        evidence["messages_blanked"] = blanked
    threads = list(Thread.objects.filter(record=document))
    for thread in threads:
        Message.objects.filter(thread=thread).update(body="", manifest={})
        thread.delete()  # messages and reads go with it
    if threads:
        evidence["threads_deleted"] = [str(t.uuid) for t in threads]
    Thread.objects.filter(regarding=document).update(regarding=None)
    return evidence


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
    # Records that point to the document go first (see docs/records.md); the text goes
    # before the row so that no trigger copies it anywhere on the way out.
    evidence = _records_erase(document)
    DocumentVersion.objects.filter(document=document).update(text="")
    document_uuid = str(document.uuid)
    document.delete()  # versions, originals, request item links and the index entry go too
    audit.record(
        "records.document.dispose",
        actor=actor,
        subject=proposal,
        jobcenter_id=proposal.jobcenter_id,
        case_id=proposal.case_id,
        data={
            "document": document_uuid,
            "files": len([n for n in names if n]),
            **evidence,
        },
    )
    return [name for name in names if name]


def _case_file_erase(case: Case) -> dict[str, int]:
    """A closed case whose last document was disposed of: the conversations and form drafts
    that are not documents go too (message texts are part of the file)."""
    if case.closed_at is None or Document.objects.filter(case=case).exists():
        return {}
    threads = Thread.objects.filter(case=case)
    Message.objects.filter(thread__in=threads).update(body="", manifest={})
    thread_count = threads.count()
    threads.delete()
    drafts, _by_model = FormDraft.objects.filter(case=case).delete()
    # What an archive import brought along besides documents: the sending jobcenter's
    # history and records (form answers, message texts). The import row stays as evidence
    # (package id and hash, who, when), without content.
    history, _by_model = ImportedHistoryEntry.objects.filter(case=case).delete()
    imports = ArchiveImport.objects.filter(case=case).update(records={}, documents={})
    erased = {"threads_deleted": thread_count, "form_drafts_deleted": drafts}
    if history or imports:
        erased.update({"imported_history_deleted": history, "archive_imports_emptied": imports})
    return erased


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
    if proposal.reason == ProposalReason.RETENTION and proposal.case.closed_at is None:
        raise ValidationFailed(_("The case was reopened: its retention period no longer runs."))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Deleted rows are overwritten with zeros instead of left in free pages.
            cursor.execute("PRAGMA secure_delete = ON")
    names: list[str] = []
    for document in documents:
        names += _dispose_document(document, proposal, actor)
    case_file = _case_file_erase(proposal.case)
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
            data={
                "documents": len(disposed),
                "certificate_sha256": proposal.certificate_sha256,
                **case_file,
            },
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
