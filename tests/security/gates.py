"""The access gate checker: every URL of the project × every outside role × a foreign object.

``walk()`` lists every URL pattern of a URLconf (the project's ROOT_URLCONF by default, so
the API is walked as soon as it is included there). ``check_route()`` requests one pattern
as every role of ``ROLES``, filled with objects of a household and jobcenter none of these
roles may see, and returns what it found:

- a pattern with object parameters (``OBJECT_KWARGS``) must answer 404 (or 405 for the
  wrong method; anonymous people may be sent to the login page instead) for GET and for a
  POST with an empty body — never 200, never a redirect elsewhere, never an exception;
- every response, also of pages without object parameters, must not contain anything of
  the foreign objects (their UUIDs, the BG-Nummer, the household's name);
- a parameter the checker cannot fill is a finding: add the kind of object to
  ``OBJECT_KWARGS`` (and build one in ``build_world``) or, for a parameter that names no
  object (a page number), to ``PARAMETER_KWARGS``.

Patterns that are public or hold no objects of anybody are in ``ALLOWLIST``, with a reason.
See docs/access.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from amtsbote.accounts import login_policy
from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User
from amtsbote.accounts.services import activation_code_issue
from amtsbote.accounts.tests.factories import StaffFactory, UserFactory
from amtsbote.cases.constants import BreakGlassReason, RepresentationKind, RepresentationScope
from amtsbote.cases.services import break_glass_grant
from amtsbote.cases.services_representation import (
    representation_grant_by_customer,
    representation_grant_by_staff,
)
from amtsbote.cases.tests.factories import CaseFactory, JobcenterFactory, PersonFactory
from amtsbote.core.storage import StoredFiles
from amtsbote.doc_requests.models import Submission
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.models import DocumentType
from amtsbote.documents.services import document_create
from amtsbote.documents.tests import samples
from amtsbote.eforms.definitions import registry
from amtsbote.eforms.tests.factories import draft_with, send_move
from amtsbote.intake.constants import BatchSource, IntakeStatus
from amtsbote.intake.models import IntakeDocument, ScanBatch, ScanFile, ScanPage
from amtsbote.integrations.constants import Scope, WebhookEvent
from amtsbote.integrations.models import ApiClient, ApiKey, WebhookDelivery
from amtsbote.integrations.services import api_client_create, api_key_issue
from amtsbote.integrations.webhooks import webhook_endpoint_create
from amtsbote.messaging.models import CannedReply
from amtsbote.messaging.tests.factories import start as thread_start
from amtsbote.notifications.models import PushSubscription
from amtsbote.postbox.tests.factories import ConsentFactory, send_letter
from amtsbote.records import services as records_services
from amtsbote.records.constants import ProposalReason
from amtsbote.records.models import ArchiveImport, DisposalProposal

# --- what the checker leaves out ------------------------------------------------------------

# Route prefixes (as written in the URLconf) that are not checked, and why. Everything else
# is checked. The Django admin is not mounted; if it ever is, its object URLs fail here
# until someone decides about them (it has a permission system of its own).
ALLOWLIST: dict[str, str] = {
    # allauth: sign-up, login, password reset, e-mail confirmation, MFA. Public pages; their
    # parameters are one-time tokens of the person who got them, not household objects.
    "accounts/": "allauth: public login and account pages, no household objects",
    # Django's set_language: public, sets a cookie and redirects.
    "i18n/": "language switch: public, no objects",
    # The liveness probe for the load balancer: public, says only "ok".
    "healthz": "health check: public, no data",
}

# --- the roles -----------------------------------------------------------------------------

# Every role here is an outsider to the foreign household T (jobcenter A, team Leistung) and
# to the jobcenter-wide objects (built in a third jobcenter C where none of them works);
# the household member is an outsider to what belongs to T's person (``PERSONAL_KINDS``).
ROLES: tuple[str, ...] = (
    "anonymous",
    "customer_same_jobcenter",  # a customer of another household of jobcenter A
    "customer_other_jobcenter",  # a customer of a household of jobcenter B
    "caseworker_other_team",  # jobcenter A, but not in the case's team
    "caseworker_other_jobcenter",  # jobcenter B
    "mailroom",  # mailroom staff of jobcenter A: intake yes, case files no
    "team_lead_other_jobcenter",  # records officer of jobcenter B
    "admin",  # administrator of jobcenter A: manages users, reads no documents
    # Another member of household T with an account, not its head: sees the household's
    # name and number, but not what belongs to T's person (letters, messages, uploads,
    # forms) nor the household's document request (it goes to the head: docs/access.md,
    # "Household members").
    "household_member",
    # A representative with every scope, for another household of jobcenter A.
    "representative_other_household",
    # A representative of T's person who may only read letters: reaches T's letters (see
    # DOCUMENTED_ACCESS), nothing else of T (no upload, messages, forms, documents).
    "representative_letters_only",
    # API clients (the benefits software): a client of jobcenter B with every scope, and a
    # client of jobcenter A without scopes. To web pages they are anonymous.
    "api_client_other_jobcenter",
    "api_client_no_scope",
)

# The roles that call with an API key (``Authorization: Bearer …``) instead of a session.
API_ROLES: tuple[str, ...] = ("api_client_other_jobcenter", "api_client_no_scope")

# What ``representative_letters_only`` may be shown of T: the name and BG-Nummer of whom
# they act for, and the letter they may read (everything else of T stays a secret).
LETTER_READER_SEES: tuple[str, ...] = ("letter",)

# What belongs to one person of household T, not to the household: the only secrets for
# ``household_member`` (the household's BG-Nummer and names are theirs too). The document
# request has no addressee: it is the household's, which only its head (T's person) sees.
PERSONAL_KINDS: tuple[str, ...] = (
    "doc_request",
    "document",
    "version",
    "original",
    "submission",
    "letter",
    "thread",
    "message",
    "form_submission",
    "form_draft",
    "push_subscription",
)

# Accesses that are allowed by design although the role is an outsider: (route name, role)
# → why. The checker skips them (it still fails on an exception).
DOCUMENTED_ACCESS: dict[tuple[str, str], str] = {
    # A caseworker may ask for break-glass access to any case of their own jobcenter: the
    # page shows only the BG-Nummer and asks for a reason; nothing of the file is shown.
    ("desk:break_glass_request", "caseworker_other_team"): "break-glass request form",
    # The search across the whole jobcenter (scope=jobcenter), audited, shows BG-Nummer and
    # names of any case of the own jobcenter as the way into break-glass access.
    ("desk:case_search", "caseworker_other_team"): "search for break-glass access",
    # A representative with "read letters" reads the represented person's letters.
    ("portal:letter", "representative_letters_only"): "a letter of the represented person",
    ("portal:letter_file", "representative_letters_only"): "a letter of the represented person",
}

# Routes that answer 403 (instead of 404) to a role, and why. None so far.
DOCUMENTED_403: dict[tuple[str, str], str] = {}

# Roles that get 403 (instead of 404) from every route of the API, and why.
DOCUMENTED_403_API_ROLES: dict[str, str] = {
    # The scope is checked before any object is loaded: the answer does not depend on it.
    "api_client_no_scope": "an API client without the scope is refused before any lookup",
}

# Redirects that reveal nothing: where anonymous people are sent to log in (API clients
# have no session: to web pages they are anonymous).
LOGIN_REDIRECT_ROLES = frozenset({"anonymous", *API_ROLES})

# The prefix of the REST API's routes: without an API key they answer 401.
API_PREFIX = "api/"

# --- the objects a URL can point at ----------------------------------------------------------

# URL parameter name → the kinds of object it may name (a key of ``World.objects``). A name
# used for two kinds of object (``submission_uuid``) is tried with each of them.
OBJECT_KWARGS: dict[str, tuple[str, ...]] = {
    "case_uuid": ("case",),
    "person_uuid": ("person",),
    "document_uuid": ("document",),
    "version_uuid": ("version",),
    "original_uuid": ("original",),
    "request_uuid": ("doc_request",),
    "submission_uuid": ("submission", "form_submission"),
    "letter_uuid": ("letter",),
    "thread_uuid": ("thread",),
    "message_uuid": ("message",),
    "activation_uuid": ("activation_code",),
    "batch_uuid": ("scan_batch",),
    "intake_uuid": ("intake_document",),
    "proposal_uuid": ("disposal_proposal",),
    "hold_uuid": ("legal_hold",),
    "rule_uuid": ("retention_rule",),
    "reply_uuid": ("canned_reply",),
    "representation_uuid": ("representation",),
    "subscription_uuid": ("push_subscription",),
    "api_client_uuid": ("api_client",),
    "api_key_uuid": ("api_key",),
    "webhook_uuid": ("api_client_webhook",),
}

# URL parameters that name no protected object: the value to fill in.
FORM_CODE = "veraenderungsmitteilung"


def _first_step(code: str) -> str:
    definition = registry.get(code)
    assert definition is not None, code
    return definition.steps[0].key


PARAMETER_KWARGS: dict[str, Callable[[], str]] = {
    "number": lambda: "1",  # page number of a document version
    "index": lambda: "0",  # page index of a scanned file
    "code": lambda: FORM_CODE,  # a form of the public catalogue
    "step": lambda: _first_step(FORM_CODE),  # a step of that form
    "format": lambda: "json",  # the format suffix of DRF's routers (``.json``)
}

# Everything of the foreign household carries this name, so a page that shows any of it
# (a name, a title, a subject) is caught even when it shows no UUID.
SECRET_NAME = "Quastenflosser"
SECRET_BG_NUMBER = "96201BG0070707"


# --- walking the URLconf ---------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern of the URLconf, with its full route and the view behind it."""

    route: str  # the route as written, all includes joined: "desk/cases/<uuid:case_uuid>/"
    name: str  # "desk:case_detail", or "" for unnamed patterns
    view: str  # dotted path of the view function
    is_regex: bool

    @property
    def label(self) -> str:
        return self.name or self.route

    @property
    def kwargs(self) -> list[str]:
        return re.findall(_REGEX_GROUP, self.route) + re.findall(_CONVERTER, self.route)

    @property
    def allowlisted(self) -> str | None:
        for prefix, reason in ALLOWLIST.items():
            if self.route.startswith(prefix):
                return reason
        return None

    def url(self, values: dict[str, str]) -> str:
        """The route with ``values`` filled in; re_path() patterns (as DRF's routers make
        them) are reduced to the plain path they match."""
        text = _fill_regex_groups(self.route, values) if self.is_regex else self.route
        text = re.sub(_CONVERTER, lambda m: values[m.group(1)], text)
        if self.is_regex:
            text = text.replace("^", "").replace("$", "").replace("/?", "/").replace("\\", "")
        return "/" + text


