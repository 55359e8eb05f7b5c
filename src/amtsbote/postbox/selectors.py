"""Reads for the postbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from amtsbote.accounts.models import User
from amtsbote.cases.models import Case, Person
from amtsbote.cases.selectors import cases_for_staff
from amtsbote.documents.models import DocumentVersion

from .constants import Channel, ConsentKind
from .models import Consent, Letter, LetterRetrieval, PrintJob


def with_details(letters: QuerySet[Letter]) -> QuerySet[Letter]:
    return letters.select_related(
        "case__jobcenter", "addressee__user", "document", "created_by", "notification"
    ).prefetch_related(
        Prefetch("document__versions", queryset=DocumentVersion.objects.order_by("number")),
        Prefetch("retrievals", queryset=LetterRetrieval.objects.select_related("user")),
        Prefetch("print_jobs", queryset=PrintJob.objects.order_by("created_at", "id")),
    )


def letters_for_case(case: Case) -> QuerySet[Letter]:
    return with_details(Letter.objects.filter(case=case)).order_by("-created_at", "-id")


def letters_for_customer(user: User) -> QuerySet[Letter]:
    """The customer's postbox: letters provided to them digitally, newest first."""
    if not user.is_authenticated:
        return Letter.objects.none()
    return (
        Letter.objects.filter(addressee__user=user, channel=Channel.DIGITAL)
        .select_related("case__jobcenter", "document")
        .order_by("-created_at", "-id")
    )


def letters_for_person(person: Person) -> QuerySet[Letter]:
    """The postbox of ``person``, as a representative with "read letters" sees it."""
    return (
        Letter.objects.filter(addressee=person, channel=Channel.DIGITAL)
        .select_related("case__jobcenter", "document")
        .order_by("-created_at", "-id")
    )


def unread_count_for_customer(user: User) -> int:
    return letters_for_customer(user).filter(first_retrieved_at__isnull=True).count()


def consent_state(person: Person) -> dict[str, Consent | None]:
    """The latest record of each consent kind (None: never given)."""
    state: dict[str, Consent | None] = dict.fromkeys(ConsentKind.values)
    for consent in Consent.objects.filter(person=person).order_by("created_at", "id"):
        state[consent.kind] = consent
    return state


def has_consent(person: Person, kind: str) -> bool:
    latest = Consent.objects.filter(person=person, kind=kind).order_by("-created_at", "-id").first()
    return bool(latest and latest.granted)


def consent_history(person: Person) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(person=person)
        .select_related("recorded_by")
        .order_by("-created_at", "-id")
    )


def print_queue(user: User) -> QuerySet[PrintJob]:
    """Print jobs not yet posted in the cases the staff member works on, oldest first."""
    return (
        PrintJob.objects.filter(
            posted_on__isnull=True, letter__case__in=cases_for_staff(user).values("id")
        )
        .select_related("letter__case", "letter__addressee", "letter__document")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class Step:
    """One step of a letter's delivery, for the desk's timeline and the proof of delivery."""

    code: str
    label: Any
    at: dt.datetime | dt.date
    detail: str = ""

    @property
    def is_date(self) -> bool:
        return not isinstance(self.at, dt.datetime)


def letter_timeline(letter: Letter) -> list[Step]:
    """The delivery status of one letter, in the order it happened (legal dates last)."""
    steps = [Step("created", _("created and filed in the e-file"), letter.created_at)]
    if letter.notified_at:
        steps.append(Step("notified", _("notification e-mail sent"), letter.notified_at))
        steps.append(
            Step("smtp", _("accepted by the mail server"), letter.notified_at, letter.smtp_reply)
        )
    elif letter.smtp_reply:
        steps.append(
            Step("notify_failed", _("notification failed"), letter.updated_at, letter.smtp_reply)
        )
    if letter.reminder_sent_at:
        steps.append(Step("reminded", _("reminder e-mail sent"), letter.reminder_sent_at))
    for retrieval in letter.retrievals.all():
        who = retrieval.user.get_full_name() or retrieval.user.email
        steps.append(Step("retrieved", _("retrieved"), retrieval.retrieved_at, who))
    if letter.receipt_disputed_at:
        steps.append(Step("disputed", _("receipt disputed"), letter.receipt_disputed_at))
    if letter.digital_ended_at:
        steps.append(Step("fallback", _("digital provision ended"), letter.digital_ended_at))
    for job in letter.print_jobs.all():
        steps.append(
            Step(
                "print_queued",
                _("put into the print queue"),
                job.created_at,
                str(job.get_reason_display()),
            )
        )
        if job.printed_at:
            steps.append(Step("printed", _("printed"), job.printed_at))
        if job.posted_on:
            steps.append(Step("posted", _("posted"), job.posted_on))
    steps.sort(key=lambda step: _sort_key(step.at))
    if letter.bekanntgabe_on:
        steps.append(Step("bekanntgabe", _("Bekanntgabe"), letter.bekanntgabe_on))
    if letter.appeal_deadline:
        steps.append(
            Step("appeal_deadline", _("end of the Widerspruch deadline"), letter.appeal_deadline)
        )
    return steps


def _sort_key(moment: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(moment, dt.time(23, 59)))


def consent_at(person: Person, kind: str, moment: dt.datetime) -> Consent | None:
    """The consent record in force at ``moment`` (a grant, or None)."""
    latest = (
        Consent.objects.filter(person=person, kind=kind, created_at__lte=moment)
        .order_by("-created_at", "-id")
        .first()
    )
    return latest if latest and latest.granted else None
