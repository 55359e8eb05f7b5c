"""Writes for messages: threads, replies, reading, assignment, closing, topics, canned replies.

Every change is audited in the same transaction. Attachments go through the upload pipeline
of the e-file (``processing.check_file`` → originals kept, one PDF → ``document_create``);
all files are checked before anything is stored and every file written is removed again
when the transaction fails, so nothing is half-stored. Mail to customers says only that a
message is waiting (no content), in their language, after commit.

A representative with a grant in force that holds "write messages" writes in the name of the
person they act for (``on_behalf_of``): the thread stays the person's, the message records
the representative as its author and the person as on-behalf-of (model, manifest, audit).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import Team, User
from amtsbote.cases.access import grant_in_force
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Case, FilePlanEntry, Jobcenter, Person, Representation
from amtsbote.core import refcodes
from amtsbote.core.exceptions import PermissionDenied, UnsupportedUpload, ValidationFailed
from amtsbote.core.storage import StoredFiles
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.models import Document
from amtsbote.documents.services import document_create, document_mark_seen, version_create
from amtsbote.notifications.services import notify

from .constants import DEFAULT_TOPICS, REGISTER_CODE, ThreadStatus
from .models import CannedReply, Message, Thread, ThreadRead, Topic

MAX_BODY = 5000


def _audit(action: str, thread: Thread, *, actor: User | None, **data: object) -> None:
    audit.record(
        f"messaging.thread.{action}",
        actor=actor,
        subject=thread,
        jobcenter_id=thread.case.jobcenter_id,
        case_id=thread.case_id,
        data={"thread": str(thread.uuid), **data},
    )


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationFailed(_("Please write a message."))
    if len(body) > MAX_BODY:
        raise ValidationFailed(_("Please write at most %(max)s characters.") % {"max": MAX_BODY})
    return body


def _register(case: Case) -> FilePlanEntry:
    return FilePlanEntry.objects.get(jobcenter_id=case.jobcenter_id, code=REGISTER_CODE)


def _staff_of_case(user: User, case: Case) -> bool:
    return user.works_on_cases and user.jobcenter_id == case.jobcenter_id


def _may_staff(user: User, thread: Thread) -> bool:
    """Staff of the jobcenter in the thread's team or in a team that works on the case."""
    if not _staff_of_case(user, thread.case):
        return False
    teams = set(user.teams.values_list("id", flat=True))
    return thread.team_id in teams or thread.case.teams.filter(id__in=teams).exists()


def _grant_for(representative: User, person: Person) -> Representation:
    """The grant in force under which ``representative`` writes for ``person``, else refused."""
    grant = grant_in_force(representative, person, RepresentationScope.WRITE_MESSAGES)
    if grant is None:
        raise PermissionDenied(_("You may not write messages for this person."))
    return grant


def _behalf_data(grant: Representation | None) -> dict[str, object]:
    """What the audit records of a representative's act: for whom, under which grant."""
    if grant is None:
        return {}
    return {
        "on_behalf_of": str(grant.person.uuid),
        "on_behalf_of_name": grant.person.full_name,
        "representation": str(grant.uuid),
    }


# --- topics --------------------------------------------------------------------------------------


@transaction.atomic
def topic_defaults_ensure(*, jobcenter: Jobcenter) -> list[Topic]:
    """The default topics of a jobcenter, created when it has none yet. Safe to run twice.

    A default team name the jobcenter does not have falls back to its first team; without
    any team there is nothing to route to and no topic is made.
    """
    existing = list(Topic.objects.filter(jobcenter=jobcenter))
    if existing:
        return existing
    teams = {team.name: team for team in Team.objects.filter(jobcenter=jobcenter).order_by("id")}
    if not teams:
        return []
    fallback = next(iter(teams.values()))
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for position, (code, label, team_name) in enumerate(DEFAULT_TOPICS):
            created.append(
                Topic.objects.create(
                    jobcenter=jobcenter,
                    code=code,
                    label=str(label),
                    team=teams.get(team_name, fallback),
                    position=position,
                )
            )
    audit.record(
        "messaging.topic.defaults",
        subject=jobcenter,
        jobcenter_id=jobcenter.pk,
        data={"topics": {topic.code: topic.team.name for topic in created}},
    )
    return created


