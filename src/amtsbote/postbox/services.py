"""Writes for the postbox: letters, their delivery, consents and the print queue.

Every change is audited in the same transaction; mail goes out after commit, from a task
that records when the notification was sent and what the mail server answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.models import Case, FilePlanEntry, Person
from amtsbote.core.exceptions import PermissionDenied, UnsupportedUpload, ValidationFailed
from amtsbote.core.storage import StoredFiles
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.services import document_create, document_mark_seen
from amtsbote.notifications.constants import EmailStatus
from amtsbote.notifications.push import push_notify
from amtsbote.notifications.services import email_notify, email_send, notify

from . import deadlines
from .constants import (
    CONSENT_WORDING_DE,
    Channel,
    ConsentKind,
    LetterKind,
    LetterStatus,
    LetterTemplate,
    LetterTopic,
    PrintReason,
)
from .models import Consent, Letter, LetterRetrieval, PrintJob
from .selectors import has_consent


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def _audit(action: str, letter: Letter, *, actor: object = None, **data: object) -> None:
    audit.record(
        f"postbox.letter.{action}",
        actor=actor,
        subject=letter,
        jobcenter_id=letter.case.jobcenter_id,
        case_id=letter.case_id,
        data={"subject": letter.subject, **data},
    )


# --- consents ---------------------------------------------------------------------------------


def consent_wording(kind: str) -> str:
    return CONSENT_WORDING_DE[ConsentKind(kind)].format(days=settings.POSTBOX_BEKANNTGABE_DAYS)


@transaction.atomic
def consent_record(
    *, person: Person, kind: str, granted: bool, recorded_by: User, language: str = "de"
) -> Consent:
    """Grant or withdraw one consent (for the future); the exact wording is kept.

    Customers record their own consents; staff may record one given at the office.
    """
    if kind not in ConsentKind.values:
        raise ValidationFailed(_("Unknown consent."))
    own = recorded_by.pk is not None and person.user_id == recorded_by.pk
    staff = recorded_by.works_on_cases and recorded_by.jobcenter_id == person.case.jobcenter_id
    if not (own or staff):
        raise PermissionDenied(_("You cannot change this consent."))
    consent = Consent.objects.create(
        person=person,
        kind=kind,
        granted=granted,
        wording=consent_wording(kind),
        language=language[:10],
        recorded_by=recorded_by,
    )
    audit.record(
        f"postbox.consent.{'grant' if granted else 'withdraw'}",
        actor=recorded_by,
        subject=consent,
        jobcenter_id=person.case.jobcenter_id,
        case_id=person.case_id,
        data={"kind": kind, "person": str(person.uuid)},
    )
    return consent


def channel_for(addressee: Person) -> str:
    """Digital only for a person with a portal account who consented to electronic
    Bekanntgabe (§ 37 Abs. 2a SGB X); everyone else gets paper. Consent to use the portal for
    uploads alone never takes paper away."""
    if addressee.user_id and has_consent(addressee, ConsentKind.E_BEKANNTGABE):
        return Channel.DIGITAL
    return Channel.PAPER


# --- legal dates --------------------------------------------------------------------------------


def _posted_on(letter: Letter) -> dt.date | None:
    posted = [job.posted_on for job in letter.print_jobs.all() if job.posted_on]
    return min(posted) if posted else None


def _refresh_legal_dates(letter: Letter) -> None:
    """Compute Bekanntgabe and Widerspruch deadline from the evidence (``deadlines``)."""
    days = settings.POSTBOX_BEKANNTGABE_DAYS
    bekanntgabe = None
    if letter.channel == Channel.DIGITAL:
        facts = deadlines.DigitalFacts(
            notified_on=_local_date(letter.notified_at) if letter.notified_at else None,
            notification_proven=bool(letter.notified_at and letter.smtp_reply.startswith("2")),
            retrieved_on=(
                _local_date(letter.first_retrieved_at) if letter.first_retrieved_at else None
            ),
            receipt_disputed=letter.receipt_disputed_at is not None,
        )
        bekanntgabe = deadlines.digital_bekanntgabe(
            facts, policy=settings.POSTBOX_POLICY, days=days
        )
    if bekanntgabe is None and (posted_on := _posted_on(letter)):
        bekanntgabe = deadlines.bekanntgabe_after_posting(posted_on, days=days)
    letter.bekanntgabe_on = bekanntgabe
    letter.appeal_deadline = (
        deadlines.appeal_deadline(bekanntgabe, state=letter.case.jobcenter.state)
        if bekanntgabe and letter.kind == LetterKind.BESCHEID
        else None
    )


# --- letters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterSpec:
    case: Case
    addressee: Person
    kind: str
    subject: str
    pdf: bytes
    template: str = LetterTemplate.UPLOAD
    topic: str = ""


def _register(case: Case, kind: str) -> FilePlanEntry:
    code = "bescheide" if kind == LetterKind.BESCHEID else "schriftverkehr"
    registers = FilePlanEntry.objects.filter(jobcenter_id=case.jobcenter_id)
    return registers.filter(code=code).first() or registers.get(code="schriftverkehr")


def letter_create(*, spec: LetterSpec, created_by: User) -> Letter:
    """File an outgoing letter in the e-file and send it on the channel consent allows.

    Digital: the addressee is told by e-mail (no social data) after commit; the task records
    when and what the server answered. Paper: the letter goes into the print queue.
    """
    case, addressee = spec.case, spec.addressee
    if addressee.case_id != case.pk:
        raise ValidationFailed(_("The addressee does not belong to this household."))
    if not (created_by.works_on_cases and created_by.jobcenter_id == case.jobcenter_id):
        raise PermissionDenied(_("You cannot send letters for this household."))
    if spec.kind not in LetterKind.values:
        raise ValidationFailed(_("Unknown kind of letter."))
    if spec.topic and spec.topic not in LetterTopic.values:
        raise ValidationFailed(_("Unknown topic of letter."))
    subject = spec.subject.strip()[:200]
    if not subject:
        raise ValidationFailed(_("Please enter a subject."))
    # An uploaded PDF came from outside: scanned and cleaned like any upload. A letter
    # rendered from one of our templates is checked and cleaned without the virus scan.
    if spec.template == LetterTemplate.UPLOAD:
        checked = processing.check_file("letter.pdf", spec.pdf)
    else:
        checked = processing.check_generated("letter.pdf", spec.pdf)
    if checked.kind != "pdf":
        raise UnsupportedUpload(_("A letter must be a PDF file."), code="not_pdf")
    with StoredFiles() as stored, transaction.atomic():
        document = document_create(
            case=case,
            files=[checked],
            title=subject,
            source=Source.STAFF,
            submitted_by=created_by,
            stored=stored,
            register=_register(case, spec.kind),
        )
        # An outgoing letter is not new mail for the inbox.
        document_mark_seen(document=document, actor=created_by)
        letter = Letter.objects.create(
            case=case,
            addressee=addressee,
            kind=spec.kind,
            template=spec.template,
            subject=subject,
            topic=spec.topic,
            document=document,
            channel=channel_for(addressee),
            created_by=created_by,
        )
        _audit("create", letter, actor=created_by, kind=spec.kind, channel=letter.channel)
        if letter.channel == Channel.DIGITAL:
            assert addressee.user is not None
            letter_path = reverse("portal:letter", args=[letter.uuid])
            letter.notification = email_notify(
                recipient=addressee.user,
                template="postbox_letter",
                context={"path": letter_path},
                send_after_commit=False,
            )
            push_notify(recipient=addressee.user, template="postbox_letter", path=letter_path)
            letter.save(update_fields=["notification", "updated_at"])
            from .tasks import send_letter_notification

            letter_id = letter.pk
            transaction.on_commit(lambda: send_letter_notification.enqueue(letter_id))
        else:
            _print_job_add(letter, reason=PrintReason.NO_CONSENT, actor=created_by)
    return letter


def letter_send_notification(*, letter_id: int) -> Letter | None:
    """Send the letter's notification and keep the evidence. Safe to run twice."""
    letter = Letter.objects.filter(pk=letter_id).select_related("notification").first()
    if letter is None or letter.notification_id is None or letter.notified_at is not None:
        return letter
    notification = email_send(notification_id=letter.notification_id)
    assert notification is not None
    with transaction.atomic():
        letter = (
            Letter.objects.select_for_update().select_related("case__jobcenter").get(pk=letter_id)
        )
        if letter.notified_at is not None:
            return letter
        letter.smtp_reply = notification.smtp_result
        if notification.status == EmailStatus.SENT:
            letter.notified_at = notification.sent_at
            if letter.status == LetterStatus.CREATED:
                letter.status = LetterStatus.NOTIFIED
            _refresh_legal_dates(letter)
            letter.save()
            _audit(
                "notify",
                letter,
                sent_at=letter.notified_at,
                smtp=letter.smtp_reply,
                bekanntgabe=letter.bekanntgabe_on,
            )
        else:
            letter.status = LetterStatus.NOTIFICATION_FAILED
            letter.save()
            _audit("notify_failed", letter, smtp=letter.smtp_reply)
            _print_job_add(letter, reason=PrintReason.NOTIFICATION_FAILED, actor=None)
    return letter


