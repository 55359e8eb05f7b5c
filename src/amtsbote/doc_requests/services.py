"""Writes for document requests and for what customers send back."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import Team, User
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Case, Person, Representation
from amtsbote.core import deadlines, refcodes
from amtsbote.core.exceptions import PermissionDenied, UnsupportedUpload, ValidationFailed
from amtsbote.core.storage import StoredFiles
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.models import Document, DocumentType
from amtsbote.documents.services import document_create
from amtsbote.notifications.services import notify

from .constants import LEGAL_HINT_DE, ItemStatus, RequestStatus
from .models import DocRequest, DocRequestItem, Submission
from .selectors import doc_request_readers


@dataclass(frozen=True)
class ItemSpec:
    """One thing asked for: a catalogue type, or free text (or both: type plus a note)."""

    document_type: DocumentType | None = None
    label: str = ""
    note: str = ""


def default_deadline(case: Case, *, today: dt.date | None = None) -> dt.date:
    """Today + 14 days (setting), moved to the next working day in the jobcenter's Land."""
    today = today or timezone.localdate()
    return deadlines.deadline_after_days(
        today, settings.DOC_REQUEST_DEFAULT_DAYS, state=case.jobcenter.state
    )


def legal_hint(deadline: dt.date) -> str:
    return LEGAL_HINT_DE.format(deadline=deadline.strftime("%d.%m.%Y"))


@transaction.atomic
def doc_request_create(
    *,
    case: Case,
    team: Team,
    created_by: User,
    items: list[ItemSpec],
    deadline: dt.date | None = None,
    message: str = "",
    addressee: Person | None = None,
) -> DocRequest:
    """Ask the household (``addressee`` None) or one of its members for documents; tell the
    addressee and the head of the household if they have a portal account."""
    if team.jobcenter_id != case.jobcenter_id or not created_by.teams.filter(pk=team.pk).exists():
        raise PermissionDenied(_("You can only ask for documents on behalf of your own team."))
    return _doc_request_insert(
        case=case,
        team=team,
        created_by=created_by,
        items=items,
        deadline=deadline,
        message=message,
        addressee=addressee,
    )


@transaction.atomic
def doc_request_create_follow_up(
    *,
    case: Case,
    team: Team,
    customer: User,
    items: list[ItemSpec],
    message: str = "",
    reason: str = "",
) -> DocRequest:
    """A request started by a rule, not by staff: what a customer's online form implies
    (a move needs the rent contract). ``customer`` (a member of the household who sent the
    form) is recorded as its originator and is its addressee; ``team`` is the team that
    works on it and must work on the case. Same deadline, legal hint and notification as any
    request."""
    person = getattr(customer, "person", None)
    if person is None or person.case_id != case.pk:
        raise PermissionDenied(_("This household is not yours."))
    if team.jobcenter_id != case.jobcenter_id or not case.teams.filter(pk=team.pk).exists():
        raise PermissionDenied(_("This team does not work on the household."))
    return _doc_request_insert(
        case=case,
        team=team,
        created_by=customer,
        items=items,
        deadline=None,
        message=message,
        reason=reason,
        addressee=person,
    )


def _doc_request_insert(
    *,
    case: Case,
    team: Team,
    created_by: User,
    items: list[ItemSpec],
    deadline: dt.date | None,
    message: str,
    reason: str = "",
    addressee: Person | None = None,
) -> DocRequest:
    if addressee is not None and addressee.case_id != case.pk:
        raise ValidationFailed(_("The addressee must be a member of this household."))
    items = [item for item in items if item.document_type or item.label.strip()]
    if not items:
        raise ValidationFailed(_("Choose at least one document or describe what is needed."))
    today = timezone.localdate()
    if deadline is None:
        deadline = default_deadline(case, today=today)
    if deadline <= today:
        raise ValidationFailed(_("The deadline must be in the future."))
    # A deadline that ends on a weekend or holiday ends on the next working day (§ 26 SGB X).
    deadline = deadlines.next_working_day_on_or_after(deadline, state=case.jobcenter.state)
    request = DocRequest.objects.create(
        case=case,
        addressee=addressee,
        team=team,
        created_by=created_by,
        deadline=deadline,
        message=message.strip(),
        legal_hint=legal_hint(deadline),
    )
    DocRequestItem.objects.bulk_create(
        DocRequestItem(
            request=request,
            position=position,
            document_type=item.document_type,
            label=(item.label.strip() or (item.document_type.name if item.document_type else ""))[
                :200
            ],
            note=item.note.strip()[:500],
        )
        for position, item in enumerate(items)
    )
    audit.record(
        "doc_requests.request.create",
        actor=created_by,
        subject=request,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
        data={
            "items": [i.label or str(i.document_type) for i in items],
            "deadline": deadline,
            "addressee": str(addressee.uuid) if addressee else None,
            **({"reason": reason} if reason else {}),
        },
    )
    doc_request_notify(request=request, template="doc_request_created")
    return request


