"""Staff decisions in triage, with optimistic concurrency: assign, split, merge, rotate, type,
discard. Each is audited; a type correction teaches the classifier."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.models import Case
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.core.storage import StoredFiles

from .. import assembly
from ..constants import IntakeStatus
from ..exceptions import EditConflict
from ..models import IntakeDocument, ScanPage
from .filing import document_type_by_code, file_into_case

# --- triage -----------------------------------------------------------------------------------


def _claim(intake_document: IntakeDocument, expected_version: int, actor: User) -> IntakeDocument:
    """Lock the row for this edit; a stale version means someone else decided meanwhile."""
    if not actor.is_jobcenter_staff or actor.jobcenter_id != intake_document.file.jobcenter_id:
        raise PermissionDenied(_("Only staff of this jobcenter can sort incoming mail."))
    updated = IntakeDocument.objects.filter(
        pk=intake_document.pk, version=expected_version, status=IntakeStatus.TRIAGE
    ).update(version=F("version") + 1, updated_at=timezone.now())
    if not updated:
        current = IntakeDocument.objects.filter(pk=intake_document.pk).first()
        if current is not None and current.status != IntakeStatus.TRIAGE:
            raise EditConflict(
                _("This document has already been dealt with (%(status)s).")
                % {"status": current.get_status_display()}
            )
        raise EditConflict(
            _(
                "Someone else changed this document in the meantime. Your change was not "
                "saved; please look at the current state and decide again."
            )
        )
    return IntakeDocument.objects.select_related("file", "file__batch").get(pk=intake_document.pk)


def _pages(intake: IntakeDocument) -> list[ScanPage]:
    return list(intake.file.pages.filter(index__gte=intake.first_page, index__lte=intake.last_page))


def _reanalyse(intake: IntakeDocument) -> None:
    analysis = assembly.analyse(_pages(intake), jobcenter=intake.file.jobcenter)
    intake.text = analysis.text
    intake.identifier_kind, intake.confidence = analysis.identifier_kind, analysis.confidence
    intake.numbers, intake.suggestions = analysis.numbers, analysis.suggestions
    intake.type_code, intake.type_confidence = analysis.type_code, analysis.type_confidence


def _audit(action: str, intake: IntakeDocument, actor: User, **data: object) -> None:
    audit.record(
        f"intake.document.{action}",
        actor=actor,
        subject=intake,
        jobcenter_id=intake.file.jobcenter_id,
        case_id=intake.case_id,
        data={"version": intake.version, **data},
    )


def intake_document_assign(
    *, intake_document: IntakeDocument, case: Case, actor: User, expected_version: int
) -> IntakeDocument:
    """File a triaged document into ``case`` (staff decision)."""
    with StoredFiles() as stored, transaction.atomic():
        intake = _claim(intake_document, expected_version, actor)
        if case.jobcenter_id != intake.file.jobcenter_id:
            raise PermissionDenied(_("This case belongs to another jobcenter."))
        file_into_case(intake=intake, case=case, actor=actor, stored=stored)
        intake.decided_by, intake.decided_at = actor, timezone.now()
        intake.save()
        _audit(
            "assign", intake, actor, document=str(intake.document.uuid) if intake.document else None
        )
    return intake


@transaction.atomic
def intake_document_split(
    *, intake_document: IntakeDocument, at_page: int, actor: User, expected_version: int
) -> tuple[IntakeDocument, IntakeDocument]:
    """Cut a triaged document before page index ``at_page``; both parts stay in triage."""
    intake = _claim(intake_document, expected_version, actor)
    if not intake.first_page < at_page <= intake.last_page:
        raise ValidationFailed(_("A document can only be split between two of its pages."))
    second = IntakeDocument(
        file=intake.file, first_page=at_page, last_page=intake.last_page, status=IntakeStatus.TRIAGE
    )
    intake.last_page = at_page - 1
    _reanalyse(intake)
    _reanalyse(second)
    intake.save()
    second.save()
    _audit("split", intake, actor, at_page=at_page + 1, new=str(second.uuid))
    return intake, second


@transaction.atomic
def intake_document_merge(
    *,
    intake_document: IntakeDocument,
    following: IntakeDocument,
    actor: User,
    expected_version: int,
    following_expected_version: int,
) -> IntakeDocument:
    """Join a triaged document with the one that follows it in the same file."""
    intake = _claim(intake_document, expected_version, actor)
    other = _claim(following, following_expected_version, actor)
    between = intake.file.pages.filter(
        index__gt=intake.last_page, index__lt=other.first_page, is_separator=False
    )
    if other.file_id != intake.file_id or other.first_page <= intake.last_page or between.exists():
        raise ValidationFailed(_("Only neighbouring documents of the same scan can be joined."))
    intake.last_page = other.last_page
    other.delete()
    _reanalyse(intake)
    intake.save()
    _audit(
        "merge",
        intake,
        actor,
        merged=str(other.uuid),
        pages=[intake.first_page + 1, intake.last_page + 1],
    )
    return intake


@transaction.atomic
def intake_document_rotate(
    *,
    intake_document: IntakeDocument,
    page_index: int,
    degrees: int,
    actor: User,
    expected_version: int,
) -> IntakeDocument:
    """Turn one page (0-based file index) clockwise by 90, 180 or 270 degrees."""
    intake = _claim(intake_document, expected_version, actor)
    if degrees % 90 or not intake.first_page <= page_index <= intake.last_page:
        raise ValidationFailed(_("Pages can be turned by quarter turns only."))
    page = intake.file.pages.get(index=page_index)
    page.manual_rotation = (page.manual_rotation + degrees) % 360
    page.save(update_fields=["manual_rotation"])
    _audit("rotate", intake, actor, page=page_index + 1, degrees=degrees)
    return intake


@transaction.atomic
def intake_document_set_type(
    *, intake_document: IntakeDocument, type_code: str, actor: User, expected_version: int
) -> IntakeDocument:
    """Set the document type (empty: unclassified); the classifier learns from it."""
    intake = _claim(intake_document, expected_version, actor)
    if type_code and document_type_by_code(type_code) is None:
        raise ValidationFailed(_("Unknown document type."))
    previous = intake.type_code
    intake.type_code, intake.type_confidence = type_code, 1.0
    intake.save(update_fields=["type_code", "type_confidence", "updated_at"])
    _audit("set_type", intake, actor, previous=previous, type=type_code)
    if type_code and intake.text.strip():
        from .. import classify

        transaction.on_commit(lambda: classify.learn(text=intake.text, code=type_code))
    return intake


@transaction.atomic
def intake_document_discard(
    *, intake_document: IntakeDocument, actor: User, expected_version: int, reason: str = ""
) -> IntakeDocument:
    """Put a triaged document aside (blank page, advert, duplicate): nothing is filed."""
    intake = _claim(intake_document, expected_version, actor)
    intake.status = IntakeStatus.DISCARDED
    intake.decided_by, intake.decided_at = actor, timezone.now()
    intake.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _audit("discard", intake, actor, reason=reason[:500])
    return intake