@transaction.atomic
def topic_set(
    *, jobcenter: Jobcenter, code: str, team: Team, label: str = "", actor: User | None = None
) -> Topic:
    """Route a topic to a team (and name it); a new code makes a new topic."""
    if team.jobcenter_id != jobcenter.pk:
        raise ValidationFailed(_("The team belongs to another jobcenter."))
    topic_defaults_ensure(jobcenter=jobcenter)
    topic = Topic.objects.filter(jobcenter=jobcenter, code=code).first()
    if topic is None:
        if not label.strip():
            raise ValidationFailed(_("A new topic needs a label."))
        topic = Topic(
            jobcenter=jobcenter,
            code=code,
            position=Topic.objects.filter(jobcenter=jobcenter).count(),
        )
    topic.team = team
    if label.strip():
        topic.label = label.strip()[:100]
    topic.full_clean()
    topic.save()
    audit.record(
        "messaging.topic.set",
        actor=actor,
        subject=topic,
        jobcenter_id=jobcenter.pk,
        data={"code": topic.code, "team": team.name, "label": topic.label},
    )
    return topic


# --- threads and messages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachments:
    """Files a customer sends with a message, checked (nothing stored yet)."""

    files: list[processing.Checked]

    @classmethod
    def check(cls, files: list[tuple[str, bytes]]) -> Attachments:
        if len(files) > settings.UPLOAD_MAX_FILES:
            raise UnsupportedUpload(
                _("Please send at most %(max)s files at once.")
                % {"max": settings.UPLOAD_MAX_FILES},
                code="too_many",
            )
        return cls([processing.check_file(name, data) for name, data in files])


def _customer_message_add(
    *,
    thread: Thread,
    author: User,
    body: str,
    attachments: Attachments,
    stored: StoredFiles,
    grant: Representation | None = None,
) -> Message:
    """Inside the caller's transaction and ``stored``: the message, its attachments filed as
    one document in the e-file, and the manifest the receipt is made from. With ``grant``
    the author is a representative writing for the thread's person."""
    received_at = timezone.now()
    document: Document | None = None
    if attachments.files:
        document = document_create(
            case=thread.case,
            files=attachments.files,
            title=_("Message attachment: %(subject)s") % {"subject": thread.subject},
            source=Source.PORTAL,
            submitted_by=author,
            received_at=received_at,
            stored=stored,
            register=_register(thread.case),
        )
    manifest = {
        "received_at": received_at.isoformat(),
        "subject": thread.subject,
        "text_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "text_chars": len(body),
        "document": str(document.uuid) if document else None,
        "files": [
            {"name": f.filename, "pages": f.pages, "sha256": f.sha256, "size": len(f.data)}
            for f in attachments.files
        ],
    }
    if grant is not None:
        manifest["on_behalf_of"] = {
            "person": str(grant.person.uuid),
            "name": grant.person.full_name,
            "representative": author.get_full_name() or author.email,
        }
    message = Message.objects.create(
        thread=thread,
        author=author,
        from_staff=False,
        on_behalf_of=grant.person if grant is not None else None,
        body=body,
        document=document,
        reference=refcodes.generate(10),
        manifest=manifest,
    )
    thread.last_message_at = received_at
    if grant is None:
        thread.customer_read_at = received_at
    else:
        # The representative has read what they answer; the customer's own marker stays.
        ThreadRead.objects.update_or_create(
            thread=thread, user=author, defaults={"read_at": received_at}
        )
    if thread.status == ThreadStatus.CLOSED:
        # A customer who writes into a closed thread opens it again.
        thread.status, thread.closed_at, thread.closed_by = ThreadStatus.OPEN, None, None
        _audit("reopen", thread, actor=author, **_behalf_data(grant))
    thread.save()
    _audit(
        "message",
        thread,
        actor=author,
        message=str(message.uuid),
        reference=message.reference,
        files=[f.sha256 for f in attachments.files],
        **_behalf_data(grant),
    )
    return message


def thread_start(
    *,
    customer: User,
    topic: Topic,
    subject: str,
    body: str,
    files: Sequence[tuple[str, bytes]] = (),
    regarding: Document | None = None,
    on_behalf_of: Person | None = None,
) -> Message:
    """A customer writes to the team the topic routes to; returns the first message (the
    basis of the receipt). The thread belongs to this customer (household member), or, with
    ``on_behalf_of``, to the person ``customer`` represents with "write messages"."""
    grant: Representation | None = None
    person: Person | None
    if on_behalf_of is not None:
        grant = _grant_for(customer, on_behalf_of)
        person = grant.person
    else:
        person = getattr(customer, "person", None)
    if person is None:
        raise PermissionDenied(_("Your account is not linked to a household yet."))
    case = person.case
    if topic.jobcenter_id != case.jobcenter_id or not topic.is_active:
        raise ValidationFailed(_("Please choose a topic."))
    if regarding is not None and regarding.case_id != case.pk:
        raise PermissionDenied(_("This letter is not yours."))
    subject = subject.strip()[:200] or str(topic.display_label)
    body = _clean_body(body)
    attachments = Attachments.check(list(files))
    with StoredFiles() as stored, transaction.atomic():
        thread = Thread.objects.create(
            case=case,
            person=person,
            team=topic.team,
            topic=topic,
            subject=subject,
            regarding=regarding,
            created_by=customer,
            last_message_at=timezone.now(),
        )
        _audit(
            "start",
            thread,
            actor=customer,
            topic=topic.code,
            team=topic.team.name,
            **_behalf_data(grant),
        )
        return _customer_message_add(
            thread=thread,
            author=customer,
            body=body,
            attachments=attachments,
            stored=stored,
            grant=grant,
        )