_REGEX_GROUP = r"\(\?P<(\w+)>"
_CONVERTER = r"(?<!\?P)<(?:\w+:)?(\w+)>"


def _fill_regex_groups(route: str, values: dict[str, str]) -> str:
    """Replace each named group ``(?P<name>…)`` (nested parentheses allowed) by its value."""
    out = []
    position = 0
    for match in re.finditer(_REGEX_GROUP, route):
        if match.start() < position:
            continue  # a group inside a group that was replaced already
        depth, end = 1, match.end()
        while depth and end < len(route):
            if route[end] == "\\":
                end += 2
                continue
            depth += {"(": 1, ")": -1}.get(route[end], 0)
            end += 1
        out.append(route[position : match.start()] + values[match.group(1)])
        position = end
    return "".join(out) + route[position:]


def _view_path(callback: Any) -> str:
    view = getattr(callback, "view_class", None) or callback
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return f"{view.__module__}.{getattr(view, '__qualname__', type(view).__name__)}"


def walk(urlconf: str | None = None) -> list[Route]:
    """Every URL pattern of ``urlconf`` (ROOT_URLCONF by default), includes followed."""
    routes: list[Route] = []

    def visit(patterns: list[Any], prefix: str, namespace: str, regex: bool) -> None:
        for pattern in patterns:
            text = str(pattern.pattern)
            is_regex = regex or pattern.pattern.__class__.__name__ == "RegexPattern"
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}{pattern.namespace}:"
                visit(pattern.url_patterns, prefix + text, ns, is_regex)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else ""
                routes.append(Route(prefix + text, name, _view_path(pattern.callback), is_regex))

    visit(get_resolver(urlconf).url_patterns, "", "", False)
    return routes


