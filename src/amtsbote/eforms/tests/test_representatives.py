"""Representatives filling in forms, through the services: only under a grant in force with
"submit forms"; a draft belongs to the pair (account, person); the sent form and its PDF
record who sent it for whom."""

from __future__ import annotations

import datetime as dt

import pypdfium2
import pytest
from django.utils import timezone

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.services_representation import (
    representation_grant_by_staff,
    representation_revoke,
)
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.core.exceptions import PermissionDenied
from amtsbote.eforms.definitions import registry
from amtsbote.eforms.models import FormDraft, FormSubmission
from amtsbote.eforms.services import draft_discard, draft_start, draft_step_save, form_submit
from amtsbote.eforms.tests.factories import move_answers

pytestmark = pytest.mark.django_db

VAEM = "veraenderungsmitteilung"


@pytest.fixture
def rita(db):
    return UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")


def grant(ben, person, rep, scopes=(RepresentationScope.SUBMIT_FORMS,)):
    return representation_grant_by_staff(
        actor=ben,
        person=person,
        representative=rep,
        kind=RepresentationKind.GUARDIAN,
        scopes=scopes,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )


def fill_move(user, person=None) -> FormDraft:
    draft = draft_start(user=user, definition=registry.get(VAEM), on_behalf_of=person)
    steps = {"parts": {"parts": ["move"]}, "move": move_answers(), "remarks": {"remarks": ""}}
    for key, values in steps.items():
        draft = draft_step_save(draft=draft, user=user, step_key=key, values=values)
    return draft


def pdf_text(submission: FormSubmission) -> str:
    with submission.document.current_version.file.open("rb") as handle:
        pdf = pypdfium2.PdfDocument(handle.read())
    return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)


def test_drafts_of_the_representative_and_the_customer_are_apart(
    caseworker_ben, customer_anna, rita
):
    grant(caseworker_ben, customer_anna.person, rita)
    own = draft_start(user=customer_anna, definition=registry.get(VAEM))
    reps = draft_start(user=rita, definition=registry.get(VAEM), on_behalf_of=customer_anna.person)
    assert own.pk != reps.pk
    assert (own.user, own.person) == (customer_anna, customer_anna.person)
    assert (reps.user, reps.person, reps.case) == (
        rita,
        customer_anna.person,
        customer_anna.person.case,
    )
    assert draft_start(user=customer_anna, definition=registry.get(VAEM)).pk == own.pk
    # Neither goes on with the other's draft.
    with pytest.raises(PermissionDenied):
        draft_step_save(draft=own, user=rita, step_key="parts", values={"parts": ["move"]})
    with pytest.raises(PermissionDenied):
        draft_discard(draft=reps, user=customer_anna)
    event = AuditEvent.objects.filter(action="eforms.draft.start", actor_id=rita.pk).get()
    assert event.data["on_behalf_of"] == str(customer_anna.person.uuid)


def test_a_representative_sends_in_the_persons_name(
    caseworker_ben, customer_anna, rita, django_capture_on_commit_callbacks
):
    grant(caseworker_ben, customer_anna.person, rita)
    with django_capture_on_commit_callbacks(execute=True):
        submission = form_submit(draft=fill_move(rita, customer_anna.person), user=rita)
    assert (submission.person, submission.submitted_by, submission.on_behalf_of) == (
        customer_anna.person,
        rita,
        customer_anna.person,
    )
    assert submission.document.submitted_by == rita
    assert "Übermittelt durch: Rita Rat für Anna Schmidt (Vertretung)" in pdf_text(submission)
    event = AuditEvent.objects.get(action="eforms.submission.create")
    assert event.actor_id == rita.pk
    assert event.data["on_behalf_of"] == str(customer_anna.person.uuid)
    # The documents a move implies are asked for from Anna, as for her own form.
    follow_up = submission.follow_ups.get()
    assert follow_up.case == customer_anna.person.case
    assert not FormDraft.objects.exists()


def test_a_form_for_a_person_without_an_account_is_sent_without_follow_ups(
    caseworker_ben, case_anna, rita
):
    child = PersonFactory(case=case_anna, first_name="Lena", last_name="Schmidt", position=2)
    grant(caseworker_ben, child, rita)
    submission = form_submit(draft=fill_move(rita, child), user=rita)
    assert submission.person == child and submission.on_behalf_of == child
    assert not submission.follow_ups.exists()


@pytest.mark.parametrize(
    "scopes", [(), (RepresentationScope.WRITE_MESSAGES, RepresentationScope.UPLOAD)]
)
def test_without_the_scope_no_draft(caseworker_ben, customer_anna, rita, scopes):
    if scopes:
        grant(caseworker_ben, customer_anna.person, rita, scopes=scopes)
    with pytest.raises(PermissionDenied):
        draft_start(user=rita, definition=registry.get(VAEM), on_behalf_of=customer_anna.person)
    assert not FormDraft.objects.exists()


def test_a_revoked_grant_stops_the_draft_and_the_sending(caseworker_ben, customer_anna, rita):
    made = grant(caseworker_ben, customer_anna.person, rita)
    draft = fill_move(rita, customer_anna.person)
    representation_revoke(representation=made, actor=customer_anna)
    with pytest.raises(PermissionDenied):
        form_submit(draft=draft, user=rita)
    with pytest.raises(PermissionDenied):
        draft_step_save(draft=draft, user=rita, step_key="remarks", values={"remarks": "x"})
    assert not FormSubmission.objects.exists()


def test_a_grant_for_another_household_member_is_not_one_for_anna(
    caseworker_ben, customer_anna, case_anna, rita
):
    max_user = UserFactory(email="max@example.org")
    max_person = PersonFactory(case=case_anna, first_name="Max", user=max_user, position=1)
    grant(caseworker_ben, max_person, rita)
    with pytest.raises(PermissionDenied):
        draft_start(user=rita, definition=registry.get(VAEM), on_behalf_of=customer_anna.person)
    draft = draft_start(user=rita, definition=registry.get(VAEM), on_behalf_of=max_person)
    assert draft.person == max_person
