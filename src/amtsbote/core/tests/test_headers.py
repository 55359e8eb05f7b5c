"""Security headers: the page policy (CSP) and no inline script or style in any web page,
the Permissions-Policy (camera only where photos are taken), framing, the headers of every
file response (core.http.file_response), and `manage.py check --deploy` clean with
production settings (docs/security.md, "Headers"; docs/operations.md, "Production settings")."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsbote.accounts.tests.factories import PASSWORD
from amtsbote.core.http import FILE_CONTENT_SECURITY_POLICY, disposition_filename, file_response
from amtsbote.desk.tests.conftest import make_document
from amtsbote.documents.tests import samples
from amtsbote.messaging.services import canned_reply_create
from amtsbote.messaging.tests.factories import start
from amtsbote.postbox.tests.factories import ConsentFactory, postbox_sender
from amtsbote.records.tests.conftest import lead_lena  # noqa: F401

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parents[4]


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def anna(customer_anna) -> Client:
    client = Client()
    client.force_login(customer_anna)
    return client


@pytest.fixture
def ben(caseworker_ben) -> Client:
    client = Client()
    client.force_login(caseworker_ben)
    return client


@pytest.fixture
def thread(customer_anna):
    return start(customer_anna, subject="Frage zur Miete", body="Wann kommt das Geld?")


@pytest.fixture
def letter(customer_anna, caseworker_ben, django_capture_on_commit_callbacks):
    ConsentFactory(person=customer_anna.person)  # letters reach the portal with consent
    send = postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)
    return send(customer_anna.person)


@pytest.fixture
def document(case_anna, customer_anna):
    return make_document(case_anna, pages=1, submitted_by=customer_anna)


# --- no inline script or style in any web page -------------------------------------------------


class InlineFinder(HTMLParser):
    """Collects everything a strict CSP blocks: inline scripts, event handler attributes,
    style attributes, <style> elements and javascript: links."""

    DATA_TYPES = {"application/json", "application/ld+json"}  # data, never executed

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script_start: str | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "style":
            self.found.append("<style>")
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and "src" not in attributes and script_type not in self.DATA_TYPES:
            self._script_start = self.get_starttag_text() or "<script>"
            self._script_text = []

    def handle_data(self, data: str) -> None:
        if self._script_start is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script_start is not None:
            self.found.append(f"{self._script_start}{''.join(self._script_text)[:80]}")
            self._script_start = None


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_the_inline_finder_finds_what_the_policy_blocks():
    html = (
        '<p style="color:red" onclick="x()">a</p><style>p{}</style><script>alert(1)</script>'
        '<a href="javascript:alert(1)">b</a><script src="/static/x.js"></script>'
        '<script type="application/json" id="d">{"a": 1}</script>'
    )
    found = inline_code(html)
    assert len(found) == 5, found
    assert any("alert(1)" in item and item.startswith("<script>") for item in found)


def _pages(request) -> list[tuple[Client, str]]:
    """A representative set of web pages of portal and desk, with the clients that see them."""
    anna = request.getfixturevalue("anna")
    ben = request.getfixturevalue("ben")
    doc_request = request.getfixturevalue("doc_request")
    thread = request.getfixturevalue("thread")
    letter = request.getfixturevalue("letter")
    document = request.getfixturevalue("document")
    case = request.getfixturevalue("case_anna")
    canned_reply_create(
        actor=request.getfixturevalue("caseworker_ben"), title="Eingang", body="Danke.\nGruß"
    )
    lena = Client()
    lena.force_login(request.getfixturevalue("lead_lena"))
    newcomer = Client()  # signed up, the e-mail code not entered yet
    newcomer.post(
        reverse("account_signup"),
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    return [
        (newcomer, reverse("account_email_verification_sent")),
        (Client(), reverse("account_login")),
        (Client(), reverse("account_signup")),
        (anna, reverse("mfa_index")),
        (anna, reverse("usersessions_list")),
        (anna, reverse("portal:home")),
        (anna, reverse("portal:request", args=[doc_request.uuid])),
        (anna, reverse("portal:postbox")),
        (anna, reverse("portal:letter", args=[letter.uuid])),
        (anna, reverse("portal:messages")),
        (anna, reverse("portal:thread_new")),
        (anna, reverse("portal:thread", args=[thread.uuid])),
        (anna, reverse("portal:forms")),
        (anna, reverse("portal:documents")),
        (anna, reverse("portal:verify")),
        (ben, reverse("desk:inbox")),
        (ben, reverse("desk:inbox_items")),
        (ben, reverse("desk:case_detail", args=[case.uuid])),
        (ben, reverse("desk:document_detail", args=[document.uuid])),
        (ben, reverse("desk:search") + "?q=Mietvertrag"),
        (ben, reverse("desk:case_search") + "?q=96201BG0012345"),
        (ben, reverse("desk:messages")),
        (ben, reverse("desk:thread", args=[thread.uuid])),
        (ben, reverse("desk:canned_replies")),
        (ben, reverse("desk:letter_detail", args=[letter.uuid])),
        (ben, reverse("desk:intake")),
        (lena, reverse("desk:records")),
        (lena, reverse("desk:records_rules")),
    ]


def test_no_web_page_has_inline_script_or_style(request):
    offenders = {}
    for client, url in _pages(request):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html"), url
        if found := inline_code(response.content.decode()):
            offenders[url] = found
    assert offenders == {}


# --- page headers -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["login", "portal", "desk"])
def test_every_page_has_the_strict_policy(request, page):
    client, url = {
        "login": lambda: (Client(), reverse("account_login")),
        "portal": lambda: (request.getfixturevalue("anna"), reverse("portal:home")),
        "desk": lambda: (request.getfixturevalue("ben"), reverse("desk:inbox")),
    }[page]()
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy == django_settings.CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_report_only_mode_reports_instead_of_blocking(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = True
    response = client.get(reverse("account_login"))
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == settings.CONTENT_SECURITY_POLICY


def test_redirects_and_errors_carry_the_headers_too(anna, client):
    redirect = client.get(reverse("portal:home"))
    assert redirect.status_code == 302
    assert redirect["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY
    missing = anna.get("/portal/no-such-page/")
    assert missing.status_code == 404
    assert missing["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY
    assert missing["Permissions-Policy"].startswith("camera=()")


def _permissions(response) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


@pytest.mark.parametrize(
    ("name", "camera"),
    [
        ("portal:home", "()"),
        ("portal:postbox", "()"),
        ("portal:messages", "()"),
        ("portal:request", "(self)"),
        ("portal:thread_new", "(self)"),
        ("portal:thread", "(self)"),
    ],
)
def test_the_camera_only_where_photos_are_taken(request, anna, name, camera):
    args = {
        "portal:request": lambda: [request.getfixturevalue("doc_request").uuid],
        "portal:thread": lambda: [request.getfixturevalue("thread").uuid],
    }.get(name, list)()
    response = anna.get(reverse(name, args=args))
    assert response.status_code == 200
    policy = _permissions(response)
    assert policy["camera"] == camera
    for feature in ("microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()"


def test_hsts_on_https_once_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("account_login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_ssl_redirect_behind_a_proxy_but_not_for_the_health_check(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()
    plain = client.get(reverse("account_login"))
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    proxied = client.get(reverse("account_login"), headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert client.get("/healthz").status_code == 200


# --- file responses -----------------------------------------------------------------------------


def _assert_file_headers(response, *, disposition: str, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(f"{disposition}; filename")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CONTENT_SECURITY_POLICY
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_desk_file_responses_are_named_and_sandboxed(ben, document, letter):
    version = document.versions.get()
    original = document.originals.get()
    cases = [
        (reverse("desk:version_page", args=[version.uuid, 1]), "inline", "image/jpeg"),
        (reverse("desk:version_thumbnail", args=[version.uuid]), "inline", "image/jpeg"),
        (reverse("desk:version_file", args=[version.uuid]), "attachment", "application/pdf"),
        (
            reverse("desk:original_file", args=[document.uuid, original.uuid]),
            "attachment",
            original.mime_type,
        ),
        (reverse("desk:letter_file", args=[letter.uuid]), "inline", "application/pdf"),
        (reverse("desk:letter_proof", args=[letter.uuid]), "attachment", "application/pdf"),
    ]
    for url, disposition, content_type in cases:
        response = ben.get(url)
        _assert_file_headers(response, disposition=disposition, content_type=content_type)


def test_portal_file_responses_are_named_and_sandboxed(anna, letter, doc_request):
    url = reverse("portal:letter_file", args=[letter.uuid])
    _assert_file_headers(anna.get(url), disposition="inline", content_type="application/pdf")
    _assert_file_headers(
        anna.get(url, {"download": "1"}), disposition="attachment", content_type="application/pdf"
    )
    item = doc_request.items.get()
    sent = anna.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {f"item-{item.uuid}": [SimpleUploadedFile("s.jpg", samples.jpeg_bytes(), "image/jpeg")]},
    )
    assert sent.status_code == 302
    submission = doc_request.submissions.get()
    response = anna.get(reverse("portal:receipt_pdf", args=[submission.uuid]))
    _assert_file_headers(response, disposition="attachment", content_type="application/pdf")
    assert "Eingangsbestaetigung-" in response["Content-Disposition"]


def test_a_hostile_file_name_is_cleaned_in_the_header():
    response = file_response(
        b"%PDF-1.7",
        content_type="application/pdf",
        filename='../../etc/pass"wd\r\nSet-Cookie: x=1\u202egpj.pdf',
    )
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename")
    assert "\r" not in header and "\n" not in header
    assert "\u202e" not in header and "%E2%80%AE" not in header
    assert "/" not in header.split("filename", 1)[1].replace("utf-8''", "")
    assert disposition_filename("../../etc/passwd") == "passwd"
    assert disposition_filename("\x00\u202e.hidden") == "hidden"
    assert disposition_filename("...") == "file"
    assert disposition_filename("Mietvertrag März.pdf") == "Mietvertrag März.pdf"


def test_a_streamed_file_keeps_its_headers(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7 test")
    response = file_response(
        path.open("rb"), content_type="application/pdf", filename="Bescheid.pdf", inline=True
    )
    assert response.streaming
    assert response["Content-Disposition"] == 'inline; filename="Bescheid.pdf"'
    assert response["Content-Security-Policy"] == FILE_CONTENT_SECURITY_POLICY
    assert b"".join(response) == b"%PDF-1.7 test"


# --- check --deploy with production settings ----------------------------------------------------


def _production_env(tmp_path, clamd) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMTSBOTE_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "AMTSBOTE_VAR_DIR": str(tmp_path / "var"),
            "AMTSBOTE_SECRET_KEY": secrets.token_urlsafe(64),
            "AMTSBOTE_SECURE_COOKIES": "1",
            "AMTSBOTE_ALLOWED_HOSTS": "portal.example.de",
            "AMTSBOTE_CSRF_TRUSTED_ORIGINS": "https://portal.example.de",
            "AMTSBOTE_SITE_URL": "https://portal.example.de",
            "AMTSBOTE_SSL_REDIRECT": "1",
            "AMTSBOTE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            "AMTSBOTE_CLAMD": clamd.address,
        }
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path, clamd):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=_production_env(tmp_path, clamd),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_complains_without_https_settings(tmp_path, clamd):
    env = _production_env(tmp_path, clamd)
    for name in ("AMTSBOTE_SECURE_COOKIES", "AMTSBOTE_SSL_REDIRECT"):
        env.pop(name)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output, output
