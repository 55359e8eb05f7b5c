"""Single sign-on end to end: allauth's OpenID Connect login against a provider on loopback.

The identity provider (``tests/oidc_idp.py``) is a small OpenID Connect server standing in for
the jobcenter's Keycloak, which does not exist on these machines. Everything on our side is
real: the provider configured from ``AMTSBOTE_OIDC_*`` variables through
``settings.oidc_apps()``, the login page and its button, allauth's views, the server's own HTTP
calls to the provider's discovery, token and userinfo endpoints, our social-account adapter,
the staff second-factor middleware and the database session. The "browser" is a ``requests``
session against the live server; the last test clicks the button in Chromium.
"""

from __future__ import annotations

import html
import re
import time
from typing import cast
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.cache import cache
from tests.oidc_idp import LoopbackIdentityProvider

from amtsbote import settings as project_settings
from amtsbote.accounts.models import User
from amtsbote.accounts.tests.factories import PASSWORD
from amtsbote.accounts.tests.mfa import totp_add

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_SECRET = "loopback-client-secret"
CALLBACK_PATH = "/accounts/oidc/keycloak/login/callback/"
LOGIN_PATH = "/accounts/login/"
DESK_PATH = "/desk/"


@pytest.fixture(scope="module")
def loopback_idp():
    idp = LoopbackIdentityProvider(client_id="amtsbote", client_secret=CLIENT_SECRET).start()
    yield idp
    idp.stop()


@pytest.fixture
def keycloak(loopback_idp, live_server, monkeypatch, settings):
    """The provider configured as an operator would: by environment, read by settings."""
    idp = loopback_idp
    idp.reset()
    idp.redirect_uris = [live_server.url + CALLBACK_PATH]
    monkeypatch.setenv("AMTSBOTE_OIDC_PROVIDERS", "keycloak")
    monkeypatch.setenv("AMTSBOTE_OIDC_KEYCLOAK_NAME", "Keycloak Musterstadt")
    monkeypatch.setenv("AMTSBOTE_OIDC_KEYCLOAK_SERVER_URL", idp.issuer)
    monkeypatch.setenv("AMTSBOTE_OIDC_KEYCLOAK_CLIENT_ID", idp.client_id)
    monkeypatch.setenv("AMTSBOTE_OIDC_KEYCLOAK_SECRET", CLIENT_SECRET)
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": project_settings.oidc_apps()}}
    settings.STAFF_SECOND_FACTOR_REQUIRED = True
    settings.SSO_COUNTS_AS_SECOND_FACTOR = True
    cache.clear()  # login throttles and allauth's list of used ID tokens (jti)
    yield idp
    cache.clear()


class Browser:
    """A person's browser, reduced to cookies and redirects."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "en"

    def get(self, path_or_url: str, **kwargs) -> requests.Response:
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        return self.http.get(url, timeout=30, **kwargs)

    def press_sso_button(self, provider_id: str = "keycloak") -> requests.Response:
        """Open the login page and press "Sign in with …": the answer is the redirect to the
        identity provider, not followed."""
        page = self.get(LOGIN_PATH)
        assert page.status_code == 200
        match = re.search(
            r'<form method="post" action="([^"]+)">\s*<input type="hidden" '
            r'name="csrfmiddlewaretoken" value="([^"]+)">',
            page.text[page.text.index('data-testid="sso"') :],
        )
        assert match, "no single sign-on form on the login page"
        action, token = html.unescape(match.group(1)), match.group(2)
        assert action.startswith(f"/accounts/oidc/{provider_id}/login/")
        return self.http.post(
            self.base_url + action,
            data={"csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=30,
        )

    def sign_in_at_idp(self) -> str:
        """Press the button and let the identity provider answer: the URL it sends the
        browser back to (our callback with ``code`` and ``state``), not yet opened."""
        to_idp = self.press_sso_button()
        assert to_idp.status_code == 302, to_idp.text[:500]
        back = self.get(to_idp.headers["Location"], allow_redirects=False)
        assert back.status_code == 302, back.text[:500]
        return back.headers["Location"]

    def single_sign_on(self) -> requests.Response:
        """The whole round trip, redirects followed to the page the person ends on."""
        return self.get(self.sign_in_at_idp())

    def reaches_desk(self) -> bool:
        response = self.get(DESK_PATH, allow_redirects=False)
        return response.status_code == 200


@pytest.fixture
def browser_factory(live_server):
    browsers: list[Browser] = []

    def new_browser() -> Browser:
        browsers.append(Browser(live_server.url))
        return browsers[-1]

    yield new_browser
    for browser in browsers:
        browser.http.close()


def signed_in_user_ids() -> set[str]:
    """Who has an authenticated session in the database."""
    ids = {session.get_decoded().get("_auth_user_id") for session in Session.objects.all()}
    return {user_id for user_id in ids if user_id}


def path_of(response: requests.Response) -> str:
    return urlsplit(response.url).path


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def replace_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = {**query_of(url), **params}
    return parts._replace(query=urlencode(query)).geturl()


def assert_refused_with_error_page(response: requests.Response) -> None:
    """allauth's "Third-Party Login Failure" page in our layout: 401, never a 500."""
    assert response.status_code == 401, (response.status_code, response.text[:500])
    assert "Third-Party Login Failure" in response.text
    assert 'data-testid="language-link"' in response.text  # the portal's layout
    assert path_of(response) == CALLBACK_PATH


