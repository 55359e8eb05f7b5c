"""Staff need a second factor in every session; customers may add one (docs/login.md)."""

from __future__ import annotations

import uuid

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from amtsbote.accounts.constants import Role
from amtsbote.accounts.tests.factories import PASSWORD, StaffFactory
from amtsbote.accounts.tests.mfa import totp_add, totp_code
from amtsbote.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _gate_on(settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    """TOTP codes change every 30 s: hold the clock still around them."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _sample(converter: object) -> str:
    name = type(converter).__name__
    return {"UUIDConverter": str(uuid.uuid4()), "IntConverter": "1"}.get(name, "x")


def desk_paths() -> list[str]:
    """Every URL of the desk, with made-up arguments (the gate acts before the view)."""
    (desk,) = [
        item
        for item in get_resolver().url_patterns
        if isinstance(item, URLResolver) and item.namespace == "desk"
    ]
    paths: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                walk(item, prefix + str(item.pattern))
            elif isinstance(item, URLPattern):
                route = prefix + str(item.pattern)
                for key, converter in item.pattern.converters.items():
                    route = _replace_param(route, key, _sample(converter))
                paths.append("/" + route)

    walk(desk, str(desk.pattern))
    assert len(paths) > 20
    return paths


def _replace_param(route: str, key: str, value: str) -> str:
    import re

    return re.sub(r"<(?:\w+:)?" + key + ">", value, route)


def test_staff_without_factor_reach_no_desk_page(client, caseworker_ben):
    client.force_login(caseworker_ben)
    setup = reverse("mfa_index")
    for path in desk_paths():
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, path
            assert response["Location"] == setup, path
    # the root, and account pages other than signing in and the factor's own pages
    for path in ("/", reverse("account_email"), reverse("account_change_password")):
        assert client.get(path).headers["Location"] == setup, path
    page = client.get(setup, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b'data-testid="second-factor-required"' in page.content


def test_every_staff_role_is_held_and_customers_are_not(client, jobcenter, customer_anna):
    for role in (Role.CASEWORKER, Role.TEAM_LEAD, Role.MAILROOM, Role.ADMIN):
        client.force_login(StaffFactory(role=role, jobcenter=jobcenter))
        assert client.get(reverse("desk:inbox")).status_code == 302, role
    client.force_login(customer_anna)
    assert client.get(reverse("portal:home")).status_code == 200
    page = client.get(reverse("mfa_index"))
    assert b'data-testid="second-factor-optional"' in page.content


def test_htmx_requests_are_sent_to_the_setup_page_as_a_full_page(client, caseworker_ben):
    client.force_login(caseworker_ben)
    response = client.get(reverse("desk:inbox_items"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("mfa_index")


def test_password_plus_totp_login_reaches_the_desk(client, caseworker_ben, frozen):
    totp_add(caseworker_ben)
    response = client.post(
        reverse("account_login"), {"login": caseworker_ben.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    # half logged in: the desk is not reachable before the code
    assert client.get(reverse("desk:inbox")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response["Location"] == reverse("desk:inbox")
    assert client.get(reverse("desk:inbox")).status_code == 200


def test_session_without_the_factor_must_confirm_it(client, caseworker_ben, frozen):
    """A staff member with TOTP whose session did not use it (signed in some other way)."""
    totp_add(caseworker_ben)
    client.force_login(caseworker_ben)
    url = reverse("desk:case_search") + "?q=96201"
    response = client.get(url)
    confirm = reverse("mfa_reauthenticate")
    assert response["Location"].startswith(confirm + "?next=")
    assert client.get(reverse("desk:inbox")).status_code == 302
    # a wrong code does not open the desk
    client.post(confirm, {"code": "000000"})
    assert client.get(reverse("desk:inbox")).status_code == 302
    response = client.post(response["Location"], {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_setting_up_totp_in_the_session_opens_the_desk(client, caseworker_ben, frozen):
    """Transactional: allauth announces the new factor after commit, inside the request."""
    client.post(reverse("account_login"), {"login": caseworker_ben.email, "password": PASSWORD})
    assert client.get(reverse("desk:inbox"))["Location"] == reverse("mfa_index")
    # allauth asks for the password again before a factor is added
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("desk:inbox")).status_code == 200
    page = client.get(reverse("mfa_index"))
    assert b'data-testid="continue-to-desk"' in page.content
    event = AuditEvent.objects.get(action="accounts.second_factor.add", data__type="totp")
    assert event.actor_id == caseworker_ben.pk


def test_single_sign_on_counts_when_configured(client, caseworker_ben, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "keycloak",
                    "name": "Keycloak",
                    "client_id": "amtsbote",
                    "secret": "s3cret",
                    "settings": {"server_url": "https://sso.example/realms/jc"},
                }
            ]
        }
    }
    client.force_login(caseworker_ben)
    # what allauth records after an OpenID Connect login (no identity provider here)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "socialaccount", "at": 0, "provider": "keycloak", "uid": "ben"}
    ]
    session["account_authentication_methods_user"] = str(caseworker_ben.pk)
    session.save()
    assert client.get(reverse("desk:inbox")).status_code == 200
    settings.SSO_COUNTS_AS_SECOND_FACTOR = False
    assert client.get(reverse("desk:inbox")).status_code == 302
    settings.SSO_COUNTS_AS_SECOND_FACTOR = True
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert client.get(reverse("desk:inbox")).status_code == 302


def test_records_of_another_user_do_not_count(caseworker_ben, jobcenter):
    """allauth's records name the user they belong to; a record for someone else is void."""
    client = Client()
    client.force_login(caseworker_ben)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "at": 0, "type": "totp"}]
    session["account_authentication_methods_user"] = str(StaffFactory(jobcenter=jobcenter).pk)
    session.save()
    assert client.get(reverse("desk:inbox")).status_code == 302


def test_gate_can_be_switched_off(client, caseworker_ben, settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = False
    client.force_login(caseworker_ben)
    assert client.get(reverse("desk:inbox")).status_code == 200


def test_passkey_only_staff_confirm_with_the_passkey(client, caseworker_ben):
    Authenticator.objects.create(
        user=caseworker_ben, type=Authenticator.Type.WEBAUTHN, data={"name": "key"}
    )
    client.force_login(caseworker_ben)
    response = client.get(reverse("desk:inbox"))
    assert response["Location"] == reverse("mfa_reauthenticate_webauthn") + "?next=%2Fdesk%2F"
