"""Named personas and real infrastructure for the whole suite.

- ``smtp_server``: a real SMTP server (aiosmtpd) on loopback; every test's mail goes there.
- Tasks run with django-tasks' ImmediateBackend, after commit, in the same process.
- Personas: ``caseworker_ben`` (team Leistung) works on household 96201BG0012345 where
  ``customer_anna`` is a member with a portal account; ``customer_carl`` lives in another
  household; ``stranger_sara`` is a caseworker of another jobcenter.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.utils import translation

from amtsbote.accounts.tests.factories import StaffFactory, UserFactory
from amtsbote.cases.tests.factories import CaseFactory, JobcenterFactory, PersonFactory
from amtsbote.documents.services import document_type_catalogue_load


@dataclass
class SmtpSink:
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request with Accept-Language activates
    its language for the thread, and it would stay for the next test."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _real_infrastructure(settings, smtp_server, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # The configured storage backend (durable, encrypted at rest), in a directory of its own.
    default = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **default,
            "OPTIONS": {**default.get("OPTIONS", {}), "location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.jsonl")
    # Staff need a second factor in production; the suite signs staff in with force_login.
    # The gate has its own tests (accounts/tests/test_second_factor.py, e2e/test_staff_login.py).
    settings.STAFF_SECOND_FACTOR_REQUIRED = False
    smtp_server.handler.clear()


@pytest.fixture(autouse=True)
def _catalogue_after_flush(request):
    """Transactional tests (live server) flush the database after each test, which also
    removes the document type catalogue that a data migration loads: load it again."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        document_type_catalogue_load()


@pytest.fixture
def mailbox(smtp_server) -> list[Message]:
    return smtp_server.handler.messages


@pytest.fixture
def jobcenter(db):
    return JobcenterFactory(
        name="Jobcenter Musterstadt",
        slug="musterstadt",
        state="NW",
        team_names=["Leistung", "Markt & Integration", "Eingangszone"],
    )


@pytest.fixture
def team_leistung(jobcenter):
    return jobcenter.teams.get(name="Leistung")


@pytest.fixture
def caseworker_ben(team_leistung):
    return StaffFactory(
        email="ben@jobcenter.example",
        first_name="Ben",
        last_name="Becker",
        jobcenter=team_leistung.jobcenter,
        teams=[team_leistung],
    )


@pytest.fixture
def case_anna(team_leistung):
    return CaseFactory(
        jobcenter=team_leistung.jobcenter, bg_number="96201BG0012345", teams=[team_leistung]
    )


@pytest.fixture
def customer_anna(case_anna):
    user = UserFactory(email="anna@example.org", first_name="Anna", last_name="Schmidt")
    PersonFactory(
        case=case_anna,
        customer_number="955D123456",
        first_name="Anna",
        last_name="Schmidt",
        user=user,
    )
    return user


@pytest.fixture
def customer_carl(team_leistung):
    case = CaseFactory(
        jobcenter=team_leistung.jobcenter, bg_number="96201BG0099999", teams=[team_leistung]
    )
    user = UserFactory(email="carl@example.org", first_name="Carl", last_name="Wagner")
    PersonFactory(
        case=case, customer_number="955D999999", first_name="Carl", last_name="Wagner", user=user
    )
    return user


@pytest.fixture
def stranger_sara(db):
    other = JobcenterFactory(
        name="Jobcenter Anderswo", slug="anderswo", state="BY", team_names=["Leistung"]
    )
    return StaffFactory(
        email="sara@anderswo.example",
        first_name="Sara",
        last_name="Fremd",
        jobcenter=other,
        teams=[other.teams.get()],
    )


@pytest.fixture
def doc_request(case_anna, team_leistung, caseworker_ben, customer_anna):
    """Ben asks Anna for her new rent contract (one item). Modules that need another request
    define their own ``doc_request``."""
    from amtsbote.doc_requests.services import ItemSpec, doc_request_create
    from amtsbote.documents.models import DocumentType

    return doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag"))],
        message="Bitte senden Sie uns den neuen Mietvertrag.",
    )


@pytest.fixture
def own_demo_seal(settings, tmp_path):
    """A demo seal certificate of this test's own (made on first use), no configured one."""
    settings.VAR_DIR = tmp_path / "var"
    settings.SEAL_PKCS12 = ""
    settings.SEAL_PKCS12_PASSWORD = ""
    settings.SEAL_TRUST_ROOTS = ""
    settings.SEAL_TSA_URL = ""


# --- real Chromium (Debian's /usr/bin/chromium), driven by Playwright ------------------------

from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session. A missing browser fails the test: `make test` installs it."""
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make for
    # set-up and checks are plain synchronous calls, so Django's async guard is lifted.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# --- a real ClamAV daemon (clamd) for every test: uploads are scanned as in production -------
# Started once per session with its own config, socket and a tiny test signature database
# (EICAR only); every test points ANTIVIRUS_CLAMD at it. See documents/tests/clamd_server.py.


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    from amtsbote.documents.tests import clamd_server

    try:
        server = clamd_server.start(tmp_path_factory.mktemp("clamd"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _scan_with_clamd(settings, clamd):
    settings.ANTIVIRUS = "on"
    settings.ANTIVIRUS_CLAMD = clamd.address
    settings.ANTIVIRUS_TIMEOUT_SECONDS = 30
