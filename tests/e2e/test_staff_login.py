"""Login in real Chromium (issue 7): staff without a second factor do not reach the desk; a
passkey made with Chromium's virtual authenticator (WebAuthn over CDP) signs a person in.

Runs on SQLite and on PostgreSQL like the other story tests.
"""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import BrowserContext, Page, expect

from amtsbote.accounts.tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = True


def password_login(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def virtual_authenticator(context: BrowserContext, page: Page) -> str:
    """A platform authenticator (like a phone's fingerprint sensor) that always says yes."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    result = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return result["authenticatorId"]


def test_staff_without_second_factor_cannot_reach_the_desk(desktop, caseworker_ben, case_anna):
    page = desktop.new_page()
    password_login(page, "ben@jobcenter.example")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_test_id("second-factor-required")).to_be_visible()
    for path in ("/desk/", "/desk/cases/?q=96201BG0012345", f"/desk/cases/{case_anna.uuid}/", "/"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
        expect(page.get_by_test_id("second-factor-required")).to_be_visible()
    assert "96201BG0012345" not in page.content()


@pytest.mark.parametrize(
    ("persona", "email", "home"),
    [
        ("caseworker_ben", "ben@jobcenter.example", r"/desk/$"),
        ("customer_anna", "anna@example.org", r"/portal/$"),
    ],
)
def test_passkey_registered_and_used_to_sign_in(request, desktop, persona, email, home):
    user = request.getfixturevalue(persona)
    page = desktop.new_page()
    authenticator_id = virtual_authenticator(desktop, page)
    cdp_credentials = desktop.new_cdp_session(page)

    # --- sign in with the password and add a passkey on the security page ----------------------
    password_login(page, email)
    if persona == "caseworker_ben":
        expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    else:
        page.goto("/accounts/2fa/")
        expect(page.get_by_test_id("second-factor-optional")).to_be_visible()
    page.get_by_test_id("passkey-add").click()
    # allauth asks for the password once more before a factor is added
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('main form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.locator('input[name="name"]').fill("Virtual key")
    page.locator('input[name="passwordless"]').check()
    page.locator("#mfa_webauthn_add").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).count() == 1
    stored = cdp_credentials.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1
    assert stored["credentials"][0]["isResidentCredential"] is True
    if persona == "caseworker_ben":
        page.goto("/desk/")
        expect(page).to_have_url(re.compile(home))

    # --- sign out, sign in with the passkey alone ------------------------------------------------
    page.goto("/accounts/logout/")
    page.get_by_test_id("logout-submit").click()
    page.goto("/accounts/login/")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.locator("#passkey_login").click()
    expect(page).to_have_url(re.compile(home))
    if persona == "caseworker_ben":
        expect(page.get_by_test_id("inbox-items")).to_be_visible()
        page.goto("/desk/cases/")
        expect(page).to_have_url(re.compile(r"/desk/cases/"))
