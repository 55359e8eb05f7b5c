"""Who in a household sees which document request (docs/access.md, "Household members").

Anna is the head of household 96201BG0012345 (position 0); Max (position 1) and Lena
(position 2) are members with accounts of their own. A request without an addressee is the
household's: only the head sees it. A request addressed to a member: the member and the head.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone, translation

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.services_representation import representation_grant_by_staff
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.doc_requests.access import (
    access_doc_request_for_customer,
    customer_people,
    sender_for,
)
from amtsbote.doc_requests.models import DocRequest
from amtsbote.doc_requests.selectors import (
    doc_request_readers,
    open_requests_for_customer,
    open_requests_for_person,
)
from amtsbote.doc_requests.services import (
    ItemSpec,
    doc_request_create,
    doc_request_create_follow_up,
    submission_create,
)
from amtsbote.documents.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_max(case_anna, customer_anna):
    user = UserFactory(email="max@example.org", first_name="Max", last_name="Schmidt")
    PersonFactory(case=case_anna, first_name="Max", last_name="Schmidt", position=1, user=user)
    return user


@pytest.fixture
def customer_lena(case_anna, customer_anna):
    user = UserFactory(email="lena@example.org", first_name="Lena", last_name="Schmidt")
    PersonFactory(case=case_anna, first_name="Lena", last_name="Schmidt", position=2, user=user)
    return user


@pytest.fixture
def ask(case_anna, team_leistung, caseworker_ben):
    def ask(addressee=None, label="Kontoauszüge") -> DocRequest:
        return doc_request_create(
            case=case_anna,
            team=team_leistung,
            created_by=caseworker_ben,
            items=[ItemSpec(label=label)],
            addressee=addressee,
        )

    return ask


@pytest.fixture
def requests(ask, customer_anna, customer_max, customer_lena):
    """One request to the household, one to Max, one to Lena."""
    return {
        "household": ask(label="Mietvertrag"),
        "max": ask(customer_max.person, label="Ausbildungsvertrag"),
        "lena": ask(customer_lena.person, label="Schulbescheinigung"),
    }


def visible(person) -> set[str]:
    return {r.items.get().label for r in DocRequest.objects.visible_to_person(person)}


def test_the_head_sees_every_request_of_the_household(requests, customer_anna):
    assert visible(customer_anna.person) == {
        "Mietvertrag",
        "Ausbildungsvertrag",
        "Schulbescheinigung",
    }
    for doc_request in requests.values():
        assert access_doc_request_for_customer(customer_anna, doc_request.uuid) == doc_request


def test_a_member_sees_only_what_is_addressed_to_them(requests, customer_max, customer_lena):
    assert visible(customer_max.person) == {"Ausbildungsvertrag"}
    assert visible(customer_lena.person) == {"Schulbescheinigung"}
    assert access_doc_request_for_customer(customer_max, requests["max"].uuid) == requests["max"]
    for name in ("household", "lena"):
        with pytest.raises(Http404):
            access_doc_request_for_customer(customer_max, requests[name].uuid)


def test_the_head_is_the_first_person_by_position_as_case_head(
    requests, case_anna, customer_anna, customer_max
):
    # Max moves to the front of the household: he is its head now, Anna an ordinary member.
    type(customer_max.person).objects.filter(pk=customer_max.person.pk).update(position=0)
    type(customer_anna.person).objects.filter(pk=customer_anna.person.pk).update(position=5)
    assert case_anna.head == customer_max.person
    assert visible(customer_max.person) == {
        "Mietvertrag",
        "Ausbildungsvertrag",
        "Schulbescheinigung",
    }
    assert visible(customer_anna.person) == set()


def test_another_household_sees_nothing(requests, customer_carl):
    assert visible(customer_carl.person) == set()
    for doc_request in requests.values():
        with pytest.raises(Http404):
            access_doc_request_for_customer(customer_carl, doc_request.uuid)


def test_start_page_selectors(requests, customer_anna, customer_max):
    assert [r.pk for r in open_requests_for_customer(customer_max)] == [requests["max"].pk]
    assert {r.pk for r in open_requests_for_person(customer_anna.person)} == {
        r.pk for r in requests.values()
    }


def test_readers_are_the_addressee_and_the_head(requests, customer_anna, customer_max):
    assert list(doc_request_readers(requests["household"])) == [customer_anna.person]
    assert list(doc_request_readers(requests["max"])) == [
        customer_anna.person,
        customer_max.person,
    ]


def test_addressee_must_belong_to_the_household(ask, customer_carl):
    with (
        translation.override("en"),
        pytest.raises(ValidationFailed, match="member of this household"),
    ):
        ask(customer_carl.person)
    assert not DocRequest.objects.exists()


def test_follow_up_of_a_members_form_is_addressed_to_that_member(
    case_anna, team_leistung, customer_anna, customer_max
):
    request = doc_request_create_follow_up(
        case=case_anna, team=team_leistung, customer=customer_max, items=[ItemSpec(label="X")]
    )
    assert request.addressee == customer_max.person
    assert visible(customer_max.person) == {"X"}


def test_new_request_mails_the_addressee_and_the_head_only(
    ask, customer_anna, customer_max, customer_lena, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(customer_max.person)
    assert sorted(m["To"] for m in mailbox) == ["anna@example.org", "max@example.org"]
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ask()
    assert [m["To"] for m in mailbox] == ["anna@example.org"]


def test_a_member_cannot_send_for_a_request_not_addressed_to_them(requests, customer_max):
    files = {requests["lena"].items.get(): [("seite.jpg", samples.jpeg_bytes())]}
    with pytest.raises(PermissionDenied):
        submission_create(request=requests["lena"], submitted_by=customer_max, files_by_item=files)
    assert not requests["lena"].submissions.exists()


# --- representatives -----------------------------------------------------------------------


@pytest.fixture
def rita(db):
    return UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")


def grant(caseworker, person, representative, scopes=(RepresentationScope.UPLOAD,)):
    return representation_grant_by_staff(
        actor=caseworker,
        person=person,
        representative=representative,
        kind=RepresentationKind.COUNSELLING,
        scopes=scopes,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )


def test_representative_of_a_member_sees_only_that_members_requests(
    requests, caseworker_ben, customer_max, rita
):
    grant(caseworker_ben, customer_max.person, rita)
    assert access_doc_request_for_customer(rita, requests["max"].uuid) == requests["max"]
    assert sender_for(rita, requests["max"]) == customer_max.person
    for name in ("household", "lena"):
        with pytest.raises(Http404):
            access_doc_request_for_customer(rita, requests[name].uuid)
        with pytest.raises(Http404):
            sender_for(rita, requests[name])


def test_representative_of_the_head_sees_the_whole_household(
    requests, caseworker_ben, customer_anna, rita
):
    grant(caseworker_ben, customer_anna.person, rita)
    for doc_request in requests.values():
        assert access_doc_request_for_customer(rita, doc_request.uuid) == doc_request
        assert sender_for(rita, doc_request) == customer_anna.person


def test_representative_needs_upload(requests, caseworker_ben, customer_max, rita):
    grant(caseworker_ben, customer_max.person, rita, scopes=[RepresentationScope.READ_LETTERS])
    with pytest.raises(Http404):
        access_doc_request_for_customer(rita, requests["max"].uuid)


def test_member_representing_another_member_sends_in_that_members_name(
    requests, caseworker_ben, customer_max, customer_lena
):
    # Max looks after his sister's papers: he sees her request, and sends it in her name.
    grant(caseworker_ben, customer_lena.person, customer_max)
    assert access_doc_request_for_customer(customer_max, requests["lena"].uuid)
    assert sender_for(customer_max, requests["max"]) is None
    assert sender_for(customer_max, requests["lena"]) == customer_lena.person
    with pytest.raises(Http404):
        access_doc_request_for_customer(customer_max, requests["household"].uuid)
    item = requests["lena"].items.get()
    submission = submission_create(
        request=requests["lena"],
        submitted_by=customer_max,
        files_by_item={item: [("seite.jpg", samples.jpeg_bytes())]},
        on_behalf_of=customer_lena.person,
    )
    assert submission.manifest["on_behalf_of"]["person"] == str(customer_lena.person.uuid)


def test_visibility_is_one_query(
    requests, caseworker_ben, customer_max, rita, django_assert_num_queries
):
    grant(caseworker_ben, customer_max.person, rita)
    with django_assert_num_queries(1):
        assert len(list(DocRequest.objects.visible_to_people(customer_people(rita)))) == 1