@transaction.atomic
def letter_record_retrieval(*, letter: Letter, user: User, how: str) -> LetterRetrieval:
    """The first retrieval (view or download) per user is kept; the addressee's counts."""
    now = timezone.now()
    retrieval, created = LetterRetrieval.objects.get_or_create(
        letter=letter, user=user, defaults={"retrieved_at": now, "how": how[:10]}
    )
    if not created:
        return retrieval
    letter = Letter.objects.select_for_update().select_related("case__jobcenter").get(pk=letter.pk)
    if letter.addressee.user_id == user.pk and letter.first_retrieved_at is None:
        letter.first_retrieved_at = now
        if letter.status in (LetterStatus.CREATED, LetterStatus.NOTIFIED):
            letter.status = LetterStatus.RETRIEVED
        _refresh_legal_dates(letter)
        letter.save()
    _audit("retrieve", letter, actor=user, how=how, bekanntgabe=letter.bekanntgabe_on)
    return retrieval


@transaction.atomic
def letter_dispute_receipt(*, letter: Letter, actor: User) -> Letter:
    """Staff note that the addressee disputes receiving the notification: the day of
    retrieval counts instead of the fiction (none before retrieval)."""
    letter = Letter.objects.select_for_update().select_related("case__jobcenter").get(pk=letter.pk)
    if letter.channel != Channel.DIGITAL:
        raise ValidationFailed(_("Only a digitally provided letter can be disputed."))
    if letter.receipt_disputed_at is None:
        letter.receipt_disputed_at = timezone.now()
        _refresh_legal_dates(letter)
        letter.save()
        _audit("dispute", letter, actor=actor, bekanntgabe=letter.bekanntgabe_on)
    return letter


