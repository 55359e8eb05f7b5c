"""Writes for online forms: drafts after every step, sending (PDF into the e-file, answers
kept as data, follow-up document requests by rule).

A representative with a grant in force that holds "submit forms" fills in and sends forms
for the person they act for (``on_behalf_of``). A draft belongs to the pair (account,
person), so a representative's draft never mixes with the customer's own; the sent form
records the representative as the sender and the person as on-behalf-of."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import Team, User
from amtsbote.cases.access import grant_in_force
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Case, FilePlanEntry, Person, Representation
from amtsbote.core import refcodes
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.core.storage import StoredFiles
from amtsbote.doc_requests.services import ItemSpec, doc_request_create_follow_up
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.models import DocumentType
from amtsbote.documents.services import document_create

from . import engine, rendering, rules
from .definitions import registry
from .definitions.base import FormDefinition
from .models import FormDraft, FormSubmission


def _person(user: User) -> Person:
    person = getattr(user, "person", None)
    if person is None:
        raise PermissionDenied(_("Link your account to your jobcenter first."))
    return person


def _grant_for(user: User, person: Person) -> Representation:
    """The grant in force under which ``user`` fills in forms for ``person``, else refused."""
    grant = grant_in_force(user, person, RepresentationScope.SUBMIT_FORMS)
    if grant is None:
        raise PermissionDenied(_("You may not fill in forms for this person."))
    return grant


def _draft_grant(draft: FormDraft, user: User) -> Representation | None:
    """Whether ``user`` may go on with ``draft``: their own (None) or, for a representative's
    draft, the grant in force for the draft's person."""
    if draft.user_id != user.pk:
        raise PermissionDenied(_("This draft is not yours."))
    own = getattr(user, "person", None)
    if own is not None and draft.person_id == own.pk:
        return None
    return _grant_for(user, draft.person)


def _behalf_data(grant: Representation | None) -> dict[str, Any]:
    """What the audit records of a representative's act: for whom, under which grant."""
    if grant is None:
        return {}
    return {
        "on_behalf_of": str(grant.person.uuid),
        "on_behalf_of_name": grant.person.full_name,
        "representation": str(grant.uuid),
    }


def _audit_draft(action: str, draft: FormDraft, user: User, **data: Any) -> None:
    audit.record(
        f"eforms.draft.{action}",
        actor=user,
        subject=draft,
        jobcenter_id=draft.case.jobcenter_id,
        case_id=draft.case_id,
        data={"form": draft.form_code, "version": draft.form_version, **data},
    )


@transaction.atomic
def draft_start(
    *, user: User, definition: FormDefinition, on_behalf_of: Person | None = None
) -> FormDraft:
    """The account's draft of this form for its own person (or, with ``on_behalf_of``, for
    the person it represents with "submit forms"), started with the newest version if there
    is none."""
    grant = _grant_for(user, on_behalf_of) if on_behalf_of is not None else None
    person = grant.person if grant is not None else _person(user)
    draft = (
        FormDraft.objects.select_related("case")
        .filter(user=user, person=person, form_code=definition.code)
        .first()
    )
    if draft is not None and draft.case_id == person.case_id:
        return draft
    if draft is not None:  # the person moved to another household: the old draft goes
        draft.delete()
    draft = FormDraft.objects.create(
        user=user,
        person=person,
        case=person.case,
        form_code=definition.code,
        form_version=definition.version,
        step=definition.steps[0].key,
    )
    _audit_draft("start", draft, user, **_behalf_data(grant))
    return draft


@transaction.atomic
def draft_step_save(
    *, draft: FormDraft, user: User, step_key: str, values: dict[str, Any]
) -> FormDraft:
    """Keep the validated JSON ``values`` of one step; the draft's step moves on to the next
    active step (or "summary")."""
    grant = _draft_grant(draft, user)
    definition = registry.get(draft.form_code, draft.form_version)
    if definition is None or definition.step(step_key) is None:
        raise ValidationFailed(_("This step does not exist."))
    data = dict(draft.data)
    data[step_key] = values
    draft.data = data
    active = [step.key for step in definition.active_steps(data)]
    position = active.index(step_key) if step_key in active else -1
    draft.step = active[position + 1] if 0 <= position < len(active) - 1 else "summary"
    draft.save(update_fields=["data", "step", "updated_at"])
    _audit_draft("save", draft, user, step=step_key, **_behalf_data(grant))
    return draft


@transaction.atomic
def draft_discard(*, draft: FormDraft, user: User) -> None:
    grant = _draft_grant(draft, user)
    _audit_draft("discard", draft, user, **_behalf_data(grant))
    draft.delete()