# --- staff sign in ------------------------------------------------------------------------------


def test_staff_sign_in_through_the_identity_provider_and_reach_the_desk(
    keycloak, browser_factory, caseworker_ben
):
    """Ben has no TOTP app and no passkey: the single sign-on login is his strong login."""
    user = keycloak.sign_in_as("ben@jobcenter.example")
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert landed.status_code == 200
    assert path_of(landed) == DESK_PATH
    assert browser.reaches_desk()
    assert signed_in_user_ids() == {str(caseworker_ben.pk)}
    # the round trip as the provider saw it: an authorization request bound by state and an
    # S256 PKCE challenge, and the server's own token exchange with the client secret and
    # the PKCE verifier, then a userinfo call with the access token
    (authorization,) = keycloak.requests_to("auth")
    assert authorization.query["state"]
    assert authorization.query["code_challenge_method"] == "S256"
    assert set(authorization.query["scope"].split()) == {"openid", "profile", "email"}
    assert authorization.query["redirect_uri"] == browser.base_url + CALLBACK_PATH
    (exchange,) = keycloak.requests_to("token")
    assert exchange.status == 200
    assert exchange.form["client_secret"] == CLIENT_SECRET
    assert exchange.form["code_verifier"]
    assert exchange.form["code"] == query_of(authorization.response["Location"])["code"]
    (userinfo,) = keycloak.requests_to("userinfo")
    assert userinfo.headers["authorization"] == f"Bearer {exchange.response['access_token']}"
    # the account is linked to the provider's subject, allauth's session list has the login
    link = SocialAccount.objects.get(user=caseworker_ben)
    assert (link.provider, link.uid) == ("keycloak", user["sub"])
    assert UserSession.objects.filter(user=caseworker_ben).count() == 1


def test_single_sign_on_replaces_the_confirm_step_for_staff_with_a_factor(
    keycloak, browser_factory, caseworker_ben
):
    totp_add(caseworker_ben)
    keycloak.sign_in_as("ben@jobcenter.example")
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert path_of(landed) == DESK_PATH
    assert browser.reaches_desk()


def test_sign_in_again_finds_the_account_by_its_link(keycloak, browser_factory, caseworker_ben):
    """The second login finds Ben by the provider's subject, even after an e-mail change at
    the provider."""
    keycloak.sign_in_as("ben@jobcenter.example", sub="ben-subject")
    assert path_of(browser_factory().single_sign_on()) == DESK_PATH
    keycloak.sign_in_as("b.becker@jobcenter.example", sub="ben-subject")
    browser = browser_factory()

    assert path_of(browser.single_sign_on()) == DESK_PATH
    assert browser.reaches_desk()
    assert SocialAccount.objects.get().user == caseworker_ben


def test_without_sso_as_second_factor_staff_still_need_their_own(
    keycloak, browser_factory, caseworker_ben, settings
):
    settings.SSO_COUNTS_AS_SECOND_FACTOR = False
    keycloak.sign_in_as("ben@jobcenter.example")
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert path_of(landed) == "/accounts/2fa/"
    assert signed_in_user_ids() == {str(caseworker_ben.pk)}
    assert not browser.reaches_desk()


def test_without_sso_as_second_factor_staff_with_a_factor_enter_it(
    keycloak, browser_factory, caseworker_ben, settings
):
    settings.SSO_COUNTS_AS_SECOND_FACTOR = False
    totp_add(caseworker_ben)
    keycloak.sign_in_as("ben@jobcenter.example")
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert path_of(landed) == "/accounts/2fa/authenticate/"
    assert signed_in_user_ids() == set()
    assert not browser.reaches_desk()