# --- the world: one foreign household, one foreign jobcenter, every role ---------------------


@dataclass
class World:
    users: dict[str, User | None]
    insiders: dict[str, User]  # people who may see the foreign objects (the control group)
    objects: dict[str, Any]  # kind → a model instance none of the roles may see
    secrets: list[str] = field(default_factory=list)  # strings no role may be shown
    api_keys: dict[str, str] = field(default_factory=dict)  # API role → its key
    insider_api_keys: dict[str, str] = field(default_factory=dict)  # API insiders → key

    def secrets_for(self, role: str) -> list[str]:
        if role == "household_member":
            return [str(self.objects[kind].uuid) for kind in PERSONAL_KINDS]
        if role == "representative_letters_only":
            seen = {SECRET_NAME, SECRET_BG_NUMBER}
            seen |= {str(self.objects[kind].uuid) for kind in LETTER_READER_SEES}
            return [secret for secret in self.secrets if secret not in seen]
        return self.secrets


def _document(case: Any, *, title: str, submitted_by: User | None) -> Any:
    files = [processing.check_generated("scan.pdf", samples.pdf_bytes(pages=2, lines=[title]))]
    with StoredFiles() as stored:
        return document_create(
            case=case,
            files=files,
            title=title,
            source=Source.PORTAL,
            document_type=DocumentType.objects.filter(code="mietvertrag").first(),
            submitted_by=submitted_by,
            stored=stored,
        )