@transaction.atomic
def letter_request_paper(*, letter: Letter, user: User) -> PrintJob:
    """The customer asks for the letter on paper as well ("Auf Papier zusenden")."""
    if letter.addressee.user_id != user.pk:
        raise PermissionDenied(_("This letter is not addressed to you."))
    open_job = letter.print_jobs.filter(posted_on__isnull=True).first()
    if open_job is not None:
        return open_job
    return _print_job_add(letter, reason=PrintReason.CUSTOMER_REQUEST, actor=user)


def _print_job_add(letter: Letter, *, reason: str, actor: User | None) -> PrintJob:
    job = PrintJob.objects.create(letter=letter, reason=reason)
    if letter.status not in (LetterStatus.RETRIEVED,):
        letter.status = LetterStatus.PRINT_QUEUED
        letter.save(update_fields=["status", "updated_at"])
    _audit("print_queue", letter, actor=actor, reason=reason)
    return job


@transaction.atomic
def print_jobs_mark_printed(*, jobs: list[PrintJob], actor: User) -> int:
    now = timezone.now()
    count = 0
    for job in jobs:
        if job.printed_at is not None:
            continue
        job.printed_at, job.printed_by = now, actor
        job.save(update_fields=["printed_at", "printed_by", "updated_at"])
        letter = job.letter
        if letter.status == LetterStatus.PRINT_QUEUED:
            letter.status = LetterStatus.PRINTED
            letter.save(update_fields=["status", "updated_at"])
        _audit("print", letter, actor=actor)
        count += 1
    return count


