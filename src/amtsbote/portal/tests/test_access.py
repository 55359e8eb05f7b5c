"""Every gate of the portal: allowed, forbidden (another household), missing, anonymous."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login_with_a_signup_link(doc_request):
    client = Client()
    for url in [
        reverse("portal:home"),
        reverse("portal:activate"),
        reverse("portal:documents"),
        reverse("portal:request", args=[doc_request.uuid]),
        reverse("portal:receipt", args=[uuid.uuid4()]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    login = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")
    assert login.status_code == 200
    assert reverse("account_signup") in login.content.decode()
    assert b'data-testid="signup-link"' in login.content


def test_signup_page_renders_in_portal_layout():
    response = Client().get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b'data-testid="signup-form"' in response.content
    assert b"kern-form-input__input" in response.content


def test_owner_sees_her_request(anna_client, doc_request):
    response = anna_client.get(reverse("portal:request", args=[doc_request.uuid]))
    assert response.status_code == 200
    assert b'data-testid="item-0"' in response.content
    assert b'data-testid="item-1"' in response.content
    assert b'data-testid="send"' in response.content


def test_other_household_gets_404_for_request(carl_client, doc_request):
    url = reverse("portal:request", args=[doc_request.uuid])
    assert carl_client.get(url).status_code == 404
    assert carl_client.post(url, {}).status_code == 404


def test_other_household_gets_404_for_receipt_and_thumbnail(carl_client, submission):
    document_uuid = submission.manifest["items"][0]["document"]
    for url in [
        reverse("portal:receipt", args=[submission.uuid]),
        reverse("portal:receipt_pdf", args=[submission.uuid]),
        reverse("portal:document_thumbnail", args=[document_uuid]),
    ]:
        assert carl_client.get(url).status_code == 404, url


def test_owner_gets_thumbnail(anna_client, submission):
    document_uuid = submission.manifest["items"][0]["document"]
    response = anna_client.get(reverse("portal:document_thumbnail", args=[document_uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize(
    "name", ["portal:request", "portal:receipt", "portal:receipt_pdf", "portal:document_thumbnail"]
)
def test_random_uuid_is_404(anna_client, name):
    assert anna_client.get(reverse(name, args=[uuid.uuid4()])).status_code == 404


def test_customer_without_person_gets_404_for_request(doc_request, django_user_model):
    from amtsbote.accounts.tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("portal:request", args=[doc_request.uuid])).status_code == 404


def test_other_allauth_pages_use_the_portal_layout(anna_client):
    logout = anna_client.get(reverse("account_logout"))
    assert logout.status_code == 200
    assert b'data-testid="logout-submit"' in logout.content
    reset = Client().get(reverse("account_reset_password"))
    assert reset.status_code == 200
    assert b"portal.css" in reset.content
