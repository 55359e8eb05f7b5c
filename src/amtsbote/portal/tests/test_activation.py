"""Linking a fresh account with the activation code; a representative entering an
invitation code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from amtsbote.accounts.models import ActivationCode
from amtsbote.accounts.services import activation_code_issue
from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.models import Person, Representation
from amtsbote.cases.services_representation import (
    activation_or_invitation_redeem,
    representation_invite_by_staff,
    representation_revoke,
)
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.core import refcodes
from amtsbote.core.exceptions import ActivationFailed
from amtsbote.postbox.tests.factories import ConsentFactory, send_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person_dana(case_anna):
    return PersonFactory(case=case_anna, first_name="Dana", last_name="Schmidt")


@pytest.fixture
def code(person_dana, caseworker_ben):
    return activation_code_issue(person=person_dana, issued_by=caseworker_ben)[1]


@pytest.fixture
def dana():
    return UserFactory(email="dana@example.org")


@pytest.fixture
def dana_client(dana):
    client = Client()
    client.force_login(dana)
    return client


def test_code_prefilled_from_qr_link(dana_client, code):
    response = dana_client.get(reverse("portal:activate") + f"?code={code}")
    assert response.status_code == 200
    assert f'value="{code}"'.encode() in response.content


def test_right_code_with_spaces_and_dashes_links_the_account(dana_client, dana, code, person_dana):
    typed = refcodes.group(code).replace("-", " - ").lower()
    response = dana_client.post(reverse("portal:activate"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    person_dana.refresh_from_db()
    assert person_dana.user == dana
    home = dana_client.get(reverse("portal:home"))
    assert b'data-testid="activate-cta"' not in home.content


def test_wrong_code_shows_error_and_counts_attempts(dana_client, dana, code):
    response = dana_client.post(
        reverse("portal:activate"), {"code": "AAAA-BBBB-CCCC"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert b'data-testid="activation-error"' in response.content
    assert b'data-attempts-left="4"' in response.content
    assert not Person.objects.filter(user=dana).exists()


def test_after_five_failures_even_the_right_code_is_refused(dana_client, dana, code):
    for _ in range(5):
        dana_client.post(reverse("portal:activate"), {"code": "WRONG"})
    response = dana_client.post(
        reverse("portal:activate"), {"code": code}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert b"Too many attempts" in response.content
    assert b'data-attempts-left="0"' in response.content
    assert not Person.objects.filter(user=dana).exists()


def test_linked_customer_may_enter_an_invitation_code(anna_client):
    response = anna_client.get(reverse("portal:activate"))
    assert response.status_code == 200
    assert b'data-testid="activation-linked"' in response.content


def test_a_linked_customer_cannot_link_a_second_person(anna_client, customer_anna, code):
    response = anna_client.post(
        reverse("portal:activate"), {"code": code}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert b"already linked to a person" in response.content
    assert Person.objects.get(user=customer_anna) == customer_anna.person


# --- invitation codes: a representative binds a pending grant ------------------------------


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def invite(person, by, email="", until=30):
    return representation_invite_by_staff(
        actor=by,
        person=person,
        email=email,
        kind=RepresentationKind.GUARDIAN,
        scopes=[RepresentationScope.READ_LETTERS],
        valid_until=in_days(until),
    )


@pytest.fixture
def betty():
    """A Betreuerin who registered in the portal after the jobcenter gave her a code."""
    return UserFactory(email="betty@betreuung.example", first_name="Betty", last_name="Bauer")


@pytest.fixture
def betty_client(betty):
    client = Client()
    client.force_login(betty)
    return client


@pytest.fixture
def letter(customer_anna, caseworker_ben):
    ConsentFactory(person=customer_anna.person)
    return send_letter(customer_anna.person, by=caseworker_ben, subject="Bescheid für Anna")


def redeem(client, code, **extra):
    return client.post(reverse("portal:activate"), {"code": code}, **extra)


def test_invitation_code_binds_the_grant_and_the_representative_acts(
    betty_client, betty, caseworker_ben, customer_anna, letter
):
    grant, code = invite(customer_anna.person, caseworker_ben, email="Betty@Betreuung.example")
    # Pending: the letter is not hers yet.
    assert betty_client.get(reverse("portal:letter", args=[letter.uuid])).status_code == 404
    response = redeem(betty_client, refcodes.group(code).lower())
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    grant.refresh_from_db()
    assert grant.representative == betty and grant.is_valid()
    # A representation code does not make her a customer of the household.
    assert getattr(betty, "person", None) is None
    assert not Person.objects.filter(user=betty).exists()
    activation = ActivationCode.objects.get(representation=grant)
    assert (activation.status, activation.used_by) == ("used", betty)
    home = betty_client.get(reverse("portal:home")).content.decode()
    assert "Sie handeln für: Anna Schmidt (BG 96201BG0012345)" in home
    assert betty_client.get(reverse("portal:letter", args=[letter.uuid])).status_code == 200
    actions = list(
        AuditEvent.objects.filter(action__in=INVITATION_ACTIONS).values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(INVITATION_ACTIONS)
    activated = AuditEvent.objects.get(action="cases.representation.activate")
    assert (activated.actor_id, activated.case_id) == (betty.pk, customer_anna.person.case_id)
    redeemed = AuditEvent.objects.get(action="accounts.activation_code.redeem")
    assert redeemed.data["representation"] == str(grant.uuid)


INVITATION_ACTIONS = (
    "cases.representation.grant",
    "accounts.activation_code.issue",
    "accounts.activation_code.redeem",
    "cases.representation.activate",
)


def test_a_customer_with_a_household_acts_under_the_new_grant(
    carl_client, customer_carl, caseworker_ben, customer_anna
):
    grant, code = invite(customer_anna.person, caseworker_ben)
    assert redeem(carl_client, code).status_code == 302
    home = carl_client.get(reverse("portal:home")).content.decode()
    assert "Sie handeln für: Anna Schmidt" in home
    grant.refresh_from_db()
    assert grant.representative == customer_carl
    customer_carl.person.refresh_from_db()
    assert customer_carl.person.user == customer_carl  # still his own household's member


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("used", "already been used"),
        ("expired", "has expired"),
        ("revoked", "was withdrawn"),
        ("grant_ended", "has expired"),
        ("wrong", "not correct"),
    ],
)
def test_spoilt_invitation_codes_are_refused_clearly(
    betty_client, betty, caseworker_ben, customer_anna, customer_carl, spoil, message
):
    grant, code = invite(customer_anna.person, caseworker_ben)
    activation = ActivationCode.objects.get(representation=grant)
    if spoil == "used":
        redeem(Client(), code)  # anonymous: sent to log in, nothing used
        carl = Client()
        carl.force_login(customer_carl)
        assert redeem(carl, code).status_code == 302
    elif spoil == "expired":
        ActivationCode.objects.filter(pk=activation.pk).update(expires_at=timezone.now())
    elif spoil == "revoked":
        representation_revoke(representation=grant, actor=customer_anna)
    elif spoil == "grant_ended":
        Representation.objects.filter(pk=grant.pk).update(valid_until=in_days(-1))
    elif spoil == "wrong":
        code = code[:-2] + ("3" if code[-2] != "3" else "4") + code[-1]
    response = redeem(betty_client, code, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert b'data-attempts-left="4"' in response.content
    grant.refresh_from_db()
    assert grant.representative != betty
    assert not grant.is_valid() or spoil == "used"
    fail = AuditEvent.objects.get(action="accounts.activation_code.fail", actor_id=betty.pk)
    assert fail.data["reason"] in {"used", "expired", "revoked", "unknown"}


def test_the_represented_customer_cannot_redeem_her_own_invitation(
    anna_client, customer_anna, caseworker_ben
):
    grant, code = invite(customer_anna.person, caseworker_ben)
    response = redeem(anna_client, code, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "cannot use it yourself" in response.content.decode()
    grant.refresh_from_db()
    assert grant.is_pending
    assert ActivationCode.objects.get(representation=grant).status == "active"


def test_staff_cannot_redeem_an_invitation(caseworker_ben, customer_anna, stranger_sara):
    grant, code = invite(customer_anna.person, caseworker_ben)
    for staff in (caseworker_ben, stranger_sara):
        with translation.override("en"), pytest.raises(ActivationFailed, match="Staff accounts"):
            activation_or_invitation_redeem(user=staff, code_text=code)
    grant.refresh_from_db()
    assert grant.is_pending


def test_only_the_invited_address_can_redeem(
    betty_client, dana_client, betty, caseworker_ben, customer_anna
):
    grant, code = invite(customer_anna.person, caseworker_ben, email="betty@betreuung.example")
    response = redeem(dana_client, code, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "another e-mail address" in response.content.decode()
    assert redeem(betty_client, code).status_code == 302
    grant.refresh_from_db()
    assert grant.representative == betty


def test_invitation_attempts_share_the_activation_throttle(
    betty_client, betty, caseworker_ben, customer_anna
):
    grant, code = invite(customer_anna.person, caseworker_ben)
    for _ in range(5):
        redeem(betty_client, "WRONG")
    response = redeem(betty_client, code, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert b"Too many attempts" in response.content
    grant.refresh_from_db()
    assert grant.is_pending


def test_a_code_of_household_a_never_binds_household_b(
    betty_client, betty, caseworker_ben, customer_anna, customer_carl
):
    grant_a, code_a = invite(customer_anna.person, caseworker_ben)
    grant_b, _code_b = invite(customer_carl.person, caseworker_ben)
    assert redeem(betty_client, code_a).status_code == 302
    grant_a.refresh_from_db()
    grant_b.refresh_from_db()
    assert grant_a.representative == betty and grant_b.is_pending
    assert ActivationCode.objects.get(representation=grant_b).status == "active"
    # Even a code whose rows were tampered with (person of household B, grant of A) binds
    # nothing: the person of the code and of the grant must be the same.
    grant_c, code_c = invite(customer_anna.person, caseworker_ben, email="dora@example.org")
    ActivationCode.objects.filter(representation=grant_c).update(person=customer_carl.person)
    dana = Client()
    dana.force_login(UserFactory(email="dora@example.org"))
    assert redeem(dana, code_c).status_code == 400
    grant_c.refresh_from_db()
    assert grant_c.is_pending
    assert list(Representation.objects.filter(case=customer_carl.person.case).pending()) == [
        grant_b
    ]