@transaction.atomic
def print_jobs_mark_posted(*, jobs: list[PrintJob], actor: User, posted_on: dt.date) -> int:
    """Posted on ``posted_on``: noted in the file; a letter that was not notified digitally
    counts as notified on the N-th day after posting (§ 37 Abs. 2 SGB X)."""
    if posted_on > timezone.localdate():
        raise ValidationFailed(_("The posting date cannot be in the future."))
    count = 0
    for job in jobs:
        if job.printed_at is None or job.posted_on is not None:
            continue
        job.posted_on, job.posted_by = posted_on, actor
        job.save(update_fields=["posted_on", "posted_by", "updated_at"])
        letter = Letter.objects.select_related("case__jobcenter").get(pk=job.letter_id)
        if letter.status in (LetterStatus.PRINT_QUEUED, LetterStatus.PRINTED):
            letter.status = LetterStatus.POSTED
        _refresh_legal_dates(letter)
        letter.save()
        _audit("post", letter, actor=actor, posted_on=posted_on, bekanntgabe=letter.bekanntgabe_on)
        count += 1
    return count


# --- reminders and paper fallback (postbox_sweep) ------------------------------------------------


def _unread_digital(now: dt.datetime) -> list[Letter]:
    return list(
        Letter.objects.filter(
            channel=Channel.DIGITAL,
            notified_at__isnull=False,
            notified_at__lte=now,
            first_retrieved_at__isnull=True,
            digital_ended_at__isnull=True,
        ).select_related("case__jobcenter", "addressee__user")
    )


@transaction.atomic
def letter_remind(*, letter: Letter) -> Letter:
    if letter.reminder_sent_at is not None or letter.addressee.user is None:
        return letter
    notify(
        recipient=letter.addressee.user,
        template="postbox_reminder",
        path=reverse("portal:letter", args=[letter.uuid]),
    )
    letter.reminder_sent_at = timezone.now()
    letter.save(update_fields=["reminder_sent_at", "updated_at"])
    _audit("remind", letter)
    return letter


@transaction.atomic
def letter_fall_back_to_paper(*, letter: Letter) -> Letter:
    """Unread too long: print and post it. Under the VwVfG policy the digital provision ends
    (no Bekanntgabe by retrieval any more); under SGB X the digital Bekanntgabe stands."""
    letter = Letter.objects.select_for_update().select_related("case__jobcenter").get(pk=letter.pk)
    if letter.digital_ended_at is not None:
        return letter
    letter.digital_ended_at = timezone.now()
    letter.save(update_fields=["digital_ended_at", "updated_at"])
    if not letter.print_jobs.filter(posted_on__isnull=True).exists():
        _print_job_add(letter, reason=PrintReason.FALLBACK, actor=None)
    return letter


def postbox_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind about unread letters and move long-unread ones to paper (settings decide when).

    Safe to run at any time and any number of times.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    policy = settings.POSTBOX_POLICY
    reminded = fallen_back = 0
    for letter in _unread_digital(now):
        assert letter.notified_at is not None
        notified_on = _local_date(letter.notified_at)
        fallback_on = deadlines.paper_fallback_due_on(
            notified_on, days=settings.POSTBOX_PAPER_FALLBACK_DAYS, policy=policy
        )
        if today >= fallback_on:
            letter_fall_back_to_paper(letter=letter)
            fallen_back += 1
        elif letter.reminder_sent_at is None and today >= deadlines.reminder_due_on(
            notified_on, days=settings.POSTBOX_REMINDER_DAYS
        ):
            letter_remind(letter=letter)
            reminded += 1
    return {"reminded": reminded, "paper_fallback": fallen_back}