def team_for_follow_ups(case: Case, names: tuple[str, ...]) -> Team | None:
    """The first of the named teams that works on the case, else any team that does."""
    teams = list(case.teams.order_by("name", "id"))
    for name in names:
        for team in teams:
            if team.name == name:
                return team
    return teams[0] if teams else None


def form_submit(*, draft: FormDraft, user: User) -> FormSubmission:
    """Send the draft: every step is validated again; the German PDF is filed in the e-file,
    the answers are kept as data, follow-up documents are requested by rule, the draft goes.

    A representative's draft is sent in the name of its person while the grant ("submit
    forms") is in force: the representative is the sender, the person on-behalf-of.

    Raises ValidationFailed (nothing stored, the draft kept) when a step is not valid.
    """
    grant = _draft_grant(draft, user)
    person = grant.person if grant is not None else _person(user)
    if draft.case_id != person.case_id:
        raise PermissionDenied(_("This draft is not yours."))
    definition = registry.get(draft.form_code, draft.form_version)
    if definition is None:
        raise ValidationFailed(_("This form is no longer available."))
    data = {step.key: draft.data.get(step.key, {}) for step in definition.active_steps(draft.data)}
    problems = engine.validate_all(definition, draft.data)
    if problems:
        step_key = next(iter(problems))
        raise ValidationFailed(" ".join(problems[step_key]), code=step_key)
    case = person.case
    sent_at = timezone.now()
    reference = refcodes.generate(10)
    language = translation.get_language() or "de"
    pdf = rendering.form_pdf(
        definition=definition,
        data=data,
        person=person,
        reference=reference,
        sent_at=sent_at,
        language=language,
        representative=user if grant is not None else None,
    )
    checked = processing.check_generated(f"{definition.code}-{reference}.pdf", pdf)
    document_type = (
        DocumentType.objects.filter(code=definition.document_type_code).first()
        if definition.document_type_code
        else None
    )
    register = (
        FilePlanEntry.objects.filter(
            jobcenter_id=case.jobcenter_id, code=definition.register_code
        ).first()
        if definition.register_code and document_type is None
        else None
    )
    follow_ups = rules.follow_ups(definition.code, data)
    with StoredFiles() as stored, transaction.atomic():
        document = document_create(
            case=case,
            files=[checked],
            title=f"{definition.title_de} vom {timezone.localdate(sent_at):%d.%m.%Y}",
            source=Source.PORTAL,
            document_type=document_type,
            submitted_by=user,
            received_at=sent_at,
            stored=stored,
            register=register,
        )
        submission = FormSubmission.objects.create(
            case=case,
            person=person,
            submitted_by=user,
            on_behalf_of=person if grant is not None else None,
            form_code=definition.code,
            form_version=definition.version,
            title=definition.title_de,
            data=data,
            language=language,
            document=document,
            pdf_sha256=checked.sha256,
            reference=reference,
        )
        audit.record(
            "eforms.submission.create",
            actor=user,
            subject=submission,
            jobcenter_id=case.jobcenter_id,
            case_id=case.pk,
            data={
                "form": definition.code,
                "version": definition.version,
                "document": str(document.uuid),
                "sha256": submission.pdf_sha256,
                **_behalf_data(grant),
            },
        )
        _follow_ups_create(
            submission=submission,
            follow_ups=follow_ups,
            customer=person.user if grant is not None else user,
        )
        FormDraft.objects.filter(pk=draft.pk).delete()
    return submission


def _follow_ups_create(
    *, submission: FormSubmission, follow_ups: rules.FollowUps, customer: User | None
) -> None:
    """The documents the form implies, asked for from the household. ``customer`` is the
    household member recorded as the originator: the sender, or for a form a representative
    sent, the represented person's account (``doc_request_create_follow_up`` takes a member
    of the household; the representative is recorded on the sent form and in its audit
    event). A represented person without an account of their own: staff ask by hand."""
    if not follow_ups.items or customer is None:
        return
    team = team_for_follow_ups(submission.case, follow_ups.teams)
    if team is None:  # nobody works on the case yet: staff will ask by hand
        return
    types = {
        t.code: t
        for t in DocumentType.objects.filter(
            code__in=[item.document_type_code for item in follow_ups.items]
        )
    }
    items = [
        ItemSpec(document_type=types[item.document_type_code], note=item.note)
        for item in follow_ups.items
        if item.document_type_code in types
    ]
    if not items:
        return
    when = timezone.localdate(submission.created_at)
    request = doc_request_create_follow_up(
        case=submission.case,
        team=team,
        customer=customer,
        items=items,
        message=(
            f"Bitte reichen Sie zu Ihrer {submission.title} vom {when:%d.%m.%Y} "
            f"(Referenz {submission.reference}) diese Unterlagen ein."
        ),
        reason=f"eforms:{submission.form_code}:{submission.reference}",
    )
    submission.follow_ups.add(request)
