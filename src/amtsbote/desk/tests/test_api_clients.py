"""The administrator's API client pages: only administrators of the client's own jobcenter,
every change through the services (audited), a key or signing secret shown once (in the
answer to the POST that made it, never again), bad input refused with nothing stored."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User
from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.doc_requests.services import ItemSpec, doc_request_create, submission_create
from amtsbote.documents.tests import samples
from amtsbote.integrations.constants import DeliveryStatus, Scope, WebhookEvent
from amtsbote.integrations.models import ApiClient, ApiKey, WebhookDelivery, WebhookEndpoint
from amtsbote.integrations.services import (
    api_client_create,
    api_key_authenticate,
    api_key_issue,
    api_key_revoke,
)
from amtsbote.integrations.webhooks import (
    webhook_deliveries_retry,
    webhook_delivery_attempt,
    webhook_endpoint_create,
)

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/cases/"  # needs cases:read


@pytest.fixture
def admin_ada(jobcenter):
    return StaffFactory(
        email="ada@jobcenter.example",
        first_name="Ada",
        last_name="Admin",
        role=Role.ADMIN,
        jobcenter=jobcenter,
    )


@pytest.fixture
def ada(client, admin_ada):
    client.force_login(admin_ada)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def fachverfahren(jobcenter, team_leistung):
    return api_client_create(
        jobcenter=jobcenter, name="Fachverfahren", scopes=[Scope.CASES_READ], teams=[team_leistung]
    )


@pytest.fixture
def foreign_client(stranger_sara):
    """A client of another jobcenter, with a key and a webhook."""
    client = api_client_create(
        jobcenter=stranger_sara.jobcenter, name="Fachverfahren Anderswo", scopes=list(Scope.values)
    )
    api_key_issue(client=client, label="fremd")
    webhook_endpoint_create(
        client=client, url="https://anderswo.example/hooks", events=[WebhookEvent.FORM_SUBMITTED]
    )
    return client


def _url(name, client, *more):
    return reverse(f"desk:{name}", args=[client.uuid, *more])


def _api_events() -> int:
    return AuditEvent.objects.filter(action__startswith="api.").count()


def _api(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _issue(ada, client, label="Server 1") -> tuple[ApiKey, str]:
    response = ada.post(_url("api_client_key_issue", client), {"label": label})
    assert response.status_code == 200
    return response.context["new_key_row"], response.context["new_key"]


# --- who gets in -------------------------------------------------------------------------------


def test_admin_sees_only_the_clients_of_the_own_jobcenter(ada, fachverfahren, foreign_client):
    api_key_issue(client=fachverfahren)
    revoked, _key = api_key_issue(client=fachverfahren)
    api_key_revoke(key=revoked)
    response = ada.get(reverse("desk:api_client_list"))
    assert response.status_code == 200
    assert [c.name for c in response.context["clients"]] == ["Fachverfahren"]
    [row] = response.context["clients"]
    assert row.active_keys == 1
    body = response.content.decode()
    assert "Fachverfahren Anderswo" not in body
    assert str(foreign_client.uuid) not in body
    assert "read cases and people" in body  # the scope's display name, not "cases:read"
    assert _url("api_client_detail", fachverfahren) in body


def test_the_list_makes_no_query_per_client(ada, jobcenter, fachverfahren):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert ada.get(reverse("desk:api_client_list")).status_code == 200
        return len(captured)

    one = queries()
    for number in range(3):
        client = api_client_create(jobcenter=jobcenter, name=f"Scanner {number}", scopes=[])
        api_key_issue(client=client)
    assert queries() == one


def test_only_the_admin_finds_the_page_in_the_navigation(ada, caseworker_ben, jobcenter):
    link = f'href="{reverse("desk:api_client_list")}" data-testid="nav-api-clients"'
    assert link in ada.get(reverse("desk:inbox")).content.decode()
    for user in (caseworker_ben, StaffFactory(jobcenter=jobcenter, role=Role.TEAM_LEAD)):
        other = Client()
        other.force_login(user)
        assert "nav-api-clients" not in other.get(reverse("desk:inbox")).content.decode()


def _all_urls(api_client, key, webhook):
    """(method, url) of every API client page."""
    return [
        ("get", reverse("desk:api_client_list")),
        ("post", reverse("desk:api_client_list")),
        ("get", _url("api_client_detail", api_client)),
        ("post", _url("api_client_scopes", api_client)),
        ("post", _url("api_client_active", api_client)),
        ("post", _url("api_client_key_issue", api_client)),
        ("get", _url("api_client_key_revoke", api_client, key.uuid)),
        ("post", _url("api_client_key_revoke", api_client, key.uuid)),
        ("post", _url("api_client_webhook_add", api_client)),
        ("post", _url("api_client_webhook_active", api_client, webhook.uuid)),
        ("get", _url("api_client_webhook_remove", api_client, webhook.uuid)),
        ("post", _url("api_client_webhook_remove", api_client, webhook.uuid)),
    ]


def _data() -> dict:
    return {
        "name": "Eingeschleust",
        "scopes": list(Scope.values),
        "active": "off",
        "label": "x",
        "url": "https://evil.example/hooks",
        "events": [WebhookEvent.DOCUMENT_RECEIVED],
    }


@pytest.mark.parametrize(
    "persona", ["caseworker_ben", "team_lead", "mailroom", "stranger_sara", "customer_anna"]
)
def test_everybody_but_the_admin_gets_404(client, fachverfahren, jobcenter, persona, request):
    users = {
        "team_lead": lambda: StaffFactory(jobcenter=jobcenter, role=Role.TEAM_LEAD),
        "mailroom": lambda: StaffFactory(jobcenter=jobcenter, role=Role.MAILROOM),
    }
    user = users[persona]() if persona in users else request.getfixturevalue(persona)
    key, _text = api_key_issue(client=fachverfahren)
    webhook, _secret = webhook_endpoint_create(
        client=fachverfahren, url="https://fv.example/hooks", events=[WebhookEvent.FORM_SUBMITTED]
    )
    events = _api_events()
    client.force_login(user)
    for method, url in _all_urls(fachverfahren, key, webhook):
        assert getattr(client, method)(url, _data()).status_code == 404, (method, url)
    fachverfahren.refresh_from_db()
    key.refresh_from_db()
    assert fachverfahren.active and fachverfahren.scopes == [Scope.CASES_READ]
    assert key.revoked_at is None and fachverfahren.keys.count() == 1
    assert list(WebhookEndpoint.objects.filter(active=True)) == [webhook]
    assert ApiClient.objects.count() == 1
    assert _api_events() == events


def test_anonymous_people_are_sent_to_login(client, fachverfahren):
    key, _text = api_key_issue(client=fachverfahren)
    webhook, _secret = webhook_endpoint_create(
        client=fachverfahren, url="https://fv.example/hooks", events=[WebhookEvent.FORM_SUBMITTED]
    )
    for method, url in _all_urls(fachverfahren, key, webhook):
        response = getattr(client, method)(url, _data())
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("account_login"))


def test_an_admin_of_another_jobcenter_gets_404(ada, foreign_client):
    key = foreign_client.keys.get()
    webhook = foreign_client.webhooks.get()
    events = _api_events()
    for method, url in _all_urls(foreign_client, key, webhook)[2:]:
        assert getattr(ada, method)(url, _data()).status_code == 404, (method, url)
    foreign_client.refresh_from_db()
    key.refresh_from_db()
    webhook.refresh_from_db()
    assert foreign_client.active and key.revoked_at is None and webhook.active
    assert foreign_client.keys.count() == 1 and foreign_client.webhooks.count() == 1
    assert _api_events() == events


def test_missing_objects_and_a_key_of_another_client_give_404(ada, fachverfahren, foreign_client):
    missing = ApiClient(uuid=uuid.uuid4())
    assert ada.get(_url("api_client_detail", missing)).status_code == 404
    assert ada.post(_url("api_client_key_issue", missing)).status_code == 404
    foreign_key = foreign_client.keys.get()
    url = _url("api_client_key_revoke", fachverfahren, foreign_key.uuid)
    assert ada.get(url).status_code == 404
    assert ada.post(url).status_code == 404
    foreign_key.refresh_from_db()
    assert foreign_key.revoked_at is None
    url = _url("api_client_key_revoke", fachverfahren, uuid.uuid4())
    assert ada.post(url).status_code == 404
    # A webhook of another client, under the own client's address; and a missing one.
    foreign_webhook = foreign_client.webhooks.get()
    for webhook_uuid in (foreign_webhook.uuid, uuid.uuid4()):
        url = _url("api_client_webhook_active", fachverfahren, webhook_uuid)
        assert ada.post(url, {"active": "off"}).status_code == 404
        url = _url("api_client_webhook_remove", fachverfahren, webhook_uuid)
        assert ada.get(url).status_code == 404
        assert ada.post(url).status_code == 404
    foreign_webhook.refresh_from_db()
    assert foreign_webhook.active


def test_writes_need_post(ada, fachverfahren):
    for name in ("api_client_scopes", "api_client_active", "api_client_key_issue"):
        assert ada.get(_url(name, fachverfahren)).status_code == 405
    assert not fachverfahren.keys.exists()
    webhook, _secret = webhook_endpoint_create(
        client=fachverfahren, url="https://fv.example/hooks", events=[WebhookEvent.FORM_SUBMITTED]
    )
    url = _url("api_client_webhook_active", fachverfahren, webhook.uuid)
    assert ada.get(url, {"active": "off"}).status_code == 405
    webhook.refresh_from_db()
    assert webhook.active


# --- a new client --------------------------------------------------------------------------


def test_the_form_ticks_every_team_at_first(ada, jobcenter):
    form = ada.get(reverse("desk:api_client_list")).context["form"]
    assert set(form["teams"].value()) == {team.uuid for team in jobcenter.teams.all()}


def test_create_a_client_with_scopes_and_teams(ada, admin_ada, jobcenter, team_leistung):
    response = ada.post(
        reverse("desk:api_client_list"),
        {
            "name": "  Scanner   Poststelle ",
            "scopes": [Scope.INTAKE_READ, Scope.DOCUMENTS_WRITE],
            "teams": [str(team_leistung.uuid)],
        },
    )
    client = ApiClient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("api_client_detail", client)
    assert client.name == "Scanner Poststelle"
    assert client.jobcenter == jobcenter and client.created_by == admin_ada and client.active
    assert client.scopes == sorted([Scope.INTAKE_READ, Scope.DOCUMENTS_WRITE])
    assert list(client.user.teams.all()) == [team_leistung]
    assert not client.user.is_active and not client.user.has_usable_password()
    assert not client.keys.exists()  # keys are issued on the client's page
    event = AuditEvent.objects.get(action="api.client.create")
    assert event.actor == admin_ada and event.jobcenter_id == jobcenter.pk
    assert event.data["teams"] == ["Leistung"]
    page = ada.get(response["Location"]).content.decode()
    assert "The API client is created." in page and "Scanner Poststelle" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "   "}, "name", "Please give the API client a name."),
        ({"name": "Fachverfahren "}, "name", "There is already an API client of this name."),
        ({"scopes": ["everything:write"]}, "scopes", "Unknown scope: everything:write"),
        ({"scopes": []}, "scopes", "Choose at least one scope."),
        ({"teams": []}, "teams", "Choose at least one team the client acts for."),
        ({"teams": ["foreign"]}, "teams", "Please choose teams of your jobcenter only."),
    ],
    ids=["empty name", "duplicate name", "unknown scope", "no scope", "no team", "foreign team"],
)
def test_bad_input_is_explained_and_nothing_is_stored(
    ada, fachverfahren, stranger_sara, team_leistung, data, field, message
):
    if data.get("teams") == ["foreign"]:
        data = {"teams": [str(stranger_sara.teams.get().uuid)]}
    users, events = User.objects.count(), _api_events()
    post = {"name": "Neu", "scopes": [Scope.CASES_READ], "teams": [str(team_leistung.uuid)]}
    response = ada.post(reverse("desk:api_client_list"), {**post, **data})
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert message in response.content.decode()
    assert list(ApiClient.objects.all()) == [fachverfahren]
    assert User.objects.count() == users
    assert _api_events() == events


# --- keys ----------------------------------------------------------------------------------


def test_a_new_key_is_shown_once_and_works(ada, admin_ada, fachverfahren):
    response = ada.post(_url("api_client_key_issue", fachverfahren), {"label": "Server 1"})
    assert response.status_code == 200  # the answer itself, no redirect
    assert "no-store" in response["Cache-Control"]
    key = response.context["new_key"]
    row = response.context["new_key_row"]
    body = response.content.decode()
    assert key in body
    assert "it is shown only this once" in body
    assert row.label == "Server 1" and row.created_by == admin_ada
    # It works: as the service sees it and as the API answers it.
    assert api_key_authenticate(key) == row
    assert _api(key).get(API_URL).status_code == 200
    # Shown never again: not on the page, not in the session, not in a message.
    page = ada.get(_url("api_client_detail", fachverfahren))
    assert key not in page.content.decode()
    assert row.prefix in page.content.decode()
    assert key not in str(dict(ada.session.items()))
    assert key.split("_", 2)[2] not in page.content.decode()
    event = AuditEvent.objects.get(action="api.key.issue")
    assert event.actor == admin_ada and event.data["prefix"] == row.prefix
    assert key not in str(event.data)


def test_revoking_a_key_asks_first_then_the_key_stops_working(ada, admin_ada, fachverfahren):
    row, key = _issue(ada, fachverfahren)
    other, other_key = _issue(ada, fachverfahren, label="Server 2")
    url = _url("api_client_key_revoke", fachverfahren, row.uuid)
    page = ada.get(url)
    assert page.status_code == 200
    assert f"Revoke key {row.prefix} now" in page.content.decode()
    assert api_key_authenticate(key) is not None  # asking changes nothing

    response = ada.post(url)
    assert response.status_code == 302
    assert response["Location"] == _url("api_client_detail", fachverfahren)
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert api_key_authenticate(key) is None
    assert _api(key).get(API_URL).status_code == 401
    assert api_key_authenticate(other_key) == other  # the other key goes on working
    event = AuditEvent.objects.get(action="api.key.revoke")
    assert event.actor == admin_ada and event.data["prefix"] == row.prefix
    # Revoking again changes nothing; the page says it is revoked.
    assert ada.post(url).status_code == 302
    assert AuditEvent.objects.filter(action="api.key.revoke").count() == 1
    assert "This key was revoked on" in ada.get(url).content.decode()


def test_a_bad_label_is_refused(ada, fachverfahren):
    response = ada.post(_url("api_client_key_issue", fachverfahren), {"label": "x" * 101})
    assert response.status_code == 200
    assert response.context["key_form"].errors["label"]
    assert "new_key" not in response.context
    assert not fachverfahren.keys.exists()


# --- switching off, scopes -------------------------------------------------------------------


def test_switching_the_client_off_stops_its_keys(ada, admin_ada, fachverfahren):
    _row, key = _issue(ada, fachverfahren)
    url = _url("api_client_active", fachverfahren)
    response = ada.post(url, {"active": "off"})
    assert response.status_code == 302
    fachverfahren.refresh_from_db()
    assert not fachverfahren.active
    assert api_key_authenticate(key) is None
    assert _api(key).get(API_URL).status_code == 401
    event = AuditEvent.objects.get(action="api.client.update")
    assert event.actor == admin_ada and event.data["changes"] == {"active": False}
    assert "switched off" in ada.get(response["Location"]).content.decode()

    ada.post(url, {"active": "on"})
    assert api_key_authenticate(key) is not None
    assert AuditEvent.objects.filter(action="api.client.update").count() == 2


def test_switching_needs_a_clear_choice(ada, fachverfahren):
    response = ada.post(_url("api_client_active", fachverfahren), {"active": "maybe"}, follow=True)
    assert "Please use the button to switch the client on or off." in response.content.decode()
    fachverfahren.refresh_from_db()
    assert fachverfahren.active
    assert not AuditEvent.objects.filter(action="api.client.update").exists()


def test_change_the_scopes(ada, admin_ada, fachverfahren):
    url = _url("api_client_scopes", fachverfahren)
    response = ada.post(url, {"scopes": [Scope.LETTERS_WRITE, Scope.CASES_READ]})
    assert response.status_code == 302
    fachverfahren.refresh_from_db()
    assert fachverfahren.scopes == [Scope.CASES_READ, Scope.LETTERS_WRITE]
    event = AuditEvent.objects.get(action="api.client.update")
    assert event.actor == admin_ada
    assert event.data["changes"] == {"scopes": [Scope.CASES_READ, Scope.LETTERS_WRITE]}
    page = ada.get(response["Location"]).content.decode()
    assert "send letters and Bescheide" in page


@pytest.mark.parametrize(
    ("scopes", "message"),
    [([], "Choose at least one scope."), (["root"], "Unknown scope: root")],
)
def test_bad_scopes_are_refused(ada, fachverfahren, scopes, message):
    response = ada.post(_url("api_client_scopes", fachverfahren), {"scopes": scopes})
    assert response.status_code == 200
    assert message in response.content.decode()
    fachverfahren.refresh_from_db()
    assert fachverfahren.scopes == [Scope.CASES_READ]
    assert not AuditEvent.objects.filter(action="api.client.update").exists()


# --- webhooks ------------------------------------------------------------------------------


def test_add_a_webhook_shows_its_secret_once(ada, admin_ada, fachverfahren):
    response = ada.post(
        _url("api_client_webhook_add", fachverfahren),
        {
            "url": "https://fachverfahren.example/hooks",
            "events": [WebhookEvent.DOCUMENT_RECEIVED, WebhookEvent.LETTER_RETRIEVED],
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    endpoint = WebhookEndpoint.objects.get()
    secret = response.context["new_secret"]
    assert secret == endpoint.secret and secret in response.content.decode()
    assert endpoint.events == [WebhookEvent.DOCUMENT_RECEIVED, WebhookEvent.LETTER_RETRIEVED]
    event = AuditEvent.objects.get(action="api.webhook.create")
    assert event.actor == admin_ada
    page = ada.get(_url("api_client_detail", fachverfahren)).content.decode()
    assert secret not in page
    assert "https://fachverfahren.example/hooks" in page
    # It has cases:read only: it is not told of documents or letters, and the page says so.
    assert 'data-testid="webhook-unheard"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "http://fachverfahren.example/hooks"}, "A webhook needs an https:// address."),
        ({"url": "not an address"}, "Please enter a full address"),
        ({"events": []}, "Choose at least one event."),
        ({"events": ["case.deleted"]}, "Unknown event: case.deleted"),
    ],
    ids=["http", "no url", "no event", "unknown event"],
)
def test_a_bad_webhook_is_refused(ada, fachverfahren, settings, data, message):
    settings.WEBHOOK_ALLOW_HTTP = False
    post = {"url": "https://fachverfahren.example/hooks", "events": [WebhookEvent.FORM_SUBMITTED]}
    response = ada.post(_url("api_client_webhook_add", fachverfahren), {**post, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "new_secret" not in response.context
    assert not WebhookEndpoint.objects.exists()
    assert not AuditEvent.objects.filter(action="api.webhook.create").exists()


def test_the_delivery_log_shows_the_newest_50_of_this_client(ada, fachverfahren, foreign_client):
    endpoint, _secret = webhook_endpoint_create(
        client=fachverfahren, url="https://fv.example/hooks", events=[WebhookEvent.FORM_SUBMITTED]
    )
    for number in range(51):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=WebhookEvent.FORM_SUBMITTED,
            object_uuid=uuid.uuid4(),
            payload={},
            status=DeliveryStatus.FAILED,
            attempts=number % 7 + 1,
            response_status=503,
            last_error=f"HTTP 503 number {number}",
        )
    WebhookDelivery.objects.create(
        endpoint=foreign_client.webhooks.get(),
        event=WebhookEvent.FORM_SUBMITTED,
        object_uuid=uuid.uuid4(),
        payload={},
        status=DeliveryStatus.DELIVERED,
        delivered_at=timezone.now(),
        last_error="foreign delivery",
    )
    response = ada.get(_url("api_client_detail", fachverfahren))
    deliveries = list(response.context["deliveries"])
    assert len(deliveries) == 50
    assert {d.endpoint_id for d in deliveries} == {endpoint.pk}
    body = response.content.decode()
    assert "HTTP 503 number 50" in body and "HTTP 503 number 0<" not in body
    assert "foreign delivery" not in body
    assert "failed for good" in body and "a customer sent an online form" in body


# --- switching a webhook off and on, removing it ----------------------------------------------


@pytest.fixture
def listening(jobcenter, team_leistung):
    """A client that may read documents and requests, told of both by two webhooks."""
    client = api_client_create(
        jobcenter=jobcenter,
        name="Fachverfahren mit Webhooks",
        scopes=[Scope.DOCUMENTS_READ, Scope.REQUESTS_READ],
        teams=[team_leistung],
    )
    events = [WebhookEvent.DOCUMENT_RECEIVED, WebhookEvent.REQUEST_FULFILLED]
    main, _secret = webhook_endpoint_create(
        client=client, url="https://fv.example/main", events=events
    )
    spare, _secret = webhook_endpoint_create(
        client=client, url="https://fv.example/spare", events=events
    )
    client.main, client.spare = main, spare
    return client


def _upload(case, customer, caseworker):
    """A real event: Anna answers a document request of Ben's in the portal (a document
    arrives, the request is fulfilled)."""
    request = doc_request_create(
        case=case, team=case.teams.get(), created_by=caseworker, items=[ItemSpec(label="Auszug")]
    )
    submission_create(
        request=request,
        submitted_by=customer,
        files_by_item={request.items.get(): [("auszug.pdf", samples.pdf_bytes())]},
    )


def _switch(ada, client, webhook, state):
    response = ada.post(_url("api_client_webhook_active", client, webhook.uuid), {"active": state})
    assert response.status_code == 302
    assert response["Location"] == _url("api_client_detail", client)
    webhook.refresh_from_db()
    return response


def test_a_webhook_switched_off_is_told_of_nothing_until_switched_on(
    ada, admin_ada, listening, case_anna, customer_anna, caseworker_ben
):
    main, spare = listening.main, listening.spare
    response = _switch(ada, listening, main, "off")
    assert not main.active and spare.active
    event = AuditEvent.objects.get(action="api.webhook.update")
    assert event.actor == admin_ada and event.subject_id == str(main.uuid)
    assert event.data["changes"] == {"active": False} and event.data["url"] == main.url
    page = ada.get(response["Location"]).content.decode()
    assert "The webhook https://fv.example/main is switched off" in page
    assert "Switch on https://fv.example/main" in page
    assert "Switch off https://fv.example/spare" in page
    # Switching off what is off changes nothing, and records nothing.
    _switch(ada, listening, main, "off")
    assert AuditEvent.objects.filter(action="api.webhook.update").count() == 1

    _upload(case_anna, customer_anna, caseworker_ben)
    assert not WebhookDelivery.objects.filter(endpoint=main).exists()
    assert set(spare.deliveries.values_list("event", flat=True)) == {
        WebhookEvent.DOCUMENT_RECEIVED,
        WebhookEvent.REQUEST_FULFILLED,
    }

    _switch(ada, listening, main, "on")
    assert main.active
    on = AuditEvent.objects.filter(action="api.webhook.update").latest("occurred_at")
    assert on.actor == admin_ada and on.data["changes"] == {"active": True}
    _upload(case_anna, customer_anna, caseworker_ben)
    # Told of the new events only: what happened while it was off is not sent later.
    assert main.deliveries.count() == 2 and spare.deliveries.count() == 4
    assert "Switch off https://fv.example/main" in ada.get(response["Location"]).content.decode()


@pytest.mark.parametrize("switched", ["webhook", "client"])
def test_pending_calls_wait_while_the_webhook_or_its_client_is_off(
    ada,
    admin_ada,
    listening,
    case_anna,
    customer_anna,
    caseworker_ben,
    settings,
    django_capture_on_commit_callbacks,
    switched,
):
    from amtsbote.integrations.services import api_client_update

    settings.WEBHOOK_ALLOW_HTTP = True
    listening.spare.delete()
    main = listening.main
    main.url = "http://127.0.0.1:9/hooks"  # nobody answers there: every call fails
    main.save()

    def switch(state: str) -> None:
        if switched == "webhook":
            _switch(ada, listening, main, state)
        else:
            api_client_update(client=main.client, actor=admin_ada, active=state == "on")

    _upload(case_anna, customer_anna, caseworker_ben)  # stored, not yet sent
    switch("off")
    pending = list(main.deliveries.all())
    assert len(pending) == 2
    assert webhook_deliveries_retry() == 0
    assert webhook_delivery_attempt(delivery_id=pending[0].pk) is None
    assert set(main.deliveries.values_list("status", "attempts")) == {(DeliveryStatus.PENDING, 0)}

    with django_capture_on_commit_callbacks(execute=True):
        switch("on")
    # Sent at once when switched on (and failed here, so they wait for their retry).
    assert set(main.deliveries.values_list("status", "attempts")) == {(DeliveryStatus.PENDING, 1)}
    assert all(delivery.last_error for delivery in main.deliveries.all())


def test_switching_a_webhook_needs_a_clear_choice(ada, listening):
    url = _url("api_client_webhook_active", listening, listening.main.uuid)
    response = ada.post(url, {"active": "maybe"}, follow=True)
    assert "Please use the button to switch the webhook on or off." in response.content.decode()
    listening.main.refresh_from_db()
    assert listening.main.active
    assert not AuditEvent.objects.filter(action="api.webhook.update").exists()


def test_removing_a_webhook_asks_first_then_it_goes_with_its_log(
    ada, admin_ada, listening, case_anna, customer_anna, caseworker_ben
):
    main, spare = listening.main, listening.spare
    _upload(case_anna, customer_anna, caseworker_ben)
    assert main.deliveries.count() == 2
    url = _url("api_client_webhook_remove", listening, main.uuid)
    detail = ada.get(_url("api_client_detail", listening)).content.decode()
    assert f'href="{url}"' in detail

    page = ada.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "https://fv.example/main" in body and "Remove webhook now" in body
    assert "with its delivery log (2 deliveries)" in body
    assert WebhookEndpoint.objects.filter(pk=main.pk).exists()  # asking changes nothing
    assert not AuditEvent.objects.filter(action="api.webhook.delete").exists()

    response = ada.post(url)
    assert response.status_code == 302
    assert response["Location"] == _url("api_client_detail", listening)
    assert list(listening.webhooks.all()) == [spare]
    assert not WebhookDelivery.objects.filter(endpoint_id=main.pk).exists()
    assert spare.deliveries.count() == 2
    event = AuditEvent.objects.get(action="api.webhook.delete")
    assert event.actor == admin_ada and event.subject_id == str(main.uuid)
    assert event.jobcenter_id == listening.jobcenter_id
    assert event.data["url"] == "https://fv.example/main"
    assert event.data["deliveries"] == {DeliveryStatus.PENDING: 2}
    detail = ada.get(response["Location"]).content.decode()
    assert "The webhook https://fv.example/main is removed." in detail
    assert "Switch off https://fv.example/main" not in detail
    # Gone: asking or removing again finds nothing.
    assert ada.get(url).status_code == 404
    assert ada.post(url).status_code == 404
    assert AuditEvent.objects.filter(action="api.webhook.delete").count() == 1
