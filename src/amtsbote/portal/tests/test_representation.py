"""Representatives in the portal: the Vertretung page, the switcher, pages by scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.access import represented_people
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.models import Representation
from amtsbote.cases.services_representation import representation_grant_by_staff
from amtsbote.postbox.tests.factories import ConsentFactory, send_letter

pytestmark = pytest.mark.django_db

READ = RepresentationScope.READ_LETTERS


def until(days: int = 30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def rita(db):
    return UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")


@pytest.fixture
def rita_client(rita) -> Client:
    client = Client()
    client.force_login(rita)
    return client


@pytest.fixture
def letter(customer_anna, caseworker_ben):
    ConsentFactory(person=customer_anna.person)
    return send_letter(customer_anna.person, by=caseworker_ben, subject="Bescheid für Anna")


def grant(ben, customer, rep, scopes=(READ,)):
    return representation_grant_by_staff(
        actor=ben,
        person=customer.person,
        representative=rep,
        kind=RepresentationKind.GUARDIAN,
        scopes=scopes,
        valid_until=until(),
    )


def test_representative_reads_letters_and_sees_in_whose_name(
    rita_client, caseworker_ben, customer_anna, rita, letter, doc_request
):
    grant(caseworker_ben, customer_anna, rita)
    html = rita_client.get(reverse("portal:postbox")).content.decode()
    assert "Bescheid für Anna" in html
    page = rita_client.get(reverse("portal:representation"))
    assert 'data-testid="acting-current"' in page.content.decode()
    # The banner every page shows (portal/_acting_for.html, included by the layout).
    banner = render_to_string("portal/_acting_for.html", request=page.wsgi_request)
    assert 'data-testid="acting-for"' in banner
    assert "Anna Schmidt (BG 96201BG0012345)" in banner
    assert rita_client.get(reverse("portal:letter", args=[letter.uuid])).status_code == 200
    response = rita_client.get(reverse("portal:letter_file", args=[letter.uuid]))
    assert response.status_code == 200
    retrieval = AuditEvent.objects.filter(action__startswith="postbox.letter").last()
    assert retrieval is not None and retrieval.actor_id == rita.pk
    # Not the addressee: her reading does not start the addressee's deadlines.
    letter.refresh_from_db()
    assert letter.first_retrieved_at is None
    # Read letters only: no upload, no paper copy ordered in Anna's name.
    assert rita_client.get(reverse("portal:request", args=[doc_request.uuid])).status_code == 404
    assert rita_client.post(reverse("portal:letter_paper", args=[letter.uuid])).status_code == 404


def test_upload_scope_opens_the_request_page_but_not_the_postbox(
    rita_client, caseworker_ben, customer_anna, rita, letter, doc_request
):
    grant(caseworker_ben, customer_anna, rita, scopes=[RepresentationScope.UPLOAD])
    assert rita_client.get(reverse("portal:request", args=[doc_request.uuid])).status_code == 200
    assert rita_client.get(reverse("portal:postbox")).status_code == 404
    assert rita_client.get(reverse("portal:letter", args=[letter.uuid])).status_code == 404


def test_without_grant_nothing_of_anna(rita_client, customer_anna, letter, doc_request):
    assert "Bescheid für Anna" not in rita_client.get(reverse("portal:postbox")).content.decode()
    assert rita_client.get(reverse("portal:letter", args=[letter.uuid])).status_code == 404
    assert rita_client.get(reverse("portal:request", args=[doc_request.uuid])).status_code == 404


def test_switcher_picks_the_household(
    rita_client, caseworker_ben, customer_anna, customer_carl, rita, letter
):
    ConsentFactory(person=customer_carl.person)
    send_letter(customer_carl.person, by=caseworker_ben, subject="Bescheid für Carl")
    grant(caseworker_ben, customer_anna, rita)
    carls = grant(caseworker_ben, customer_carl, rita)
    response = rita_client.post(reverse("portal:acting_switch"), {"representation": carls.uuid})
    assert response.status_code == 302
    html = rita_client.get(reverse("portal:postbox")).content.decode()
    assert "Bescheid für Carl" in html and "Bescheid für Anna" not in html
    assert "96201BG0099999" in rita_client.get(reverse("portal:representation")).content.decode()
    # A grant that is not hers cannot be chosen.
    other = UserFactory()
    foreign = grant(caseworker_ben, customer_anna, other)
    assert (
        rita_client.post(
            reverse("portal:acting_switch"), {"representation": foreign.uuid}
        ).status_code
        == 404
    )


def give(client, email="rita@beratung.example", **extra):
    data = {
        "email": email,
        "kind": RepresentationKind.AUTHORISED,
        "scopes": [READ],
        "valid_until": until(60).isoformat(),
        **extra,
    }
    return client.post(reverse("portal:representation"), data, HTTP_ACCEPT_LANGUAGE="en")


def shown_code(response) -> str:
    match = re.search(r'data-testid="invitation-code">([0-9A-Z-]+)<', response.content.decode())
    assert match is not None
    return match.group(1)


def test_customer_invites_and_revokes_on_the_vertretung_page(
    anna_client, rita_client, customer_anna, rita
):
    bad = give(anna_client, valid_until="gestern")
    assert bad.status_code == 400
    assert "end date after today" in bad.content.decode()
    assert not Representation.objects.exists()
    response = give(anna_client)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    code = shown_code(response)
    made = Representation.objects.get()
    assert (made.person, made.representative, made.granted_by, made.invited_email) == (
        customer_anna.person,
        None,
        customer_anna,
        "rita@beratung.example",
    )
    # Rita has an account, but the grant waits until she enters the code herself.
    assert list(represented_people(rita, READ)) == []
    page = anna_client.get(reverse("portal:representation")).content.decode()
    assert 'data-status="pending"' in page and code not in page
    assert rita_client.post(reverse("portal:activate"), {"code": code}).status_code == 302
    made.refresh_from_db()
    assert made.representative == rita and made.is_valid()
    assert "Rita Rat" in anna_client.get(reverse("portal:representation")).content.decode()
    revoke = reverse("portal:representation_revoke", args=[made.uuid])
    assert anna_client.post(revoke).status_code == 302
    made.refresh_from_db()
    assert made.revoked_by == customer_anna


def test_the_vertretung_page_does_not_tell_which_addresses_have_accounts(
    anna_client, customer_anna, rita
):
    """The same answer for the address of an account and for one without (no enumeration)."""

    def answer(email: str) -> str:
        response = give(anna_client, email=email)
        assert response.status_code == 200
        html = response.content.decode()
        html = html.replace(shown_code(response), "CODE").replace(email, "EMAIL")
        html = re.sub(r"[A-Za-z0-9]{64}", "CSRF", html)  # the form and htmx tokens
        html = re.sub(r"/representation/[0-9a-f-]{36}/", "/representation/UUID/", html)
        # The list of the customer's own grants grows by one each time: compare the rest.
        return re.sub(
            r'<ul class="portal-list" data-testid="own-grants">.*?</ul>', "", html, flags=re.S
        )

    assert answer("rita@beratung.example") == answer("nobody@nowhere.example")
    assert Representation.objects.pending().count() == 2
    assert not Representation.objects.filter(representative__isnull=False).exists()


def test_a_pending_invitation_gives_nobody_access(
    anna_client, rita_client, carl_client, customer_anna, rita, letter
):
    give(anna_client)
    for client in (rita_client, carl_client):
        assert client.get(reverse("portal:letter", args=[letter.uuid])).status_code == 404
        assert "Bescheid für Anna" not in client.get(reverse("portal:postbox")).content.decode()
        assert 'data-testid="acting-for"' not in client.get(reverse("portal:home")).content.decode()
    # Nor can a pending grant be chosen in the switcher.
    made = Representation.objects.get()
    response = rita_client.post(reverse("portal:acting_switch"), {"representation": made.uuid})
    assert response.status_code == 404


def test_only_the_represented_customer_revokes(
    carl_client, rita_client, caseworker_ben, customer_anna, rita
):
    made = grant(caseworker_ben, customer_anna, rita)
    for client in (carl_client, rita_client):
        response = client.post(reverse("portal:representation_revoke", args=[made.uuid]))
        assert response.status_code == 404
    made.refresh_from_db()
    assert made.revoked_at is None


def test_home_of_a_representative_shows_only_what_the_scope_allows(
    rita_client, caseworker_ben, customer_anna, rita, letter, doc_request
):
    made = grant(caseworker_ben, customer_anna, rita, scopes=[READ])
    url = reverse("portal:request", args=[doc_request.uuid])
    assert url not in rita_client.get(reverse("portal:home")).content.decode()
    made.revoked_at = timezone.now()
    made.save()
    grant(caseworker_ben, customer_anna, rita, scopes=[RepresentationScope.UPLOAD])
    assert url in rita_client.get(reverse("portal:home")).content.decode()


def test_messages_and_forms_are_offered_in_the_name_of_whom_one_acts_for(
    carl_client, caseworker_ben, customer_anna, customer_carl
):
    """Carl has a household of his own; while he acts for Anna, he sees her threads, not
    his own (and none of his own are shown under her name); acting for himself, his own.
    (Messages and forms in a represented person's name: test_representative_messages_forms.)"""
    from amtsbote.messaging.tests.factories import start

    made = grant(
        caseworker_ben, customer_anna, customer_carl, scopes=list(RepresentationScope.values)
    )
    annas, carls = start(customer_anna), start(customer_carl)
    own = carl_client.get(reverse("portal:messages")).content.decode()
    assert str(carls.uuid) in own and str(annas.uuid) not in own
    carl_client.post(reverse("portal:acting_switch"), {"representation": made.uuid})
    acting = carl_client.get(reverse("portal:messages")).content.decode()
    assert str(annas.uuid) in acting and str(carls.uuid) not in acting
    assert carl_client.get(reverse("portal:forms")).status_code == 200
    carl_client.post(reverse("portal:acting_switch"), {"representation": "self"})
    assert str(carls.uuid) in carl_client.get(reverse("portal:messages")).content.decode()


def test_home_of_a_representative_links_messages_and_forms_by_scope(
    rita_client, caseworker_ben, customer_anna, rita
):
    made = grant(caseworker_ben, customer_anna, rita, scopes=[READ])
    home = rita_client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="home-messages"' not in home and 'data-testid="forms-link"' not in home
    made.revoked_at = timezone.now()
    made.save()
    grant(
        caseworker_ben,
        customer_anna,
        rita,
        scopes=[RepresentationScope.WRITE_MESSAGES, RepresentationScope.SUBMIT_FORMS],
    )
    home = rita_client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="home-messages"' in home and 'data-testid="forms-link"' in home


def test_no_banner_for_a_customer_acting_for_herself(anna_client):
    page = anna_client.get(reverse("portal:home"))
    assert render_to_string("portal/_acting_for.html", request=page.wsgi_request).strip() == ""


def test_a_representative_with_upload_sends_in_the_customers_name(
    rita_client, caseworker_ben, customer_anna, rita, doc_request, items
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from amtsbote.doc_requests.models import Submission
    from amtsbote.documents.tests import samples

    grant(caseworker_ben, customer_anna, rita, scopes=(RepresentationScope.UPLOAD,))
    page = rita_client.get(reverse("portal:request", args=[doc_request.uuid]))
    assert page.status_code == 200
    response = rita_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {f"item-{items[0].uuid}": [SimpleUploadedFile("m.jpg", samples.jpeg_bytes())]},
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.submitted_by == rita and submission.case == customer_anna.person.case
    assert submission.manifest["on_behalf_of"]["person"] == str(customer_anna.person.uuid)
    event = AuditEvent.objects.get(action="doc_requests.submission.create")
    assert event.actor_id == rita.pk
    assert event.data["on_behalf_of"] == str(customer_anna.person.uuid)

    # the caseworker sees who sent it
    document = submission.case.documents.get()
    desk = Client()
    desk.force_login(caseworker_ben)
    detail = desk.get(reverse("desk:document_detail", args=[document.uuid])).content.decode()
    assert "Rita Rat" in detail and "Anna Schmidt" in detail and 'data-testid="sent-by"' in detail


def test_a_grant_without_upload_cannot_send(
    rita_client, caseworker_ben, customer_anna, rita, doc_request, items
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from amtsbote.doc_requests.models import Submission
    from amtsbote.documents.tests import samples

    grant(caseworker_ben, customer_anna, rita, scopes=(READ,))
    response = rita_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {f"item-{items[0].uuid}": [SimpleUploadedFile("m.jpg", samples.jpeg_bytes())]},
    )
    assert response.status_code == 404
    assert not Submission.objects.exists()
