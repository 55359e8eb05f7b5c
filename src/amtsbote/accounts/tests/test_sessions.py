"""Staff sessions end after 30 idle minutes; everyone sees their sessions and can end them."""

from __future__ import annotations

import time

import pytest
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from amtsbote.accounts.login_policy import LAST_ACTIVITY_SESSION_KEY
from amtsbote.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_gate(settings):
    # The second factor has its own tests (test_second_factor.py); here it is out of the way.
    settings.STAFF_SECOND_FACTOR_REQUIRED = False
    settings.STAFF_IDLE_MINUTES = 30
    cache.clear()


def idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time() - minutes * 60)
    session.save()


def last_activity(client: Client) -> int:
    return client.session[LAST_ACTIVITY_SESSION_KEY]


def test_staff_session_ends_after_30_idle_minutes(client, caseworker_ben):
    client.force_login(caseworker_ben)
    assert client.get(reverse("desk:inbox")).status_code == 200
    idle_for(client, 29)
    assert client.get(reverse("desk:inbox")).status_code == 200
    idle_for(client, 31)
    response = client.get(reverse("desk:inbox"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fdesk%2F"
    # signed out for good, not just redirected once
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert b"signed out after 30 minutes without activity" in page.content
    assert client.get(reverse("desk:inbox"))["Location"].startswith(reverse("account_login"))


def test_a_request_counts_as_activity(client, caseworker_ben):
    client.force_login(caseworker_ben)
    client.get(reverse("desk:inbox"))
    idle_for(client, 20)
    client.get(reverse("desk:case_search"))
    idle_for_after = time.time() - last_activity(client)
    assert idle_for_after < 60
    # 20 more minutes later the session is still alive (40 minutes after login)
    idle_for(client, 20)
    assert client.get(reverse("desk:inbox")).status_code == 200


def test_polling_does_not_keep_the_session_alive(client, caseworker_ben):
    client.force_login(caseworker_ben)
    client.get(reverse("desk:inbox"))
    idle_for(client, 29)
    before = last_activity(client)
    poll = client.get(reverse("desk:inbox_items"), HTTP_HX_REQUEST="true")
    assert poll.status_code == 200
    assert last_activity(client) == before
    idle_for(client, 31)
    poll = client.get(reverse("desk:inbox_items"), HTTP_HX_REQUEST="true")
    assert poll.status_code == 204
    assert poll["HX-Redirect"].startswith(reverse("account_login"))


def test_idle_minutes_are_a_setting(client, caseworker_ben, settings):
    settings.STAFF_IDLE_MINUTES = 5
    client.force_login(caseworker_ben)
    client.get(reverse("desk:inbox"))
    idle_for(client, 6)
    assert client.get(reverse("desk:inbox")).status_code == 302


def test_customers_keep_their_sessions(client, customer_anna):
    client.force_login(customer_anna)
    assert client.get(reverse("portal:home")).status_code == 200
    idle_for(client, 120)
    assert client.get(reverse("portal:home")).status_code == 200


def log_in(email: str) -> Client:
    client = Client(HTTP_USER_AGENT=f"Browser of {email}")
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


@pytest.mark.parametrize("persona", ["caseworker_ben", "customer_anna"])
def test_session_list_and_sign_out_everywhere_else(request, persona):
    user = request.getfixturevalue(persona)
    laptop, phone = log_in(user.email), log_in(user.email)
    home = reverse("desk:inbox") if persona == "caseworker_ben" else reverse("portal:home")
    assert phone.get(home).status_code == 200
    page = laptop.get(reverse("usersessions_list"))
    assert page.content.count(b'data-testid="session"') == 2
    assert page.content.count(b'data-testid="session-current"') == 1
    assert b'data-testid="sessions-end-others"' in page.content

    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert UserSession.objects.filter(user=user).count() == 1
    assert phone.get(home)["Location"].startswith(reverse("account_login"))
    assert laptop.get(home).status_code == 200
    page = laptop.get(reverse("usersessions_list"))
    assert page.content.count(b'data-testid="session"') == 1
    assert b'data-testid="sessions-end-others"' not in page.content
