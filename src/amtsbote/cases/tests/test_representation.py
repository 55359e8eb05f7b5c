"""Representatives: granting, revoking, and what the access functions let them reach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone, translation

from amtsbote.accounts.models import ActivationCode
from amtsbote.accounts.services import activation_code_redeem
from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.access import (
    acting_representation,
    represented_people,
)
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.models import Representation
from amtsbote.cases.services_representation import (
    activation_or_invitation_redeem,
    portal_account_by_email,
    representation_grant_by_customer,
    representation_grant_by_staff,
    representation_invite_by_customer,
    representation_invite_by_staff,
    representation_revoke,
)
from amtsbote.core.exceptions import ActivationFailed, PermissionDenied, ValidationFailed
from amtsbote.doc_requests.access import access_doc_request_for_customer
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.postbox.access import access_letter_for_customer
from amtsbote.postbox.tests.factories import ConsentFactory, send_letter

pytestmark = pytest.mark.django_db

READ = RepresentationScope.READ_LETTERS
UPLOAD = RepresentationScope.UPLOAD


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def rita(db):
    """A counsellor of a Beratungsstelle with a portal account and no household of her own."""
    return UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")


def grant(by, person, representative, scopes=(READ,), until=30):
    return representation_grant_by_staff(
        actor=by,
        person=person,
        representative=representative,
        kind=RepresentationKind.COUNSELLING,
        scopes=scopes,
        valid_until=in_days(until),
    )


@pytest.fixture
def letter(customer_anna, caseworker_ben):
    ConsentFactory(person=customer_anna.person)
    return send_letter(customer_anna.person, by=caseworker_ben)


@pytest.fixture
def doc_request(case_anna, team_leistung, caseworker_ben, customer_anna):
    return doc_request_create(
        case=case_anna, team=team_leistung, created_by=caseworker_ben, items=[ItemSpec(label="X")]
    )


def test_staff_grant_is_stored_and_audited(caseworker_ben, customer_anna, rita):
    made = grant(caseworker_ben, customer_anna.person, rita, scopes=[UPLOAD, READ])
    assert made.scope_list == [READ, UPLOAD]
    assert made.case == customer_anna.person.case
    event = AuditEvent.objects.get(action="cases.representation.grant")
    assert event.data["by"] == "jobcenter"
    assert event.data["scopes"] == [READ, UPLOAD]
    assert event.data["representative"] == rita.pk


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scopes": []}, "at least one of"),
        ({"scopes": ["delete_everything"]}, "at least one of"),
        ({"valid_until": None}, "end date after today"),
        ({"valid_until": "today"}, "end date after today"),
        ({"valid_until": "4y"}, "at most three years"),
        ({"kind": "friend"}, "kind of representation"),
    ],
)
def test_grant_validation_names_what_is_accepted(
    caseworker_ben, customer_anna, rita, kwargs, message
):
    values = {"kind": RepresentationKind.AUTHORISED, "scopes": [READ], "valid_until": in_days(5)}
    values.update(kwargs)
    if values["valid_until"] == "today":
        values["valid_until"] = timezone.localdate()
    elif values["valid_until"] == "4y":
        values["valid_until"] = in_days(4 * 365)
    with pytest.raises(ValidationFailed, match=message):
        representation_grant_by_staff(
            actor=caseworker_ben, person=customer_anna.person, representative=rita, **values
        )
    assert not Representation.objects.exists()


def test_staff_outside_the_case_cannot_grant(stranger_sara, customer_anna, rita):
    with pytest.raises(PermissionDenied):
        grant(stranger_sara, customer_anna.person, rita)
    assert not Representation.objects.exists()


def test_no_second_grant_no_self_no_staff(caseworker_ben, customer_anna, rita, stranger_sara):
    grant(caseworker_ben, customer_anna.person, rita)
    with pytest.raises(ValidationFailed, match="already represents"):
        grant(caseworker_ben, customer_anna.person, rita)
    with pytest.raises(ValidationFailed, match="themselves"):
        grant(caseworker_ben, customer_anna.person, customer_anna)
    with pytest.raises(ValidationFailed, match="Only a portal account"):
        grant(caseworker_ben, customer_anna.person, stranger_sara)


def test_portal_account_by_email_finds_only_portal_accounts(rita, stranger_sara):
    assert portal_account_by_email(" RITA@beratung.example ") == rita
    assert portal_account_by_email(stranger_sara.email) is None
    assert portal_account_by_email("") is None
    assert portal_account_by_email("nobody@example.org") is None


def test_customer_grants_for_themselves_only(customer_anna, rita, stranger_sara):
    made = representation_grant_by_customer(
        customer=customer_anna,
        representative=rita,
        kind=RepresentationKind.AUTHORISED,
        scopes=[READ],
        valid_until=in_days(10),
    )
    assert made.person == customer_anna.person
    assert made.granted_by == customer_anna
    assert AuditEvent.objects.get(action="cases.representation.grant").data["by"] == "customer"
    with pytest.raises(PermissionDenied):
        representation_grant_by_customer(
            customer=rita,  # no household: nothing to grant
            representative=stranger_sara,
            kind=RepresentationKind.AUTHORISED,
            scopes=[READ],
            valid_until=in_days(10),
        )


def test_read_letters_reaches_the_letter_but_not_the_upload(
    caseworker_ben, customer_anna, rita, letter, doc_request
):
    grant(caseworker_ben, customer_anna.person, rita, scopes=[READ])
    assert access_letter_for_customer(rita, letter.uuid) == letter
    with pytest.raises(Http404):
        access_doc_request_for_customer(rita, doc_request.uuid)


def test_upload_reaches_the_request_but_not_the_letters(
    caseworker_ben, customer_anna, rita, letter, doc_request
):
    grant(caseworker_ben, customer_anna.person, rita, scopes=[UPLOAD])
    assert access_doc_request_for_customer(rita, doc_request.uuid) == doc_request
    with pytest.raises(Http404):
        access_letter_for_customer(rita, letter.uuid)


def test_expired_future_and_revoked_grants_give_nothing(
    caseworker_ben, customer_anna, rita, letter, doc_request
):
    made = grant(caseworker_ben, customer_anna.person, rita, scopes=[READ, UPLOAD])
    assert list(represented_people(rita, READ)) == [customer_anna.person]
    # The end day still counts; the day after it does not.
    Representation.objects.filter(pk=made.pk).update(valid_until=timezone.localdate())
    assert access_letter_for_customer(rita, letter.uuid) == letter
    Representation.objects.filter(pk=made.pk).update(valid_until=in_days(-1))
    with pytest.raises(Http404):
        access_letter_for_customer(rita, letter.uuid)
    Representation.objects.filter(pk=made.pk).update(valid_from=in_days(1), valid_until=in_days(9))
    with pytest.raises(Http404):
        access_doc_request_for_customer(rita, doc_request.uuid)
    Representation.objects.filter(pk=made.pk).update(valid_from=in_days(-1))
    assert access_doc_request_for_customer(rita, doc_request.uuid) == doc_request
    representation_revoke(representation=made, actor=customer_anna)
    for gate, obj in (
        (access_letter_for_customer, letter),
        (access_doc_request_for_customer, doc_request),
    ):
        with pytest.raises(Http404):
            gate(rita, obj.uuid)
    event = AuditEvent.objects.get(action="cases.representation.revoke")
    assert event.actor_id == customer_anna.pk


def test_grant_for_one_household_reaches_no_other(
    caseworker_ben, customer_anna, customer_carl, rita, letter
):
    ConsentFactory(person=customer_carl.person)
    carls = send_letter(customer_carl.person, by=caseworker_ben)
    grant(caseworker_ben, customer_anna.person, rita, scopes=[READ])
    assert access_letter_for_customer(rita, letter.uuid) == letter
    with pytest.raises(Http404):
        access_letter_for_customer(rita, carls.uuid)


def test_acting_defaults_and_switch(caseworker_ben, customer_anna, customer_carl, rita):
    first = grant(caseworker_ben, customer_anna.person, rita)
    second = grant(caseworker_ben, customer_carl.person, rita)
    session: dict[str, str] = {}
    # No household of her own: she acts under a grant from the start.
    assert acting_representation(rita, session) in (first, second)
    session["amtsbote_acting_for"] = str(second.uuid)
    assert acting_representation(rita, session) == second
    representation_revoke(representation=second, actor=caseworker_ben)
    assert acting_representation(rita, session) is None
    assert "amtsbote_acting_for" not in session
    # A customer acts for themselves unless they choose a grant.
    assert acting_representation(customer_anna, {}) is None


# --- invitations (pending grants with a code) ---------------------------------------------


def invite(by, person, email="", until=30):
    return representation_invite_by_staff(
        actor=by,
        person=person,
        email=email,
        kind=RepresentationKind.GUARDIAN,
        scopes=[READ],
        valid_until=in_days(until),
    )


def test_a_pending_grant_admits_nobody(caseworker_ben, customer_anna, rita, letter):
    made, _code = invite(caseworker_ben, customer_anna.person)
    assert made.is_pending and not made.is_valid()
    assert not Representation.objects.valid().exists()
    assert list(Representation.objects.pending()) == [made]
    assert list(represented_people(rita, READ)) == []
    with pytest.raises(Http404):
        access_letter_for_customer(rita, letter.uuid)


def test_the_code_expires_with_the_grant_at_the_latest(caseworker_ben, customer_anna):
    made, _code = invite(caseworker_ben, customer_anna.person, until=3)
    activation = ActivationCode.objects.get(representation=made)
    assert timezone.localtime(activation.expires_at).date() == in_days(4)
    assert activation.expires_at > timezone.now()
    made, _code = invite(caseworker_ben, customer_anna.person, until=300)
    activation = ActivationCode.objects.get(representation=made)
    assert activation.expires_at <= timezone.now() + dt.timedelta(days=30)


def test_an_expired_pending_grant_never_becomes_active(caseworker_ben, customer_anna, rita):
    made, code = invite(caseworker_ben, customer_anna.person, until=3)
    activation = ActivationCode.objects.get(representation=made)
    ActivationCode.objects.filter(pk=activation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ActivationFailed, match="expired"):
        activation_or_invitation_redeem(user=rita, code_text=code)
    made.refresh_from_db()
    assert made.is_pending and not Representation.objects.valid().exists()


def test_an_invitation_code_is_refused_where_only_activation_is_offered(
    caseworker_ben, customer_anna, rita
):
    made, code = invite(caseworker_ben, customer_anna.person)
    with pytest.raises(ActivationFailed, match="invitation code"):
        activation_code_redeem(user=rita, code_text=code)
    made.refresh_from_db()
    assert made.is_pending
    assert getattr(rita, "person", None) is None


def test_invitation_checks(caseworker_ben, customer_anna, rita, stranger_sara):
    with pytest.raises(PermissionDenied):
        invite(stranger_sara, customer_anna.person)
    with pytest.raises(ValidationFailed, match="valid e-mail"):
        invite(caseworker_ben, customer_anna.person, email="not-an-address")
    with pytest.raises(ValidationFailed, match="themselves"):
        invite(caseworker_ben, customer_anna.person, email="ANNA@example.org")
    invite(caseworker_ben, customer_anna.person, email="betty@example.org")
    with pytest.raises(ValidationFailed, match="open invitation"):
        invite(caseworker_ben, customer_anna.person, email="Betty@example.org")
    assert Representation.objects.count() == 1
    assert ActivationCode.objects.count() == 1


def test_customer_invites_by_address_only(customer_anna, rita):
    with pytest.raises(ValidationFailed, match="e-mail address of the representative"):
        representation_invite_by_customer(
            customer=customer_anna,
            email="",
            kind=RepresentationKind.AUTHORISED,
            scopes=[READ],
            valid_until=in_days(10),
        )
    made, code = representation_invite_by_customer(
        customer=customer_anna,
        email="rita@beratung.example",
        kind=RepresentationKind.AUTHORISED,
        scopes=[READ],
        valid_until=in_days(10),
    )
    assert made.representative is None  # even though Rita has an account
    assert made.granted_by == customer_anna
    issued = AuditEvent.objects.get(action="accounts.activation_code.issue")
    assert issued.jobcenter_id == customer_anna.person.case.jobcenter_id
    assert activation_or_invitation_redeem(user=rita, code_text=code) == made
    with pytest.raises(PermissionDenied):
        representation_invite_by_customer(
            customer=rita,
            email="x@example.org",
            kind=RepresentationKind.AUTHORISED,
            scopes=[READ],
            valid_until=in_days(10),
        )


def test_a_representative_already_in_force_cannot_bind_a_second_grant(
    caseworker_ben, customer_anna, rita
):
    grant(caseworker_ben, customer_anna.person, rita)
    made, code = invite(caseworker_ben, customer_anna.person)
    with pytest.raises(ActivationFailed, match="already act for"):
        activation_or_invitation_redeem(user=rita, code_text=code)
    made.refresh_from_db()
    assert made.is_pending