def doc_request_notify(*, request: DocRequest, template: str) -> int:
    """Mail those who see ``request`` in the portal (its addressee and the head of the
    household, if they have an account), nobody else of the household. Returns how many."""
    path = reverse("portal:request", args=[request.uuid])
    recipients = User.objects.filter(person__in=doc_request_readers(request)).order_by("id")
    count = 0
    for recipient in recipients:
        notify(recipient=recipient, template=template, path=path)
        count += 1
    return count


def check_files(
    files_by_item: dict[DocRequestItem, list[tuple[str, bytes]]],
) -> dict[DocRequestItem, list[processing.Checked]]:
    """Check every file before anything is stored; the first bad file refuses the whole send."""
    total = sum(len(files) for files in files_by_item.values())
    if total == 0:
        raise UnsupportedUpload(
            _("Please add at least one photo or file.") + " " + processing.accepted_formats_text(),
            code="empty",
        )
    if total > settings.UPLOAD_MAX_FILES:
        raise UnsupportedUpload(
            _("Please send at most %(max)s files at once.") % {"max": settings.UPLOAD_MAX_FILES},
            code="too_many",
        )
    return {
        item: [processing.check_file(name, data) for name, data in files]
        for item, files in files_by_item.items()
        if files
    }


CLIENT_KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _submission_by_key(
    *, request: DocRequest, submitted_by: User, client_key: str
) -> Submission | None:
    if not client_key:
        return None
    submission = Submission.objects.filter(submitted_by=submitted_by, client_key=client_key).first()
    if submission is not None and submission.request_id != request.pk:
        raise ValidationFailed(_("This send belongs to another request. Please reload the page."))
    return submission


def submission_create(
    *,
    request: DocRequest,
    submitted_by: User,
    files_by_item: dict[DocRequestItem, list[tuple[str, bytes]]],
    client_key: str = "",
    on_behalf_of: Person | None = None,
) -> Submission:
    """File what the customer sent: one document per item, items fulfilled, a receipt.

    All files are checked first; then originals and PDFs are written durably (fsync) and the
    database commits. If anything fails, every file written is removed again: nothing is
    half-stored, and the customer is told. Only a committed send is acknowledged.

    ``client_key`` makes the send idempotent: the upload page renders a fresh random key,
    and a send repeated with the same key by the same user (a retry after the answer got
    lost) returns the submission stored first and stores nothing again, whatever files the
    repetition carries. Two sends with the same key at the same moment store one: the second
    waits for the request's row lock (PostgreSQL) or fails on the unique constraint and then
    finds the first. An empty key means no idempotency (every send is new).
    """
    person = getattr(submitted_by, "person", None)
    if on_behalf_of is not None:
        # A representative sends in the represented person's name, under a grant in force
        # with "upload" (see docs/access.md, Representatives).
        granted = Representation.objects.valid().with_scope(RepresentationScope.UPLOAD)
        if not granted.filter(representative=submitted_by, person=on_behalf_of).exists():
            raise PermissionDenied(_("This request is not addressed to you."))
        person = on_behalf_of
    # The household's head answers every request of it, another member those addressed to
    # them (docs/access.md, Household members).
    if person is None or not (
        DocRequest.objects.visible_to_person(person).filter(pk=request.pk).exists()
    ):
        raise PermissionDenied(_("This request is not addressed to you."))
    if client_key and not CLIENT_KEY_RE.fullmatch(client_key):
        raise ValidationFailed(_("The form is out of date. Please reload the page."))
    # A repeated send: the first one may already have closed the request.
    existing = _submission_by_key(request=request, submitted_by=submitted_by, client_key=client_key)
    if existing is not None:
        return existing
    try:
        return _submission_insert(
            request=request,
            submitted_by=submitted_by,
            files_by_item=files_by_item,
            client_key=client_key,
            on_behalf_of=on_behalf_of,
        )
    except IntegrityError:
        # The same key committed by a concurrent send between our look and our insert.
        existing = _submission_by_key(
            request=request, submitted_by=submitted_by, client_key=client_key
        )
        if existing is None:
            raise
        return existing