def _intake(jobcenter: Any, case: Any) -> tuple[ScanBatch, IntakeDocument]:
    """A scanned letter in the triage queue of ``jobcenter`` (made directly: no pipeline)."""
    batch = ScanBatch.objects.create(
        jobcenter=jobcenter,
        source=BatchSource.DESK,
        label=f"Stapel {SECRET_NAME}",
        started_at=timezone.now(),
    )
    pdf = samples.pdf_bytes(pages=1, lines=[f"Brief von {SECRET_NAME}"])
    scan = ScanFile(
        batch=batch,
        jobcenter=jobcenter,
        filename=f"{SECRET_NAME}.pdf",
        sha256=uuid.uuid4().hex * 2,
        size=len(pdf),
        mime_type="application/pdf",
        kind="pdf",
        page_count=1,
    )
    scan.original.name = default_storage.save(f"gates/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    scan.save()
    page = ScanPage(file=scan, index=0, sha256=uuid.uuid4().hex * 2, width=100, height=141)
    page.thumbnail.name = default_storage.save(
        f"gates/{uuid.uuid4().hex}.jpg", ContentFile(samples.jpeg_bytes(lines=[SECRET_NAME]))
    )
    page.save()
    intake = IntakeDocument.objects.create(
        file=scan,
        first_page=0,
        last_page=0,
        status=IntakeStatus.TRIAGE,
        case=case,
        text=f"Brief von {SECRET_NAME}",
    )
    return batch, intake


def build_world() -> World:
    """Jobcenter A with the foreign household T, jobcenter B, jobcenter C for jobcenter-wide
    objects, and one user per role (see ``ROLES``). Runs in the caller's transaction."""
    jc_a = JobcenterFactory(
        name="Jobcenter Musterstadt",
        slug="gates-a",
        team_names=["Leistung", "Markt & Integration", "Eingangszone"],
    )
    jc_b = JobcenterFactory(name="Jobcenter Anderswo", slug="gates-b", team_names=["Leistung"])
    jc_c = JobcenterFactory(name="Jobcenter Drittstadt", slug="gates-c", team_names=["Leistung"])
    leistung_a = jc_a.teams.get(name="Leistung")
    markt_a = jc_a.teams.get(name="Markt & Integration")
    leistung_b = jc_b.teams.get()

    # The foreign household T and the staff who legitimately work on it.
    case = CaseFactory(jobcenter=jc_a, bg_number=SECRET_BG_NUMBER, teams=[leistung_a])
    customer_t = UserFactory(first_name="Zenobia", last_name=SECRET_NAME)
    person = PersonFactory(case=case, first_name="Zenobia", last_name=SECRET_NAME, user=customer_t)
    member_user = UserFactory(first_name="Ziro", last_name="Mitglied")
    member = PersonFactory(
        case=case, first_name="Ziro", last_name="Mitglied", position=1, user=member_user
    )
    ben = StaffFactory(jobcenter=jc_a, teams=[leistung_a])
    lead_a = StaffFactory(jobcenter=jc_a, teams=[leistung_a], role=Role.TEAM_LEAD)
    lead_a2 = StaffFactory(jobcenter=jc_a, teams=[leistung_a], role=Role.TEAM_LEAD)

    document = _document(case, title=f"Mietvertrag {SECRET_NAME}", submitted_by=customer_t)
    doc_request = doc_request_create(
        case=case,
        team=leistung_a,
        created_by=ben,
        items=[ItemSpec(label=f"Kontoauszüge {SECRET_NAME}")],
    )
    submission = Submission.objects.create(
        request=doc_request,
        case=case,
        submitted_by=customer_t,
        manifest={"files": [{"name": f"{SECRET_NAME}.jpg"}]},
        reference="GATE7070",
    )
    activation, _code = activation_code_issue(person=member, issued_by=ben)
    ConsentFactory(person=person)
    letter = send_letter(person, by=ben, subject=f"Bescheid für {SECRET_NAME}")
    # A member without an account and without consent: the letter goes by post (print queue).
    postal_to = PersonFactory(case=case, first_name="Zora", last_name=SECRET_NAME)
    postal = send_letter(postal_to, by=ben, subject=f"Bescheid per Post für {SECRET_NAME}")
    thread = thread_start(customer_t, subject=f"Frage von {SECRET_NAME}")
    message = thread.messages.get()
    form_submission = send_move(customer_t)
    draft = draft_with(customer_t, "weiterbewilligungsantrag", {})
    hold = records_services.legal_hold_set(case=case, reason=f"Klage {SECRET_NAME}", actor=lead_a)
    proposal = DisposalProposal.objects.create(
        jobcenter=jc_a,
        case=case,
        reason=ProposalReason.ERASURE,
        note=f"Antrag {SECRET_NAME}",
        proposed_by=lead_a2,
        certificate=default_storage.save(
            f"gates/{uuid.uuid4().hex}.pdf",
            ContentFile(samples.pdf_bytes(pages=1, lines=[f"Aussonderung {SECRET_NAME}"])),
        ),
    )
    rule = records_services.retention_rule_set(
        jobcenter=jc_a,
        document_type=DocumentType.objects.get(code="mietvertrag"),
        years=7,
        actor=lead_a,
    )
    grant = break_glass_grant(
        user=StaffFactory(jobcenter=jc_a, teams=[markt_a]),
        case=case,
        category=BreakGlassReason.URGENT,
        reason=f"Vertretung im Fall {SECRET_NAME}",
    )
    # A counselling service acting for T's person, and T's own grant (which the customer
    # and T's caseworker may revoke).
    letter_reader = UserFactory(first_name="Lea", last_name="Leserin")
    representation_grant_by_staff(
        actor=ben,
        person=person,
        representative=letter_reader,
        kind=RepresentationKind.COUNSELLING,
        scopes=[RepresentationScope.READ_LETTERS],
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    representation = representation_grant_by_customer(
        customer=customer_t,
        representative=UserFactory(first_name="Viktor", last_name=SECRET_NAME),
        kind=RepresentationKind.AUTHORISED,
        scopes=list(RepresentationScope.values),
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        note=f"Vollmacht {SECRET_NAME}",
    )
    archive_import = ArchiveImport.objects.create(
        case=case,
        package_id=uuid.uuid4(),
        package_sha256="0" * 64,
        source_jobcenter=f"Jobcenter {SECRET_NAME}",
        source_jobcenter_code="99999",
        source_case_uuid=uuid.uuid4(),
        exported_at=timezone.now() - dt.timedelta(days=3),
        imported_by=lead_a,
    )
    batch, intake = _intake(jc_c, None)
    caseworker_c = StaffFactory(jobcenter=jc_c, teams=[jc_c.teams.get()])
    canned = CannedReply.objects.create(
        jobcenter=jc_c, title=f"Textbaustein {SECRET_NAME}", body="…", created_by=caseworker_c
    )
    insiders = {
        "caseworker_of_case": ben,
        "team_lead_of_case": lead_a,
        "customer_of_case": customer_t,
        "mailroom_of_jobcenter_c": StaffFactory(jobcenter=jc_c, role=Role.MAILROOM),
        "caseworker_of_jobcenter_c": caseworker_c,
        # Manages jobcenter C's API clients (desk:api_client_*).
        "admin_of_jobcenter_c": StaffFactory(jobcenter=jc_c, role=Role.ADMIN),
    }

    objects: dict[str, Any] = {
        "case": case,
        "person": person,
        "document": document,
        "version": document.versions.get(),
        "original": document.originals.get(),
        "doc_request": doc_request,
        "submission": submission,
        "letter": letter,
        "thread": thread,
        "message": message,
        "form_submission": form_submission,
        "activation_code": activation,
        "scan_batch": batch,
        "intake_document": intake,
        "disposal_proposal": proposal,
        "legal_hold": hold,
        "retention_rule": rule,
        "canned_reply": canned,
        "representation": representation,
        # A device of T's customer that gets push notifications (portal:device_remove).
        "push_subscription": PushSubscription.objects.create(
            user=customer_t,
            endpoint=f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4()}",
            p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
            auth="tBHItJI5svbpez7KI4CCXg",
            user_agent=f"Mozilla/5.0 (Android) Chrome/126.0 {SECRET_NAME}",
        ),
        # Named by no URL yet, but no role may see them in any list either.
        "member": member,
        "form_draft": draft,
        "break_glass_grant": grant,
        "archive_import": archive_import,
        "scan_file": intake.file,
        "postal_letter": postal,
        "print_job": postal.print_jobs.get(),
    }

    # The roles, each with a life of their own (a household, a team) so pages have content.
    def customer(jobcenter: Any) -> User:
        own_case = CaseFactory(jobcenter=jobcenter, teams=[jobcenter.teams.first()])
        user = UserFactory()
        PersonFactory(case=own_case, user=user, first_name=user.first_name)
        return user

    def representative(jobcenter: Any) -> User:
        """A representative with every scope for a household of ``jobcenter``."""
        represented = customer(jobcenter)
        user = UserFactory()
        representation_grant_by_customer(
            customer=represented,
            representative=user,
            kind=RepresentationKind.GUARDIAN,
            scopes=list(RepresentationScope.values),
            valid_until=timezone.localdate() + dt.timedelta(days=30),
        )
        return user

    users: dict[str, User | None] = {
        "anonymous": None,
        "customer_same_jobcenter": customer(jc_a),
        "customer_other_jobcenter": customer(jc_b),
        "caseworker_other_team": StaffFactory(jobcenter=jc_a, teams=[markt_a]),
        "caseworker_other_jobcenter": StaffFactory(jobcenter=jc_b, teams=[leistung_b]),
        "mailroom": StaffFactory(jobcenter=jc_a, role=Role.MAILROOM),
        "team_lead_other_jobcenter": StaffFactory(
            jobcenter=jc_b, teams=[leistung_b], role=Role.TEAM_LEAD
        ),
        "admin": StaffFactory(jobcenter=jc_a, role=Role.ADMIN),
        "household_member": member_user,
        "representative_other_household": representative(jc_a),
        "representative_letters_only": letter_reader,
    }

    # API clients: outsiders (no session: ``users`` has None for them) and the insiders, a
    # client of T's jobcenter with every scope and one of jobcenter C that reads intake.
    def api_key(jobcenter: Any, name: str, scopes: list[str]) -> str:
        client = api_client_create(jobcenter=jobcenter, name=name, scopes=scopes)
        return api_key_issue(client=client)[1]

    api_keys = {
        "api_client_other_jobcenter": api_key(jc_b, "Fachverfahren B", list(Scope.values)),
        "api_client_no_scope": api_key(jc_a, "Scanner A ohne Rechte", []),
    }
    users |= dict.fromkeys(api_keys)
    insider_api_keys = {
        "api_client_of_jobcenter_a": api_key(jc_a, "Fachverfahren A", list(Scope.values)),
        "api_client_of_jobcenter_c": api_key(jc_c, "Fachverfahren C", [Scope.INTAKE_READ]),
    }
    # A webhook of jobcenter A's client, told of T's document: its log is A's alone.
    webhook, _secret = webhook_endpoint_create(
        client=ApiClient.objects.get(jobcenter=jc_a, name="Fachverfahren A"),
        url=f"https://fachverfahren.example/{SECRET_NAME}/hooks",
        events=[WebhookEvent.DOCUMENT_RECEIVED],
    )
    objects["webhook"] = webhook
    # Jobcenter C's client and its key: only C's administrator manages them in the desk.
    client_c = ApiClient.objects.get(jobcenter=jc_c, name="Fachverfahren C")
    objects["api_client"] = client_c
    objects["api_key"] = ApiKey.objects.get(client=client_c)
    objects["api_client_webhook"] = webhook_endpoint_create(
        client=client_c,
        url=f"https://fachverfahren-c.example/{SECRET_NAME}/hooks",
        events=[WebhookEvent.DOCUMENT_RECEIVED],
    )[0]
    objects["webhook_delivery"] = WebhookDelivery.objects.create(
        endpoint=webhook,
        event=WebhookEvent.DOCUMENT_RECEIVED,
        object_uuid=document.uuid,
        payload={"event": WebhookEvent.DOCUMENT_RECEIVED, "data": {"document": str(document.uuid)}},
    )
    assert set(users) == set(ROLES)
    secrets = [SECRET_NAME, SECRET_BG_NUMBER]
    secrets += [str(obj.uuid) for obj in objects.values() if hasattr(obj, "uuid")]
    return World(
        users=users,
        insiders=insiders,
        objects=objects,
        secrets=secrets,
        api_keys=api_keys,
        insider_api_keys=insider_api_keys,
    )


# --- checking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    route: str
    role: str
    method: str
    problem: str

    def __str__(self) -> str:
        return f"{self.route} as {self.role} ({self.method}): {self.problem}"


def fillings(route: Route, world: World) -> Iterator[tuple[dict[str, str], bool]] | str:
    """Every way to fill the route's parameters with foreign objects, and whether any object
    is named; or, when a parameter cannot be filled, what to add."""
    choices: list[list[tuple[str, str]]] = []
    names_object = False
    for kwarg in route.kwargs:
        if kwarg in OBJECT_KWARGS:
            names_object = True
            choices.append([(kwarg, str(world.objects[k].uuid)) for k in OBJECT_KWARGS[kwarg]])
        elif kwarg in PARAMETER_KWARGS:
            choices.append([(kwarg, PARAMETER_KWARGS[kwarg]())])
        else:
            return (
                f"cannot fill the URL parameter {kwarg!r} of {route.route!r} ({route.view}): "
                f"add it to OBJECT_KWARGS in tests/security/gates.py with the kind of object "
                f"it names (and build one of the foreign household in build_world), or to "
                f"PARAMETER_KWARGS if it names no protected object"
            )
    return ((dict(combo), names_object) for combo in itertools.product(*choices))


def _body(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        # The test client closes the response when its content is used up (closing it again
        # would close the database connection, through the request_finished signal).
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


def _is_login_redirect(response: HttpResponseBase) -> bool:
    login = resolve_url(settings.LOGIN_URL)
    return response.status_code == 302 and response["Location"].startswith(login)


def _judge(
    route: Route, role: str, method: str, response: HttpResponseBase, *, names_object: bool
) -> str | None:
    status = response.status_code
    if route.route.startswith(API_PREFIX):
        if status == 401:
            return None  # no API key (a session is none): nothing was looked up
        if status == 403 and role in DOCUMENTED_403_API_ROLES:
            return None
    if names_object:
        if status in (404, 405):
            return None
        if role in LOGIN_REDIRECT_ROLES and _is_login_redirect(response):
            return None
        if status == 403 and (route.name, role) in DOCUMENTED_403:
            return None
        where = f" to {response['Location']}" if status in (301, 302, 303, 307) else ""
        return f"answered {status}{where} for an object of another household/jobcenter"
    if status >= 500:
        return f"answered {status}"
    return None


def foreign_references(world: World) -> dict[str, str]:
    """Form and query fields that name objects (``case``, ``letter`` …), each set to the
    foreign object's UUID: views that take an object from the query string or the body
    (``?letter=…``, a hidden ``case`` field) must not use it without a gate either."""
    refs = {
        kwarg.removesuffix("_uuid"): str(world.objects[kinds[0]].uuid)
        for kwarg, kinds in OBJECT_KWARGS.items()
    }
    refs["job"] = str(world.objects["print_job"].uuid)  # the print queue's job list
    refs["bg_number"] = SECRET_BG_NUMBER  # the API's case lookup
    # Search pages: look for the foreign household by its customer number (not a secret of
    # its own, so that a BG-Nummer or name in the answer counts), in the widest scope offered.
    customer_number = world.objects["person"].customer_number
    return {**refs, "q": customer_number, "scope": "jobcenter"}


def request_as(
    client: Client, route: Route, role: str, url: str, world: World, *, names_object: bool
) -> list[Finding]:
    """GET and an empty POST to ``url``; for pages without objects in the URL both again
    with ``foreign_references``. Each in a savepoint that is rolled back, so that a hole
    that changes something does not change the world for the next request."""
    findings = []
    refs = foreign_references(world)
    in_url = set(url.split("/"))
    # What a request sent may come back (a form's "next" field, a hidden field): not a leak.
    attempts: list[tuple[str, Callable[[], HttpResponseBase], set[str]]] = [
        ("GET", lambda: client.get(url), in_url),
        ("POST", lambda: client.post(url, {}), in_url),
    ]
    if not names_object:  # (with an object in the URL, the gate answers before any field)
        sent = in_url | set(refs.values())
        attempts += [
            ("GET with references", lambda: client.get(url, refs), sent),
            ("POST with references", lambda: client.post(url, refs), sent),
        ]
    for method, send, sent in attempts:
        try:
            with transaction.atomic():
                response = send()
                problem = _judge(route, role, method, response, names_object=names_object)
                body = _body(response)
                transaction.set_rollback(True)
        except Exception as exc:  # any exception is a 500 for the user
            findings.append(Finding(route.label, role, method, f"raised {exc!r}"))
            continue
        if problem:
            findings.append(Finding(route.label, role, method, problem))
        shown = [s for s in world.secrets_for(role) if s not in sent and s.encode() in body]
        if shown:
            findings.append(
                Finding(route.label, role, method, f"shows foreign data: {', '.join(shown)}")
            )
    return findings


def clients(world: World, *, insiders: bool = False) -> dict[str, Client]:
    """A logged-in client per role (or per insider). Staff sessions count as having proved a
    second factor (as after a TOTP code): the gates are about objects, the login about people."""
    result = {}
    users: dict[str, User | None] = dict(world.insiders) if insiders else world.users
    keys = world.insider_api_keys if insiders else world.api_keys
    for role, key in keys.items():
        result[role] = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    for role, user in users.items():
        if role in keys:
            continue
        client = Client(enforce_csrf_checks=False)
        if user is not None:
            client.force_login(user)
            if login_policy.needs_strong_login(user):
                session = client.session
                session[login_policy.ENROLLED_SESSION_KEY] = str(user.pk)
                session.save()
        result[role] = client
    return result


def check_route(route: Route, world: World, role_clients: dict[str, Client]) -> list[Finding]:
    """What is wrong with ``route``: every role, every filling, GET and POST."""
    if route.allowlisted:
        return []
    filled = fillings(route, world)
    if isinstance(filled, str):
        return [Finding(route.label, "-", "-", filled)]
    findings: list[Finding] = []
    for values, names_object in filled:
        url = route.url(values)
        for role in ROLES:
            if (route.name, role) in DOCUMENTED_ACCESS:
                continue
            findings += request_as(
                role_clients[role], route, role, url, world, names_object=names_object
            )
    return findings


def check_urlconf(urlconf: str | None, world: World) -> list[Finding]:
    role_clients = clients(world)
    findings: list[Finding] = []
    for route in walk(urlconf):
        findings += check_route(route, world, role_clients)
    return findings


# --- the control group -----------------------------------------------------------------------

# Object routes no insider reaches with the world as built, and why (the check that the
# filled URLs point at real objects skips them).
UNREACHED_BY_INSIDERS: dict[str, str] = {
    # Answers only a POST with the code just issued (only its digest is stored); its gate,
    # access_activation_code_for_staff, is the one desk:activation_revoke proves reachable.
    "desk:activation_letter": "needs the plain activation code in the POST body",
}


def reached_by_insiders(route: Route, world: World, insider_clients: dict[str, Client]) -> str:
    """For a route with object parameters: who of the insiders got past the gate. An empty
    answer means the filled URL does not name a real object, so the 404s prove nothing."""
    filled = fillings(route, world)
    if isinstance(filled, str):
        return ""
    for values, _names_object in filled:
        url = route.url(values)
        for insider, client in insider_clients.items():
            for method in ("GET", "POST"):
                with transaction.atomic():
                    response = client.get(url) if method == "GET" else client.post(url, {})
                    _body(response)
                    transaction.set_rollback(True)
                if response.status_code not in (403, 404, 405) and not _is_login_redirect(response):
                    return f"{insider} ({method}) {response.status_code}"
    return ""
