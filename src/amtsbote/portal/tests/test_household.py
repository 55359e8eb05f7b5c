"""Household members in the portal: the head sees every request of the household, another
member only those addressed to them (docs/access.md, "Household members")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.services_representation import representation_grant_by_staff
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.doc_requests.models import Submission
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents.tests import samples

pytestmark = pytest.mark.django_db


def member(case, first_name: str, position: int):
    user = UserFactory(email=f"{first_name.lower()}@example.org", first_name=first_name)
    PersonFactory(
        case=case, first_name=first_name, last_name="Schmidt", position=position, user=user
    )
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def customer_max(case_anna, customer_anna):
    return member(case_anna, "Max", 1)


@pytest.fixture
def customer_lena(case_anna, customer_anna):
    return member(case_anna, "Lena", 2)


@pytest.fixture
def requests(case_anna, team_leistung, caseworker_ben, customer_max, customer_lena):
    def ask(label, addressee=None):
        return doc_request_create(
            case=case_anna,
            team=team_leistung,
            created_by=caseworker_ben,
            items=[ItemSpec(label=label)],
            addressee=addressee,
        )

    return {
        "household": ask("Mietvertrag"),
        "max": ask("Ausbildungsvertrag", customer_max.person),
        "lena": ask("Schulbescheinigung", customer_lena.person),
    }


def page_url(doc_request) -> str:
    return reverse("portal:request", args=[doc_request.uuid])


def upload(client: Client, doc_request):
    item = doc_request.items.get()
    return client.post(
        page_url(doc_request),
        {
            f"item-{item.uuid}": [
                SimpleUploadedFile("seite.jpg", samples.jpeg_bytes(), "image/jpeg")
            ]
        },
    )


def test_head_sees_every_request_on_her_home_page(anna_client, requests):
    html = anna_client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('data-testid="todo"') == 3
    for doc_request in requests.values():
        assert page_url(doc_request) in html
    # The requests of the members say for whom they are.
    assert html.count('data-testid="todo-addressee"') == 2
    assert "For Max Schmidt" in html and "For Lena Schmidt" in html


def test_member_sees_only_his_request_on_his_home_page(customer_max, requests):
    html = logged_in(customer_max).get(reverse("portal:home")).content.decode()
    assert html.count('data-testid="todo"') == 1
    assert page_url(requests["max"]) in html
    assert page_url(requests["household"]) not in html
    assert page_url(requests["lena"]) not in html
    assert "Schulbescheinigung" not in html and "Mietvertrag" not in html
    assert 'data-testid="todo-addressee"' not in html  # it is his own


def test_member_opens_and_answers_his_request(customer_max, requests):
    client = logged_in(customer_max)
    page = client.get(page_url(requests["max"]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'data-testid="addressee"' in page.content.decode()
    response = upload(client, requests["max"])
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.submitted_by == customer_max and submission.request == requests["max"]
    assert "on_behalf_of" not in submission.manifest


@pytest.mark.parametrize("name", ["household", "lena"])
def test_member_gets_404_for_a_request_not_addressed_to_him(customer_max, requests, name):
    client = logged_in(customer_max)
    assert client.get(page_url(requests[name])).status_code == 404
    assert upload(client, requests[name]).status_code == 404
    assert not Submission.objects.exists()


def test_head_answers_a_members_request(anna_client, customer_anna, requests):
    assert anna_client.get(page_url(requests["lena"])).status_code == 200
    assert upload(anna_client, requests["lena"]).status_code == 302
    assert Submission.objects.get().submitted_by == customer_anna


def test_notification_goes_to_the_addressee_and_the_head(
    case_anna,
    team_leistung,
    caseworker_ben,
    customer_max,
    customer_lena,
    mailbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        doc_request = doc_request_create(
            case=case_anna,
            team=team_leistung,
            created_by=caseworker_ben,
            items=[ItemSpec(label="Schulbescheinigung")],
            addressee=customer_lena.person,
        )
    assert sorted(m["To"] for m in mailbox) == ["anna@example.org", "lena@example.org"]
    # The mail links to the request, which both may open; Max, who may not, got nothing.
    for message in mailbox:
        body = message.get_payload(decode=True).decode()
        assert page_url(doc_request) in body


# --- representatives -------------------------------------------------------------------------


@pytest.fixture
def rita(db):
    return UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")


def grant(by, user, representative):
    return representation_grant_by_staff(
        actor=by,
        person=user.person,
        representative=representative,
        kind=RepresentationKind.GUARDIAN,
        scopes=[RepresentationScope.UPLOAD],
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )


def test_representative_of_a_member_sees_only_that_members_requests(
    caseworker_ben, customer_max, rita, requests
):
    grant(caseworker_ben, customer_max, rita)
    client = logged_in(rita)
    html = client.get(reverse("portal:home")).content.decode()
    assert html.count('data-testid="todo"') == 1
    assert page_url(requests["max"]) in html
    for name in ("household", "lena"):
        assert page_url(requests[name]) not in html
        assert client.get(page_url(requests[name])).status_code == 404
        assert upload(client, requests[name]).status_code == 404
    assert upload(client, requests["max"]).status_code == 302
    submission = Submission.objects.get()
    assert submission.manifest["on_behalf_of"]["person"] == str(customer_max.person.uuid)


def test_representative_of_the_head_sees_the_household(
    caseworker_ben, customer_anna, rita, requests
):
    grant(caseworker_ben, customer_anna, rita)
    html = logged_in(rita).get(reverse("portal:home")).content.decode()
    assert html.count('data-testid="todo"') == 3
