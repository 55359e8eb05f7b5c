"""Writes for online forms: drafts after every step, sending (PDF into the e-file, answers
kept as data, follow-up document requests by rule)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import Team, User
from amtsbote.cases.models import Case, FilePlanEntry, Person
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
def draft_start(*, user: User, definition: FormDefinition) -> FormDraft:
    """The account's draft of this form, started with the newest version if there is none."""
    person = _person(user)
    draft = (
        FormDraft.objects.select_related("case")
        .filter(user=user, form_code=definition.code)
        .first()
    )
    if draft is not None and draft.case_id == person.case_id:
        return draft
    if draft is not None:  # the account moved to another household: the old draft goes
        draft.delete()
    draft = FormDraft.objects.create(
        user=user,
        case=person.case,
        form_code=definition.code,
        form_version=definition.version,
        step=definition.steps[0].key,
    )
    _audit_draft("start", draft, user)
    return draft


@transaction.atomic
def draft_step_save(
    *, draft: FormDraft, user: User, step_key: str, values: dict[str, Any]
) -> FormDraft:
    """Keep the validated JSON ``values`` of one step; the draft's step moves on to the next
    active step (or "summary")."""
    if draft.user_id != user.pk:
        raise PermissionDenied(_("This draft is not yours."))
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
    _audit_draft("save", draft, user, step=step_key)
    return draft


@transaction.atomic
def draft_discard(*, draft: FormDraft, user: User) -> None:
    if draft.user_id != user.pk:
        raise PermissionDenied(_("This draft is not yours."))
    _audit_draft("discard", draft, user)
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

    Raises ValidationFailed (nothing stored, the draft kept) when a step is not valid.
    """
    person = _person(user)
    if draft.user_id != user.pk or draft.case_id != person.case_id:
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
            },
        )
        _follow_ups_create(submission=submission, follow_ups=follow_ups, user=user)
        FormDraft.objects.filter(pk=draft.pk).delete()
    return submission


def _follow_ups_create(
    *, submission: FormSubmission, follow_ups: rules.FollowUps, user: User
) -> None:
    if not follow_ups.items:
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
        customer=user,
        items=items,
        message=(
            f"Bitte reichen Sie zu Ihrer {submission.title} vom {when:%d.%m.%Y} "
            f"(Referenz {submission.reference}) diese Unterlagen ein."
        ),
        reason=f"eforms:{submission.form_code}:{submission.reference}",
    )
    submission.follow_ups.add(request)
