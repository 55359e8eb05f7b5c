"""Linking a fresh account with the activation code."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from amtsbote.accounts.services import activation_code_issue
from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.cases.models import Person
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.core import refcodes

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


def test_linked_customer_is_sent_home(anna_client):
    response = anna_client.get(reverse("portal:activate"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
