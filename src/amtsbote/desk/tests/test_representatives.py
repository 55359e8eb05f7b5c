"""Representatives on the case page: list, grant to a portal account or invite one without
an account (a printed code), revoke."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from amtsbote.accounts.models import ActivationCode
from amtsbote.accounts.tests.factories import StaffFactory, UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.models import Representation
from amtsbote.cases.services_representation import representation_grant_by_staff
from amtsbote.core import refcodes
from amtsbote.desk.templatetags.desk_representatives import sent_by_representative

from .conftest import make_document

CODE = re.compile(r'data-testid="invitation-code">([0-9A-Z-]+)<')

pytestmark = pytest.mark.django_db


@pytest.fixture
def rita(db):
    return UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")


def form(person, **extra):
    data = {
        "person": str(person.uuid),
        "email": "rita@beratung.example",
        "kind": RepresentationKind.GUARDIAN,
        "scopes": [RepresentationScope.READ_LETTERS, RepresentationScope.UPLOAD],
        "valid_until": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        "note": "Betreuerausweis liegt vor",
    }
    data.update(extra)
    return data


def test_caseworker_grants_and_revokes(client_ben, case_anna, customer_anna, rita):
    url = reverse("desk:representation_grant", args=[case_anna.uuid])
    response = client_ben.post(url, form(customer_anna.person))
    assert response.status_code == 302
    assert response["Location"].endswith("#representatives")
    made = Representation.objects.get()
    assert made.representative == rita
    assert made.scope_list == ["read_letters", "upload"]
    page = client_ben.get(reverse("desk:case_detail", args=[case_anna.uuid])).content.decode()
    assert "rita@beratung.example" in page
    assert 'data-status="valid"' in page
    client_ben.post(reverse("desk:representation_revoke", args=[made.uuid]))
    made.refresh_from_db()
    assert made.revoked_at is not None
    assert AuditEvent.objects.filter(action="cases.representation.revoke").count() == 1
    page = client_ben.get(reverse("desk:case_detail", args=[case_anna.uuid])).content.decode()
    assert 'data-status="revoked"' in page


def test_bad_input_is_refused_with_a_message(client_ben, case_anna, customer_anna, rita):
    url = reverse("desk:representation_grant", args=[case_anna.uuid])
    response = client_ben.post(url, form(customer_anna.person, scopes=[]), follow=True)
    assert "Bitte wählen Sie mindestens eines aus" in response.content.decode()
    response = client_ben.post(url, form(customer_anna.person, email="x@y"), follow=True)
    assert "gültige E-Mail-Adresse" in response.content.decode()
    response = client_ben.post(
        url, form(customer_anna.person, email="x@example.org", valid_until=""), follow=True
    )
    assert "Enddatum nach dem heutigen Tag" in response.content.decode()
    assert not Representation.objects.exists()
    assert not ActivationCode.objects.exists()


def test_person_of_another_case_is_refused(
    client_ben, case_anna, customer_anna, customer_carl, rita
):
    url = reverse("desk:representation_grant", args=[case_anna.uuid])
    response = client_ben.post(url, form(customer_carl.person))
    assert response.status_code == 404
    assert not Representation.objects.exists()


def test_staff_of_other_teams_and_jobcenters_cannot(
    client: Client, case_anna, customer_anna, rita, stranger_sara, jobcenter
):
    other_team = StaffFactory(
        jobcenter=jobcenter, teams=[jobcenter.teams.get(name="Markt & Integration")]
    )
    for staff in (stranger_sara, other_team):
        client.force_login(staff)
        response = client.post(
            reverse("desk:representation_grant", args=[case_anna.uuid]), form(customer_anna.person)
        )
        assert response.status_code == 404
    assert not Representation.objects.exists()


def test_a_document_sent_by_a_representative_names_both(
    caseworker_ben, case_anna, customer_anna, rita
):
    representation_grant_by_staff(
        actor=caseworker_ben,
        person=customer_anna.person,
        representative=rita,
        kind=RepresentationKind.GUARDIAN,
        scopes=[RepresentationScope.UPLOAD],
        valid_until=timezone.localdate() + dt.timedelta(days=9),
    )
    with translation.override("en"):
        assert sent_by_representative(make_document(case_anna, submitted_by=rita)) == (
            "Rita Rat for Anna Schmidt (representative)"
        )
        assert sent_by_representative(make_document(case_anna, submitted_by=customer_anna)) == ""
        assert sent_by_representative(make_document(case_anna)) == ""


def invite(client_ben, case, person, **extra):
    """Grant to somebody without a portal account: the answer is the page with the code."""
    response = client_ben.post(
        reverse("desk:representation_grant", args=[case.uuid]),
        form(person, email="betreuerin@example.org", **extra),
    )
    assert response.status_code == 200
    html = response.content.decode()
    match = CODE.search(html)
    assert match is not None
    return response, html, match.group(1)


def test_invitation_without_account_prints_the_code_once(client_ben, case_anna, customer_anna):
    response, html, code = invite(client_ben, case_anna, customer_anna.person)
    made = Representation.objects.get()
    activation = ActivationCode.objects.get()
    assert made.is_pending and made.representative is None
    assert made.invited_email == "betreuerin@example.org"
    # The code of the represented person, for this grant; only its digest is stored.
    assert (activation.person, activation.representation) == (customer_anna.person, made)
    assert refcodes.is_valid(refcodes.normalize(code))
    assert activation.hint == refcodes.normalize(code)[-4:]
    assert refcodes.normalize(code) not in str(activation.__dict__)
    assert activation.expires_at <= timezone.now() + dt.timedelta(days=30, minutes=1)
    assert response["Cache-Control"] == "no-store"
    assert "<svg" in html and "Anna Schmidt" in html and 'data-testid="invitation-email"' in html
    # Later the case page lists the pending grant with the code's last characters only.
    page = client_ben.get(reverse("desk:case_detail", args=[case_anna.uuid])).content.decode()
    assert code not in page and refcodes.normalize(code) not in page
    assert 'data-status="pending"' in page
    expected = f"Warten auf die Freischaltung durch die Vertretung, Code …{activation.hint}"
    assert expected in page
    assert AuditEvent.objects.get(action="cases.representation.grant").data["pending"] is True
    issued = AuditEvent.objects.get(action="accounts.activation_code.issue")
    assert issued.data["representation"] == str(made.uuid)
    assert issued.case_id == case_anna.pk


def test_invitation_without_an_address_binds_to_whoever_enters_it(
    client_ben, case_anna, customer_anna
):
    response = client_ben.post(
        reverse("desk:representation_grant", args=[case_anna.uuid]),
        form(customer_anna.person, email=""),
    )
    assert response.status_code == 200
    assert Representation.objects.get().invited_email == ""
    assert 'data-testid="invitation-email"' not in response.content.decode()


def test_revoking_a_pending_grant_revokes_its_code(client_ben, case_anna, customer_anna):
    invite(client_ben, case_anna, customer_anna.person)
    made = Representation.objects.get()
    client_ben.post(reverse("desk:representation_revoke", args=[made.uuid]))
    made.refresh_from_db()
    assert made.revoked_at is not None
    assert ActivationCode.objects.get().status == "revoked"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"cases.representation.revoke", "accounts.activation_code.revoke"} <= actions


def test_revoking_an_invitation_code_revokes_its_pending_grant(
    client_ben, case_anna, customer_anna
):
    invite(client_ben, case_anna, customer_anna.person)
    activation = ActivationCode.objects.get()
    response = client_ben.post(reverse("desk:activation_revoke", args=[activation.uuid]))
    assert response.status_code == 302
    activation.refresh_from_db()
    assert activation.status == "revoked"
    assert Representation.objects.get().revoked_at is not None


def test_an_invitation_code_prints_no_activation_letter(client_ben, case_anna, customer_anna):
    _response, _html, code = invite(client_ben, case_anna, customer_anna.person)
    activation = ActivationCode.objects.get()
    response = client_ben.post(
        reverse("desk:activation_letter", args=[activation.uuid]), {"code": code}
    )
    assert response.status_code == 404


def test_staff_outside_the_case_cannot_invite(
    client: Client, case_anna, customer_anna, stranger_sara
):
    client.force_login(stranger_sara)
    response = client.post(
        reverse("desk:representation_grant", args=[case_anna.uuid]),
        form(customer_anna.person, email="betreuerin@example.org"),
    )
    assert response.status_code == 404
    assert not Representation.objects.exists() and not ActivationCode.objects.exists()
