"""A customer's e-mail address is confirmed by a code before the account can be used."""

import re
from email.header import decode_header, make_header

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from amtsbote.accounts.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


def _text(message) -> str:
    body = message.get_payload(decode=True)
    if body is None:  # multipart: the text part
        body = next(
            part.get_payload(decode=True)
            for part in message.walk()
            if part.get_content_type() == "text/plain"
        )
    return body.decode()


def _code_from(mailbox) -> str:
    assert mailbox, "no e-mail was sent"
    found = CODE.search(_text(mailbox[-1]))
    assert found, _text(mailbox[-1])
    return found.group(1)


def _sign_up(client: Client, email: str) -> object:
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_sign_up_waits_for_the_code_sent_to_the_address(mailbox):
    client = Client()
    response = _sign_up(client, "neu@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert mailbox[-1]["To"] == "neu@example.org"
    assert mailbox[-1]["Subject"] == "Amtsbote: Your confirmation code"
    assert "Hello," in _text(mailbox[-1])
    # the page asking for the code
    page = client.get(reverse("account_email_verification_sent"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b'name="code"' in page.content
    # not signed in yet: the portal sends to the login page
    home = client.get(reverse("portal:home"))
    assert home.status_code == 302
    assert reverse("account_login") in home["Location"]
    user = User.objects.get(email="neu@example.org")
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()


def test_the_right_code_confirms_and_signs_in_to_the_activation_page(mailbox):
    client = Client()
    _sign_up(client, "neu@example.org")
    code = _code_from(mailbox)

    response = client.post(reverse("account_email_verification_sent"), {"code": code})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:activate")
    assert EmailAddress.objects.get(email="neu@example.org").verified
    assert client.get(reverse("portal:activate")).status_code == 200


def test_a_wrong_code_is_refused_with_a_message(mailbox):
    client = Client()
    _sign_up(client, "neu@example.org")
    right = _code_from(mailbox)
    wrong = "AAAAAA" if right != "AAAAAA" else "BBBBBB"

    response = client.post(
        reverse("account_email_verification_sent"), {"code": wrong}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert b"Incorrect code" in response.content
    assert not EmailAddress.objects.get(email="neu@example.org").verified
    assert client.get(reverse("portal:home")).status_code == 302


def test_an_unconfirmed_account_gets_a_code_instead_of_a_session(mailbox):
    UserFactory(email="offen@example.org", verified_email=False)
    client = Client()

    response = client.post(
        reverse("account_login"), {"login": "offen@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert mailbox[-1]["To"] == "offen@example.org"
    assert client.get(reverse("portal:home")).status_code == 302
    client.post(reverse("account_email_verification_sent"), {"code": _code_from(mailbox)})
    assert client.get(reverse("portal:home")).status_code == 200


def test_a_confirmed_account_signs_in_with_the_password_alone(customer_anna, mailbox):
    client = Client()

    response = client.post(
        reverse("account_login"), {"login": "anna@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert mailbox == []


def test_the_code_comes_in_the_language_of_the_sign_up(mailbox):
    client = Client()
    client.post(
        reverse("account_signup"),
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    subject = str(make_header(decode_header(mailbox[-1]["Subject"])))
    assert subject == "Amtsbote: Ihr Bestätigungscode"
    text = _text(mailbox[-1])
    assert "Ihr Code zur Bestätigung dieser E-Mail-Adresse:" in text
    assert CODE.search(text)
