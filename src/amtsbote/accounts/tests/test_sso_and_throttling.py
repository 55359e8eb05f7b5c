"""Single sign-on configured by settings; login attempts are throttled."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from amtsbote import settings as project_settings
from amtsbote.accounts.checks import check_oidc_providers
from amtsbote.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

KEYCLOAK_ENV = {
    "AMTSBOTE_OIDC_PROVIDERS": "keycloak, azure-ad",
    "AMTSBOTE_OIDC_KEYCLOAK_NAME": "Keycloak Musterstadt",
    "AMTSBOTE_OIDC_KEYCLOAK_SERVER_URL": "https://sso.musterstadt.example/realms/jobcenter",
    "AMTSBOTE_OIDC_KEYCLOAK_CLIENT_ID": "amtsbote",
    "AMTSBOTE_OIDC_KEYCLOAK_SECRET": "s3cret",
    "AMTSBOTE_OIDC_AZURE_AD_SERVER_URL": "https://login.microsoftonline.com/tenant/v2.0",
    "AMTSBOTE_OIDC_AZURE_AD_CLIENT_ID": "0000-1111",
}


@pytest.fixture(autouse=True)
def _clear_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def oidc(monkeypatch, settings):
    for name, value in KEYCLOAK_ENV.items():
        monkeypatch.setenv(name, value)
    apps = project_settings.oidc_apps()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": apps}}
    return apps


def test_environment_configures_the_providers(oidc):
    keycloak, azure = oidc
    assert keycloak == {
        "provider_id": "keycloak",
        "name": "Keycloak Musterstadt",
        "client_id": "amtsbote",
        "secret": "s3cret",
        "settings": {
            "server_url": "https://sso.musterstadt.example/realms/jobcenter",
            "oauth_pkce_enabled": True,
        },
    }
    assert azure["provider_id"] == "azure-ad"
    assert azure["name"] == "azure-ad"


def test_incomplete_provider_is_reported(oidc):
    messages = [message.msg for message in check_oidc_providers()]
    assert any(
        "'azure-ad' lacks AMTSBOTE_OIDC_AZURE_AD_SECRET" in message for message in messages
    ), messages
    assert not any("'keycloak'" in message for message in messages)


def test_no_providers_no_buttons(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    page = client.get(reverse("account_login"))
    assert b'data-testid="sso"' not in page.content
    assert check_oidc_providers() == []


def test_login_page_offers_single_sign_on(client, oidc):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b'data-testid="sso-keycloak"' in page.content
    assert b"Sign in with Keycloak Musterstadt" in page.content
    assert b'action="/accounts/oidc/keycloak/login/?process=login"' in page.content


def test_failed_logins_are_throttled_per_account(client, caseworker_ben, customer_anna):
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": caseworker_ben.email, "password": "wrong"})
        assert response.status_code == 200
    # the sixth attempt is refused even with the right password
    response = client.post(
        url, {"login": caseworker_ben.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session
    # another account from the same address is not locked by Ben's failures
    response = client.post(url, {"login": customer_anna.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(customer_anna.pk)


def test_failed_logins_are_throttled_per_address(client, customer_anna, customer_carl):
    url = reverse("account_login")
    for number in range(10):
        client.post(url, {"login": f"nobody{number}@example.org", "password": "wrong"})
    response = client.post(
        url, {"login": customer_anna.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_upload_sends_are_throttled_per_account(settings, customer_anna, customer_carl):
    from amtsbote.accounts.throttles import upload_send_count
    from amtsbote.core.exceptions import ValidationFailed

    settings.UPLOAD_SENDS_PER_HOUR = 3
    for _ in range(3):
        upload_send_count(user=customer_anna)
    with pytest.raises(ValidationFailed) as refused:
        upload_send_count(user=customer_anna)
    assert refused.value.code == "throttled"
    upload_send_count(user=customer_carl)  # another account has its own count
