"""The catalogue of pages a customer sees: every portal URL and the account pages.

The URL names come from the resolver (``portal_url_names``, ``account_url_names``); each one is
either catalogued (``world_build`` makes the objects it needs and a concrete address) or
excluded with a reason (``EXCLUDED``). ``test_lang_dir.test_every_page_is_catalogued`` fails
for a new name that is neither, so pages added later are checked (lang/dir, axe, 360 px)
without anyone remembering to list them.

A page is visited by a "visitor": a Django test client holding a session in the database (a
signed-in customer, a representative, someone half-way through signing up …). The browser
tests copy that session cookie into Chromium, so both kinds of test see the same pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from amtsbote.accounts.models import User
from amtsbote.accounts.tests.factories import PASSWORD, UserFactory
from amtsbote.accounts.tests.mfa import totp_add
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.models import Case
from amtsbote.cases.services_representation import representation_grant_by_staff
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents.models import DocumentType
from amtsbote.documents.tests import samples
from amtsbote.eforms.tests.factories import draft_with, move_answers, send_move
from amtsbote.messaging.models import Message
from amtsbote.messaging.tests.factories import start
from amtsbote.postbox.tests.factories import ConsentFactory, send_letter

# Routes that are no HTML page a person reads, or that only change state.
EXCLUDED: dict[str, str] = {
    "portal:language": "POST only (Django's set_language); the switcher is on every page",
    "portal:receipt_pdf": "PDF download (sealed receipt)",
    "portal:letter_file": "PDF of the letter",
    "portal:letter_paper": "POST only: asks for the letter on paper",
    "portal:message_receipt_pdf": "PDF download (sealed receipt)",
    "portal:form_receipt_pdf": "PDF download (sealed receipt)",
    "portal:form_discard": "POST only: discards a draft",
    "portal:representation_revoke": "POST only: revokes a grant",
    "portal:acting_switch": "POST only: chooses whom to act for",
    "portal:document_thumbnail": "image (thumbnail of a document page)",
    "portal:device_subscribe": "POST only (JSON): stores a push subscription",
    "portal:device_remove": "POST only: removes a device",
    "portal:manifest": "web app manifest (JSON)",
    "portal:service_worker": "service worker (JavaScript)",
    # allauth pages a customer never sees
    "account_inactive": "accounts are never set inactive by the portal",
    "account_email": "e-mail management is not offered to customers (one address)",
    "account_set_password": "accounts always have a password (no social-only customers)",
    "account_confirm_login_code": "login by code is not enabled",
    "mfa_deactivate_totp": "needs an active TOTP and a fresh sign-in; same form as activate",
    "mfa_view_recovery_codes": "needs recovery codes; same layout as the MFA index",
    "mfa_generate_recovery_codes": "needs a TOTP first; same form as activate",
    "mfa_download_recovery_codes": "text file download",
    "mfa_list_webauthn": "passkeys: needs a registered key (WebAuthn in the browser)",
    "mfa_add_webauthn": "passkeys: needs WebAuthn in the browser",
    "mfa_reauthenticate_webauthn": "passkeys: needs WebAuthn in the browser",
    "mfa_remove_webauthn": "passkeys: needs a registered key",
    "mfa_edit_webauthn": "passkeys: needs a registered key",
    "mfa_login_webauthn": "passkeys: POST only (JSON)",
    "mfa_reauthenticate": "needs a second factor and an old sign-in; same form as authenticate",
    "socialaccount_login_cancelled": "single sign-on is for staff only",
    "socialaccount_login_error": "single sign-on is for staff only",
    "socialaccount_signup": "single sign-on is for staff only",
    "socialaccount_connections": "single sign-on is for staff only",
    "openid_connect_login": "single sign-on is for staff only",
    "openid_connect_callback": "single sign-on is for staff only",
    "usersessions_list": "not linked from the portal (staff security page)",
}

ACCOUNT_PREFIXES = ("account_", "mfa_", "socialaccount_", "openid_connect_", "usersessions_")


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            names |= _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def portal_url_names() -> set[str]:
    return {name for name in _names(get_resolver()) if name.startswith("portal:")}


def account_url_names() -> set[str]:
    return {name for name in _names(get_resolver()) if name.startswith(ACCOUNT_PREFIXES)}


@dataclass(frozen=True)
class Page:
    name: str  # URL name
    path: str
    visitor: str  # key into World.visitors

    @property
    def id(self) -> str:
        return f"{self.name}[{self.visitor}]"


@dataclass
class World:
    visitors: dict[str, Client] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)

    def add(self, name: str, visitor: str, *args: object, query: str = "") -> None:
        path = reverse(name, args=args or None)
        self.pages.append(Page(name=name, path=path + query, visitor=visitor))

    def session_cookie(self, visitor: str) -> str | None:
        morsel = self.visitors[visitor].cookies.get(settings.SESSION_COOKIE_NAME)
        return morsel.value if morsel else None


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _logged_in_by_form(email: str) -> Client:
    """Signed in through allauth's form: a fresh sign-in, as pages behind reauth need."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def world_build(*, anna: User, ben: User, case: Case) -> World:
    """Anna with every kind of object the portal shows; Rita acting for her; a newcomer."""
    # allauth counts sign-ins and sign-ups per address in the cache (a database table that
    # a test's flush leaves alone): earlier builds in this run must not throttle this one.
    cache.clear()
    world = World()
    team = ben.teams.get()
    person = anna.person  # type: ignore[attr-defined]

    # A request with one item answered (a receipt, a document) and one still open.
    request = doc_request_create(
        case=case,
        team=team,
        created_by=ben,
        items=[
            ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag")),
            ItemSpec(document_type=DocumentType.objects.get(code="meldebescheinigung")),
        ],
        message="Bitte senden Sie uns den neuen Mietvertrag.",
    )
    anna_client = _client(anna)
    item = request.items.order_by("position").first()
    assert item is not None
    response = anna_client.post(
        reverse("portal:request", args=[request.uuid]),
        {
            f"item-{item.uuid}": [
                SimpleUploadedFile("seite1.jpg", samples.jpeg_bytes(), "image/jpeg")
            ]
        },
    )
    assert response.status_code == 302, response.content[:2000]
    submission = request.submissions.get()

    ConsentFactory(person=person)
    letter = send_letter(person, by=ben)
    thread = start(anna, subject="Frage zur Miete")
    message = Message.objects.filter(thread=thread).order_by("created_at").first()
    assert message is not None
    form_submission = send_move(anna)
    draft_with(
        anna,
        "veraenderungsmitteilung",
        {"parts": {"parts": ["move"]}, "move": move_answers(), "remarks": {"remarks": ""}},
    )

    rita = cast(
        User, UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")
    )
    grant = representation_grant_by_staff(
        actor=ben,
        person=person,
        representative=rita,
        kind=RepresentationKind.GUARDIAN,
        scopes=[scope.value for scope in RepresentationScope],
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    rita_client = _client(rita)
    rita_client.post(reverse("portal:acting_switch"), {"representation": grant.uuid})

    newcomer = cast(User, UserFactory(email="neu@example.org", first_name="Nora", last_name="Neu"))
    mfa_user = UserFactory(email="mia@example.org", first_name="Mia", last_name="Meyer")
    totp_add(mfa_user)
    mfa_client = Client()
    mfa_client.post(reverse("account_login"), {"login": mfa_user.email, "password": PASSWORD})
    signup_client = Client()
    response = signup_client.post(
        reverse("account_signup"),
        {"email": "sina@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content[:500]

    world.visitors = {
        "anna": anna_client,
        "anna-fresh": _logged_in_by_form(anna.email),
        "rita": rita_client,
        "newcomer": _client(newcomer),
        "anonymous": Client(),
        "signup-pending": signup_client,
        "mfa-pending": mfa_client,
    }

    # --- portal -----------------------------------------------------------------------------
    world.add("portal:home", "anna")
    world.add("portal:home", "rita")
    world.add("portal:home", "newcomer")
    world.add("portal:activate", "newcomer")
    world.add("portal:request", "anna", request.uuid)
    world.add("portal:receipt", "anna", submission.uuid)
    world.add("portal:verify", "anonymous")
    world.add("portal:documents", "anna")
    world.add("portal:accesses", "anna")
    world.add("portal:postbox", "anna")
    world.add("portal:letter", "anna", letter.uuid)
    world.add("portal:consents", "anna")
    world.add("portal:messages", "anna")
    world.add("portal:thread_new", "anna")
    world.add("portal:thread", "anna", thread.uuid)
    world.add("portal:message_receipt", "anna", message.uuid)
    world.add("portal:forms", "anna")
    world.add("portal:form_receipt", "anna", form_submission.uuid)
    world.add("portal:form_start", "anna", "ortsabwesenheit")
    world.add("portal:form_step", "anna", "veraenderungsmitteilung", "move")
    world.add("portal:form_summary", "anna", "veraenderungsmitteilung")
    world.add("portal:representation", "anna")
    # Help, Leichte Sprache and the accessibility statement are open without an account.
    world.add("portal:help", "anna")
    world.add("portal:help", "anonymous")
    world.add("portal:easy", "anonymous")
    world.add("portal:accessibility", "anonymous")
    # Pages added later that need no objects are checked as Anna sees them, unasked.
    catalogued = {page.name for page in world.pages}
    for name in sorted(portal_url_names() - catalogued - EXCLUDED.keys()):
        try:
            world.add(name, "anna")
        except NoReverseMatch:
            continue  # needs arguments: test_every_page_is_catalogued names it

    # --- account pages ----------------------------------------------------------------------
    world.add("account_login", "anonymous")
    world.add("account_signup", "anonymous")
    world.add("account_reset_password", "anonymous")
    world.add("account_reset_password_done", "anonymous")
    world.add("account_reset_password_from_key_done", "anonymous")
    world.pages.append(
        Page(
            name="account_reset_password_from_key",
            path=reverse(
                "account_reset_password_from_key", kwargs={"uidb36": "x", "key": "bad-key"}
            ),
            visitor="anonymous",
        )
    )
    world.add("account_email_verification_sent", "signup-pending")
    world.add("mfa_authenticate", "mfa-pending")
    world.add("account_logout", "anna")
    world.add("account_reauthenticate", "anna")
    world.add("account_change_password", "anna")
    world.add("mfa_index", "anna")
    world.add("mfa_activate_totp", "anna-fresh")
    return world