def message_send_by_customer(
    *,
    thread: Thread,
    customer: User,
    body: str,
    files: Sequence[tuple[str, bytes]] = (),
    on_behalf_of: Person | None = None,
) -> Message:
    """The customer answers in their thread, or a representative in the thread of the
    person they write for (``on_behalf_of``, a grant in force with "write messages")."""
    grant = _grant_for(customer, on_behalf_of) if on_behalf_of is not None else None
    if grant is not None:
        if thread.person_id != grant.person_id:
            raise PermissionDenied(_("This conversation is not yours."))
    elif thread.person.user_id != customer.pk:
        raise PermissionDenied(_("This conversation is not yours."))
    body = _clean_body(body)
    attachments = Attachments.check(list(files))
    with StoredFiles() as stored, transaction.atomic():
        thread = Thread.objects.select_for_update().select_related("case").get(pk=thread.pk)
        return _customer_message_add(
            thread=thread,
            author=customer,
            body=body,
            attachments=attachments,
            stored=stored,
            grant=grant,
        )


def _notify_customer(thread: Thread) -> None:
    """ "You have a new message" to the customer, without any content; also to whoever
    writes for the customer today (a grant in force with "write messages"): a guardian's
    customer may have no account of their own."""
    path = reverse("portal:thread", args=[thread.uuid])
    recipients = [thread.person.user] if thread.person.user is not None else []
    grants = (
        Representation.objects.valid()
        .with_scope(RepresentationScope.WRITE_MESSAGES)
        .filter(person_id=thread.person_id)
        .select_related("representative")
        .order_by("id")
    )
    recipients += [grant.representative for grant in grants if grant.representative is not None]
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        notify(recipient=user, template="message_new", path=path)


def _staff_message_add(*, thread: Thread, author: User, body: str) -> Message:
    now = timezone.now()
    message = Message.objects.create(thread=thread, author=author, from_staff=True, body=body)
    thread.last_message_at = now
    thread.save(update_fields=["last_message_at", "updated_at"])
    ThreadRead.objects.update_or_create(thread=thread, user=author, defaults={"read_at": now})
    _notify_customer(thread)
    return message


@transaction.atomic
def thread_start_by_staff(
    *, person: Person, team: Team, subject: str, body: str, actor: User
) -> Thread:
    """A new message from the case team to one household member with a portal account."""
    case = person.case
    if not _staff_of_case(actor, case):
        raise PermissionDenied(_("You cannot write to this household."))
    if not actor.teams.filter(pk=team.pk).exists() or team.jobcenter_id != case.jobcenter_id:
        raise PermissionDenied(_("You can only write on behalf of your own team."))
    if person.user_id is None:
        raise ValidationFailed(_("This person has no portal account."))
    subject = subject.strip()[:200]
    if not subject:
        raise ValidationFailed(_("Please enter a subject."))
    body = _clean_body(body)
    thread = Thread.objects.create(
        case=case,
        person=person,
        team=team,
        subject=subject,
        created_by=actor,
        last_message_at=timezone.now(),
    )
    _audit("start", thread, actor=actor, team=team.name, by_staff=True)
    message = _staff_message_add(thread=thread, author=actor, body=body)
    _audit("reply", thread, actor=actor, message=str(message.uuid))
    return thread


@transaction.atomic
def thread_reply(*, thread: Thread, author: User, body: str) -> Message:
    """Staff answer on behalf of the team; the customer is told by e-mail (no content)."""
    if not _may_staff(author, thread):
        raise PermissionDenied(_("You cannot answer this conversation."))
    body = _clean_body(body)
    thread = Thread.objects.select_for_update().select_related("case", "person").get(pk=thread.pk)
    if not thread.is_open:
        raise ValidationFailed(_("This conversation is closed."))
    message = _staff_message_add(thread=thread, author=author, body=body)
    _audit("reply", thread, actor=author, message=str(message.uuid))
    return message