def _submission_insert(
    *,
    request: DocRequest,
    submitted_by: User,
    files_by_item: dict[DocRequestItem, list[tuple[str, bytes]]],
    client_key: str,
    on_behalf_of: Person | None = None,
) -> Submission:
    if not request.is_open:
        raise ValidationFailed(_("This request is already closed."))
    for item in files_by_item:
        if item.request_id != request.pk:
            raise ValidationFailed(_("This item does not belong to the request."))
    checked = check_files(files_by_item)
    received_at = timezone.now()
    with StoredFiles() as stored, transaction.atomic():
        request = DocRequest.objects.select_for_update().get(pk=request.pk)
        # Under the request's lock: a concurrent send with the same key has committed by now.
        existing = _submission_by_key(
            request=request, submitted_by=submitted_by, client_key=client_key
        )
        if existing is not None:
            return existing
        manifest_items = []
        for item, files in sorted(checked.items(), key=lambda pair: pair[0].position):
            document = document_create(
                case=request.case,
                files=files,
                title=item.label,
                source=Source.PORTAL,
                document_type=item.document_type,
                submitted_by=submitted_by,
                received_at=received_at,
                stored=stored,
            )
            doc_request_item_fulfil(item=item, document=document, now=received_at)
            manifest_items.append(
                {
                    "item": item.label,
                    "document": str(document.uuid),
                    "files": [
                        {
                            "name": f.filename,
                            "pages": f.pages,
                            "sha256": f.sha256,
                            "size": len(f.data),
                        }
                        for f in files
                    ],
                }
            )
        submission = Submission.objects.create(
            request=request,
            case=request.case,
            submitted_by=submitted_by,
            reference=refcodes.generate(10),
            client_key=client_key,
            manifest={"received_at": received_at.isoformat(), "items": manifest_items},
        )
        if on_behalf_of is not None:
            submission.manifest["on_behalf_of"] = {
                "person": str(on_behalf_of.uuid),
                "name": on_behalf_of.full_name,
            }
            submission.save(update_fields=["manifest"])
        audit.record(
            "doc_requests.submission.create",
            actor=submitted_by,
            subject=submission,
            jobcenter_id=request.case.jobcenter_id,
            case_id=request.case_id,
            data={
                "request": str(request.uuid),
                "items": len(manifest_items),
                "on_behalf_of": str(on_behalf_of.uuid) if on_behalf_of else None,
            },
        )
    return submission


def _update_status(request: DocRequest, *, now: dt.datetime) -> None:
    statuses = list(request.items.values_list("status", flat=True))
    fulfilled = statuses.count(ItemStatus.FULFILLED)
    if fulfilled == len(statuses):
        request.status, request.fulfilled_at = RequestStatus.FULFILLED, now
    elif fulfilled:
        request.status = RequestStatus.PARTLY
    request.save(update_fields=["status", "fulfilled_at", "updated_at"])


@transaction.atomic
def doc_request_item_fulfil(
    *, item: DocRequestItem, document: Document, now: dt.datetime | None = None
) -> DocRequestItem:
    """``document`` answers ``item``: the item is fulfilled and the request's status follows.

    Inside the caller's transaction; the request row is locked so that two documents
    arriving at once (portal and mailroom) count right.
    """
    now = now or timezone.now()
    request = DocRequest.objects.select_for_update().get(pk=item.request_id)
    item.documents.add(document)
    if item.status != ItemStatus.FULFILLED:
        item.status, item.fulfilled_at = ItemStatus.FULFILLED, now
        item.save(update_fields=["status", "fulfilled_at", "updated_at"])
    _update_status(request, now=now)
    return item
