"""The desk addresses a document request to the household or to one of its members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.doc_requests.models import DocRequest
from amtsbote.doc_requests.services import ItemSpec, doc_request_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def max_person(case_anna, customer_anna):
    user = UserFactory(email="max@example.org", first_name="Max", last_name="Schmidt")
    return PersonFactory(
        case=case_anna,
        customer_number="955D123457",
        first_name="Max",
        last_name="Schmidt",
        position=1,
        user=user,
    )


def form_data(team, **extra):
    data = {
        "team": team.pk,
        "item_1": "Ausbildungsvertrag",
        "deadline": (timezone.localdate() + dt.timedelta(days=21)).isoformat(),
        "message": "",
    }
    data.update(extra)
    return data


def test_form_offers_the_household_and_its_members(
    client_ben, case_anna, customer_anna, max_person
):
    response = client_ben.get(
        reverse("desk:request_create", args=[case_anna.uuid]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert "The whole household (head of household)" in html
    assert f'value="{max_person.uuid}"' in html
    assert f'value="{customer_anna.person.uuid}"' in html
    assert response.context["form"].fields["addressee"].initial is None  # default: household


def test_create_for_a_member(
    client_ben,
    case_anna,
    customer_anna,
    max_person,
    team_leistung,
    mailbox,
    django_capture_on_commit_callbacks,
):
    url = reverse("desk:request_create", args=[case_anna.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_ben.post(url, form_data(team_leistung, addressee=str(max_person.uuid)))
    assert response.status_code == 302
    doc_request = DocRequest.objects.get()
    assert doc_request.addressee == max_person
    event = AuditEvent.objects.get(action="doc_requests.request.create")
    assert event.data["addressee"] == str(max_person.uuid)
    assert sorted(m["To"] for m in mailbox) == ["anna@example.org", "max@example.org"]

    detail = client_ben.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="addressee">Max Schmidt (955D123457)' in detail
    assert 'data-testid="no-portal-account"' not in detail
    case_page = client_ben.get(
        reverse("desk:case_detail", args=[case_anna.uuid]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-testid="request-addressee"' in case_page
    assert "to Max Schmidt" in case_page


def test_create_for_the_household_by_default(
    client_ben, case_anna, customer_anna, max_person, team_leistung
):
    url = reverse("desk:request_create", args=[case_anna.uuid])
    response = client_ben.post(url, form_data(team_leistung))
    assert response.status_code == 302
    assert DocRequest.objects.get().addressee is None
    detail = client_ben.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The whole household (head of household)" in detail
    case_page = client_ben.get(reverse("desk:case_detail", args=[case_anna.uuid])).content
    assert b'data-testid="request-addressee"' not in case_page


def test_addressee_from_another_household_is_refused(
    client_ben, case_anna, customer_anna, customer_carl, team_leistung
):
    url = reverse("desk:request_create", args=[case_anna.uuid])
    response = client_ben.post(
        url,
        form_data(team_leistung, addressee=str(customer_carl.person.uuid)),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["addressee"] == ["Choose a member of this household."]
    assert "Choose a member of this household." in response.content.decode()
    assert not DocRequest.objects.exists()


def test_member_without_account_and_head_without_account_says_paper(
    client_ben, caseworker_ben, case_anna, team_leistung
):
    PersonFactory(case=case_anna, position=0)  # the head, no account
    PersonFactory(case=case_anna, position=1)  # no account either
    member = case_anna.people.get(position=1)
    # A third member uses the portal, but does not see a request addressed to ``member``.
    PersonFactory(case=case_anna, position=2, user=UserFactory())
    doc_request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="X")],
        addressee=member,
    )
    html = client_ben.get(
        reverse("desk:request_detail", args=[doc_request.uuid]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-testid="no-portal-account"' in html
    assert "Neither the addressee nor the head of the household uses the portal" in html