def test_first_sso_login_locks_a_password_whose_address_was_never_confirmed(
    keycloak, browser_factory, caseworker_ben, jobcenter
):
    """allauth's guard against accounts registered in someone else's name: an account found
    by an e-mail address that Amtsbote never confirmed loses its password at the first
    single sign-on login (staff created in the admin have no confirmed address). A staff
    account whose address is confirmed keeps its password."""
    from amtsbote.accounts.tests.factories import StaffFactory

    confirmed = cast(User, StaffFactory(email="lena@jobcenter.example", jobcenter=jobcenter))
    assert EmailAddress.objects.get(user=confirmed).verified  # the factory confirms it
    EmailAddress.objects.filter(user=caseworker_ben).update(verified=False)

    keycloak.sign_in_as("ben@jobcenter.example")
    assert path_of(browser_factory().single_sign_on()) == DESK_PATH
    keycloak.sign_in_as("lena@jobcenter.example")
    assert path_of(browser_factory().single_sign_on()) == DESK_PATH

    caseworker_ben.refresh_from_db()
    confirmed.refresh_from_db()
    assert not caseworker_ben.has_usable_password()
    assert confirmed.check_password(PASSWORD)


# --- who does not get in --------------------------------------------------------------------------


def test_unknown_address_gets_no_account_and_no_session(keycloak, browser_factory, caseworker_ben):
    keycloak.sign_in_as("new.colleague@jobcenter.example")
    users_before = User.objects.count()
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert landed.status_code == 200
    assert "Sign Up Closed" in landed.text
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="new.colleague@jobcenter.example").exists()
    assert not SocialAccount.objects.exists()
    assert signed_in_user_ids() == set()
    assert not browser.reaches_desk()


def test_unconfirmed_address_at_the_provider_finds_no_account(
    keycloak, browser_factory, caseworker_ben
):
    """Only an address the provider says it verified (``email_verified``) finds an account."""
    keycloak.sign_in_as("ben@jobcenter.example", email_verified=False)
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert "Sign Up Closed" in landed.text
    assert not SocialAccount.objects.exists()
    assert signed_in_user_ids() == set()
    caseworker_ben.refresh_from_db()
    assert caseworker_ben.check_password(PASSWORD)


def test_customer_cannot_sign_in_through_the_jobcenters_provider(
    keycloak, browser_factory, customer_anna
):
    keycloak.sign_in_as("anna@example.org")
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert landed.status_code == 200
    assert path_of(landed) == LOGIN_PATH
    assert "Single sign-on is for jobcenter staff only." in landed.text
    assert signed_in_user_ids() == set()
    assert not SocialAccount.objects.exists()
    assert browser.get("/portal/", allow_redirects=False).status_code == 302
    customer_anna.refresh_from_db()
    assert customer_anna.check_password(PASSWORD)


def test_a_customer_already_linked_is_refused_too(keycloak, browser_factory, customer_anna):
    """Even an account linked to the provider by mistake (e.g. by an administrator) stays out."""
    user = keycloak.sign_in_as("anna@example.org")
    SocialAccount.objects.create(user=customer_anna, provider="keycloak", uid=user["sub"])
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert path_of(landed) == LOGIN_PATH
    assert signed_in_user_ids() == set()


# --- a provider or a callback not to be trusted --------------------------------------------------


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"aud": "another-client"}, id="wrong-audience"),
        pytest.param({"iss": "http://127.0.0.1:9/realms/elsewhere"}, id="wrong-issuer"),
        pytest.param({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, id="expired"),
    ],
)
def test_id_token_that_is_not_for_us_signs_nobody_in(
    keycloak, browser_factory, caseworker_ben, claims
):
    keycloak.sign_in_as("ben@jobcenter.example")
    keycloak.id_token_claims = claims
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert_refused_with_error_page(landed)
    assert signed_in_user_ids() == set()
    assert not SocialAccount.objects.exists()
    assert not browser.reaches_desk()


def test_wrong_state_is_refused_before_the_code_is_exchanged(
    keycloak, browser_factory, caseworker_ben
):
    keycloak.sign_in_as("ben@jobcenter.example")
    browser = browser_factory()
    callback = browser.sign_in_at_idp()

    landed = browser.get(replace_query(callback, state="forged-state"))

    assert_refused_with_error_page(landed)
    assert keycloak.requests_to("token") == []
    assert signed_in_user_ids() == set()


def test_callback_cannot_be_replayed(keycloak, browser_factory, caseworker_ben):
    keycloak.sign_in_as("ben@jobcenter.example")
    browser = browser_factory()
    callback = browser.sign_in_at_idp()
    assert path_of(browser.get(callback)) == DESK_PATH
    other = browser_factory()

    landed = other.get(callback)

    assert_refused_with_error_page(landed)
    assert len(keycloak.requests_to("token")) == 1
    assert signed_in_user_ids() == {str(caseworker_ben.pk)}
    assert not other.reaches_desk()