@transaction.atomic
def thread_mark_read(*, thread: Thread, user: User, on_behalf_of: Person | None = None) -> None:
    """A staff member opened the thread (recorded: a read of social data), the customer did
    (their unread marker goes), or a representative did for the person (``on_behalf_of``:
    their own marker, recorded with the person; the customer's marker stays)."""
    now = timezone.now()
    if on_behalf_of is not None:
        grant = _grant_for(user, on_behalf_of)
        if thread.person_id != grant.person_id:
            raise PermissionDenied(_("This conversation is not yours."))
        ThreadRead.objects.update_or_create(thread=thread, user=user, defaults={"read_at": now})
        _audit("read", thread, actor=user, **_behalf_data(grant))
        return
    if thread.person.user_id == user.pk:
        Thread.objects.filter(pk=thread.pk).update(customer_read_at=now)
        return
    ThreadRead.objects.update_or_create(thread=thread, user=user, defaults={"read_at": now})
    _audit("read", thread, actor=user)


@transaction.atomic
def thread_assign(*, thread: Thread, assignee: User | None, actor: User) -> Thread:
    """Give the thread to one member of its team (or back to the team with ``None``)."""
    if not _may_staff(actor, thread):
        raise PermissionDenied(_("You cannot change this conversation."))
    if assignee is not None and not (
        assignee.works_on_cases and assignee.teams.filter(pk=thread.team_id).exists()
    ):
        raise ValidationFailed(_("Only a member of the team can take the conversation."))
    thread = Thread.objects.select_for_update().select_related("case").get(pk=thread.pk)
    if thread.assigned_to_id != (assignee.pk if assignee else None):
        thread.assigned_to = assignee
        thread.save(update_fields=["assigned_to", "updated_at"])
        _audit("assign", thread, actor=actor, assignee=str(assignee.uuid) if assignee else None)
    return thread


def thread_close(*, thread: Thread, actor: User) -> Thread:
    """Close the thread and file all of it as one PDF in the register Schriftverkehr.

    Closed again after a customer reopened it: the new record is filed as a new version.
    """
    if not _may_staff(actor, thread):
        raise PermissionDenied(_("You cannot change this conversation."))
    from .rendering import thread_pdf

    with StoredFiles() as stored, transaction.atomic():
        thread = (
            Thread.objects.select_for_update(of=("self",))
            .select_related("case__jobcenter", "person", "team", "record")
            .get(pk=thread.pk)
        )
        if not thread.is_open:
            return thread
        now = timezone.now()
        thread.status, thread.closed_at, thread.closed_by = ThreadStatus.CLOSED, now, actor
        messages = list(thread.messages.select_related("author", "document"))
        pdf = thread_pdf(thread, messages)
        checked = processing.check_generated("thread.pdf", pdf)
        title = _("Messages: %(subject)s") % {"subject": thread.subject}
        if thread.record is None:
            thread.record = document_create(
                case=thread.case,
                files=[checked],
                title=title,
                source=Source.STAFF,
                submitted_by=actor,
                stored=stored,
                register=_register(thread.case),
                text="\n\n".join(message.body for message in messages),
            )
            document_mark_seen(document=thread.record, actor=actor)
        else:
            version_create(
                document=thread.record,
                pdf=processing.build_pdf([checked])[0],
                pages=checked.pages,
                created_by=actor,
                stored=stored,
                text="\n\n".join(message.body for message in messages),
            )
        thread.save()
        _audit("close", thread, actor=actor, record=str(thread.record.uuid))
    return thread


# --- canned replies ------------------------------------------------------------------------------


def _jobcenter_staff(actor: User, jobcenter_id: int) -> None:
    if not (actor.works_on_cases and actor.jobcenter_id == jobcenter_id):
        raise PermissionDenied(_("Only staff of the jobcenter can change canned replies."))


@transaction.atomic
def canned_reply_create(*, actor: User, title: str, body: str) -> CannedReply:
    _jobcenter_staff(actor, actor.jobcenter_id or 0)
    assert actor.jobcenter_id is not None
    title, body = title.strip()[:100], body.strip()
    if not title or not body:
        raise ValidationFailed(_("A canned reply needs a title and a text."))
    reply = CannedReply.objects.create(
        jobcenter_id=actor.jobcenter_id, title=title, body=body, created_by=actor
    )
    audit.record(
        "messaging.canned_reply.create",
        actor=actor,
        subject=reply,
        jobcenter_id=actor.jobcenter_id,
        data={"title": title},
    )
    return reply


@transaction.atomic
def canned_reply_delete(*, reply: CannedReply, actor: User) -> None:
    _jobcenter_staff(actor, reply.jobcenter_id)
    audit.record(
        "messaging.canned_reply.delete",
        actor=actor,
        subject=reply,
        jobcenter_id=reply.jobcenter_id,
        data={"title": reply.title},
    )
    reply.delete()
