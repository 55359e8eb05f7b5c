"""Representatives on the case page: list, grant to a portal account, revoke."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from amtsbote.accounts.tests.factories import StaffFactory, UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.models import Representation
from amtsbote.cases.services_representation import representation_grant_by_staff
from amtsbote.desk.templatetags.desk_representatives import sent_by_representative

from .conftest import make_document

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
    response = client_ben.post(url, form(customer_anna.person, email="x@y.example"), follow=True)
    assert "registriert sich zuerst im Portal" in response.content.decode()
    assert not Representation.objects.exists()


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