def test_code_of_another_login_is_refused_by_pkce(keycloak, browser_factory, caseworker_ben):
    """Code injection: an attacker starts a login in their own browser and feeds it the
    victim's code. The state fits the attacker's session, but the server sends the
    attacker's PKCE verifier, which does not match the victim's challenge."""
    keycloak.sign_in_as("ben@jobcenter.example")
    victim = browser_factory()
    stolen_code = query_of(victim.sign_in_at_idp())["code"]
    attacker = browser_factory()
    attackers_callback = attacker.sign_in_at_idp()

    landed = attacker.get(replace_query(attackers_callback, code=stolen_code))

    assert_refused_with_error_page(landed)
    (exchange,) = keycloak.requests_to("token")
    assert exchange.status == 400
    assert exchange.response["error_description"].startswith("PKCE verification failed")
    assert signed_in_user_ids() == set()


def test_provider_refusing_the_client_secret_signs_nobody_in(
    keycloak, browser_factory, caseworker_ben
):
    keycloak.sign_in_as("ben@jobcenter.example")
    keycloak.client_secret = "rotated-at-the-provider"
    browser = browser_factory()
    try:
        landed = browser.single_sign_on()
    finally:
        keycloak.client_secret = CLIENT_SECRET

    assert_refused_with_error_page(landed)
    assert keycloak.requests_to("token")[0].status == 401
    assert signed_in_user_ids() == set()


def test_person_cancelling_at_the_provider_comes_back_to_a_cancel_page(
    keycloak, browser_factory, caseworker_ben
):
    """No user at the provider: it answers ``access_denied`` as when someone cancels."""
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert landed.status_code == 200
    assert path_of(landed) == "/accounts/3rdparty/login/cancelled/"
    assert signed_in_user_ids() == set()


def test_authorization_request_carries_no_nonce(keycloak, browser_factory, caseworker_ben):
    """allauth sends no ``nonce`` and checks none: a foreign nonce in the ID token changes
    nothing. The login is bound to the browser session by ``state`` and PKCE instead (the
    tests above), which is what RFC 9700 (2.1.1) accepts for confidential clients."""
    keycloak.sign_in_as("ben@jobcenter.example")
    keycloak.id_token_claims = {"nonce": "someone-elses-nonce"}
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert "nonce" not in keycloak.requests_to("auth")[0].query
    assert path_of(landed) == DESK_PATH


def test_id_token_signature_is_not_what_is_checked_after_the_servers_own_exchange(
    keycloak, browser_factory, caseworker_ben
):
    """The ID token comes straight from the token endpoint the server called itself, so
    allauth does not check its signature there (OpenID Connect Core 3.1.3.7, step 6: TLS
    vouches for the sender); issuer, audience and expiry are checked (above), and the
    identity is read from the userinfo endpoint with the access token. This holds only over
    HTTPS: the provider's URL must be https in production (docs/login.md)."""
    keycloak.sign_in_as("ben@jobcenter.example")
    keycloak.sign_with_foreign_key = True
    browser = browser_factory()

    landed = browser.single_sign_on()

    assert path_of(landed) == DESK_PATH


def test_staff_sso_login_is_in_the_audit_log(
    keycloak, browser_factory, caseworker_ben, customer_anna
):
    from amtsbote.audit.models import AuditEvent

    keycloak.sign_in_as("ben@jobcenter.example")
    assert path_of(browser_factory().single_sign_on()) == DESK_PATH
    keycloak.sign_in_as("anna@example.org")  # refused: no login, no event
    browser_factory().single_sign_on()

    (event,) = AuditEvent.objects.filter(action="accounts.login")
    assert event.actor_id == caseworker_ben.pk
    assert event.data == {"methods": ["socialaccount"], "provider": "keycloak"}


# --- in a real browser --------------------------------------------------------------------------


@pytest.mark.browser
def test_sso_button_in_chromium_leads_to_the_desk(
    keycloak, browser, live_server, caseworker_ben, settings
):
    """Chromium applies the page's ``form-action`` to the redirect that follows the button's
    POST, so the provider's origin must be allowed there (settings.content_security_policy)."""
    from playwright.sync_api import expect

    keycloak.sign_in_as("ben@jobcenter.example")
    settings.CONTENT_SECURITY_POLICY = project_settings.content_security_policy(  # type: ignore[attr-defined]
        settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]
    )
    assert f"form-action 'self' http://127.0.0.1:{keycloak.port};" in (
        settings.CONTENT_SECURITY_POLICY
    )
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(LOGIN_PATH)
        page.get_by_test_id("sso-keycloak").click()
        page.wait_for_url(re.compile(r"/desk/$"))
        expect(page.locator("main")).to_be_visible()
    finally:
        context.close()
    assert signed_in_user_ids() == {str(caseworker_ben.pk)}
