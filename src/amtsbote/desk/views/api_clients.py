"""API clients for the jobcenter's administrator: the clients, their scopes and keys, their
webhooks and the delivery log. Only administrators of the client's own jobcenter get here
(everybody else, and every client of another jobcenter: 404). Every change goes through
the services of ``integrations`` (which audit it).

A new key, and a new webhook's signing secret, exist in plain text only in the answer to
the POST that made them: never in a GET, a redirect, the session or a message.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import Team, User
from amtsbote.cases.models import Jobcenter
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.integrations.constants import EVENT_SCOPES, Scope, WebhookEvent
from amtsbote.integrations.models import ApiClient, ApiKey, WebhookDelivery, WebhookEndpoint
from amtsbote.integrations.services import (
    api_client_create,
    api_client_update,
    api_key_issue,
    api_key_revoke,
)
from amtsbote.integrations.webhooks import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)

from ..decorators import staff_required, staff_user
from ..forms_api_clients import (
    ApiClientCreateForm,
    ApiClientScopesForm,
    ApiKeyIssueForm,
    WebhookAddForm,
)

# How many deliveries of the log the page shows (newest first).
DELIVERIES_SHOWN = 50


# --- gates ---------------------------------------------------------------------------------


def _admin(request: HttpRequest) -> tuple[User, int]:
    """The administrator and their jobcenter's id; everybody else gets a 404."""
    user = staff_user(request)
    jobcenter_id = user.jobcenter_id
    if user.role != Role.ADMIN or jobcenter_id is None:
        raise Http404("API clients are for administrators")
    return user, jobcenter_id


def access_api_client_for_admin(jobcenter_id: int, client_uuid: uuid.UUID) -> ApiClient:
    """A client of the administrator's jobcenter; another jobcenter's and a missing one: 404."""
    return get_object_or_404(
        ApiClient.objects.select_related("user"), uuid=client_uuid, jobcenter_id=jobcenter_id
    )


def _key_of(client: ApiClient, key_uuid: uuid.UUID) -> ApiKey:
    return get_object_or_404(ApiKey.objects.select_related("client"), uuid=key_uuid, client=client)


def _webhook_of(client: ApiClient, webhook_uuid: uuid.UUID) -> WebhookEndpoint:
    """A webhook of ``client``; one of another client (or jobcenter) and a missing one: 404."""
    return get_object_or_404(
        WebhookEndpoint.objects.select_related("client"), uuid=webhook_uuid, client=client
    )


# --- reads ---------------------------------------------------------------------------------


def _scope_labels(scopes: list[str]) -> list[str]:
    return [str(Scope(scope).label) if scope in Scope.values else scope for scope in scopes]


def _event_labels(events: list[str]) -> list[str]:
    return [
        str(WebhookEvent(event).label) if event in WebhookEvent.values else event
        for event in events
    ]


def clients_of_jobcenter(jobcenter_id: int) -> QuerySet[ApiClient]:
    return (
        ApiClient.objects.filter(jobcenter_id=jobcenter_id)
        .annotate(active_keys=Count("keys", filter=Q(keys__revoked_at__isnull=True)))
        .order_by("name")
    )


def _teams(jobcenter_id: int) -> QuerySet[Team]:
    return Team.objects.filter(jobcenter_id=jobcenter_id).order_by("name")


def _list_page(request: HttpRequest, jobcenter_id: int, form: ApiClientCreateForm) -> HttpResponse:
    clients = list(clients_of_jobcenter(jobcenter_id))
    for client in clients:
        client.scope_labels = _scope_labels(client.scopes)  # type: ignore[attr-defined]
    return render(request, "desk/api_clients/list.html", {"clients": clients, "form": form})


def _webhooks(client: ApiClient) -> list[WebhookEndpoint]:
    endpoints = list(WebhookEndpoint.objects.filter(client=client).order_by("created_at"))
    for endpoint in endpoints:
        endpoint.event_labels = _event_labels(endpoint.events)  # type: ignore[attr-defined]
        # Events it asked for but is not told of, for want of the scope to read the object.
        endpoint.unheard = _event_labels(  # type: ignore[attr-defined]
            [
                e
                for e in endpoint.events
                if e in EVENT_SCOPES and not client.has_scope(EVENT_SCOPES[e])
            ]
        )
    return endpoints


def _detail_page(
    request: HttpRequest,
    client: ApiClient,
    *,
    scopes_form: ApiClientScopesForm | None = None,
    key_form: ApiKeyIssueForm | None = None,
    webhook_form: WebhookAddForm | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    deliveries = (
        WebhookDelivery.objects.filter(endpoint__client=client)
        .select_related("endpoint")
        .order_by("-created_at", "-id")[:DELIVERIES_SHOWN]
    )
    response = render(
        request,
        "desk/api_clients/detail.html",
        {
            "client": client,
            "scope_labels": _scope_labels(client.scopes),
            "teams": client.user.teams.order_by("name"),
            "keys": client.keys.order_by("-created_at"),
            "webhooks": _webhooks(client),
            "deliveries": deliveries,
            "deliveries_shown": DELIVERIES_SHOWN,
            "scopes_form": scopes_form or ApiClientScopesForm(initial={"scopes": client.scopes}),
            "key_form": key_form or ApiKeyIssueForm(),
            "webhook_form": webhook_form or WebhookAddForm(),
            **(extra or {}),
        },
    )
    # The page may carry a key or secret shown once: no cache may keep it.
    add_never_cache_headers(response)
    return response


# --- the list, and a new client ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def api_client_list(request: HttpRequest) -> HttpResponse:
    """The jobcenter's API clients; POST creates one (its keys are issued on its page)."""
    user, jobcenter_id = _admin(request)
    teams = _teams(jobcenter_id)
    if request.method != "POST":
        return _list_page(request, jobcenter_id, ApiClientCreateForm(teams=teams))
    form = ApiClientCreateForm(request.POST, teams=teams)
    if form.is_valid():
        try:
            client = api_client_create(
                jobcenter=Jobcenter.objects.get(pk=jobcenter_id),
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                teams=list(form.cleaned_data["teams"]),
                created_by=user,
            )
        except AmtsboteError as exc:
            form.add_error("name" if exc.code == "name" else None, exc.message)
        except IntegrityError:  # the same name, made at the same moment by somebody else
            form.add_error("name", _("There is already an API client of this name."))
        else:
            messages.success(
                request, _("The API client is created. Issue a key for it on this page.")
            )
            return redirect("desk:api_client_detail", client.uuid)
    return _list_page(request, jobcenter_id, form)


# --- one client ----------------------------------------------------------------------------


@require_GET
@staff_required
def api_client_detail(request: HttpRequest, api_client_uuid: uuid.UUID) -> HttpResponse:
    _user, jobcenter_id = _admin(request)
    return _detail_page(request, access_api_client_for_admin(jobcenter_id, api_client_uuid))


@require_POST
@staff_required
def api_client_scopes(request: HttpRequest, api_client_uuid: uuid.UUID) -> HttpResponse:
    user, jobcenter_id = _admin(request)
    client = access_api_client_for_admin(jobcenter_id, api_client_uuid)
    form = ApiClientScopesForm(request.POST)
    if form.is_valid():
        try:
            api_client_update(client=client, actor=user, scopes=form.cleaned_data["scopes"])
        except AmtsboteError as exc:
            form.add_error("scopes", exc.message)
        else:
            messages.success(request, _("The scopes are saved."))
            return redirect("desk:api_client_detail", client.uuid)
    return _detail_page(request, client, scopes_form=form)


@require_POST
@staff_required
def api_client_active(request: HttpRequest, api_client_uuid: uuid.UUID) -> HttpResponse:
    """Switch the client off (its keys stop working at once, its webhooks go quiet) or on."""
    user, jobcenter_id = _admin(request)
    client = access_api_client_for_admin(jobcenter_id, api_client_uuid)
    wanted = request.POST.get("active")
    if wanted not in ("on", "off"):
        messages.error(request, _("Please use the button to switch the client on or off."))
        return redirect("desk:api_client_detail", client.uuid)
    api_client_update(client=client, actor=user, active=wanted == "on")
    if client.active:
        messages.success(request, _("The API client is switched on: its keys work again."))
    else:
        messages.success(request, _("The API client is switched off: its keys no longer work."))
    return redirect("desk:api_client_detail", client.uuid)


@require_POST
@staff_required
def api_client_key_issue(request: HttpRequest, api_client_uuid: uuid.UUID) -> HttpResponse:
    """A new key, shown in this answer only (not stored, not redirected to)."""
    user, jobcenter_id = _admin(request)
    client = access_api_client_for_admin(jobcenter_id, api_client_uuid)
    form = ApiKeyIssueForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, client, key_form=form)
    row, key = api_key_issue(client=client, actor=user, label=form.cleaned_data["label"])
    return _detail_page(request, client, extra={"new_key": key, "new_key_row": row})


@require_http_methods(["GET", "POST"])
@staff_required
def api_client_key_revoke(
    request: HttpRequest, api_client_uuid: uuid.UUID, api_key_uuid: uuid.UUID
) -> HttpResponse:
    """GET asks to confirm; POST revokes (the key stops working at once)."""
    user, jobcenter_id = _admin(request)
    client = access_api_client_for_admin(jobcenter_id, api_client_uuid)
    key = _key_of(client, api_key_uuid)
    if request.method == "POST":
        api_key_revoke(key=key, actor=user)
        messages.success(
            request,
            _("The key %(prefix)s is revoked: it no longer works.") % {"prefix": key.prefix},
        )
        return redirect("desk:api_client_detail", client.uuid)
    return render(request, "desk/api_clients/key_revoke.html", {"client": client, "key": key})


@require_POST
@staff_required
def api_client_webhook_add(request: HttpRequest, api_client_uuid: uuid.UUID) -> HttpResponse:
    """A webhook of the client; its signing secret is shown in this answer only."""
    user, jobcenter_id = _admin(request)
    client = access_api_client_for_admin(jobcenter_id, api_client_uuid)
    form = WebhookAddForm(request.POST)
    if form.is_valid():
        try:
            endpoint, secret = webhook_endpoint_create(
                client=client,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                actor=user,
            )
        except AmtsboteError as exc:
            form.add_error("events" if exc.code == "events" else "url", exc.message)
        else:
            return _detail_page(
                request, client, extra={"new_secret": secret, "new_webhook": endpoint}
            )
    return _detail_page(request, client, webhook_form=form)


@require_POST
@staff_required
def api_client_webhook_active(
    request: HttpRequest, api_client_uuid: uuid.UUID, webhook_uuid: uuid.UUID
) -> HttpResponse:
    """Switch a webhook off (it is told of nothing, its pending calls wait) or on again."""
    user, jobcenter_id = _admin(request)
    client = access_api_client_for_admin(jobcenter_id, api_client_uuid)
    endpoint = _webhook_of(client, webhook_uuid)
    wanted = request.POST.get("active")
    if wanted not in ("on", "off"):
        messages.error(request, _("Please use the button to switch the webhook on or off."))
        return redirect("desk:api_client_detail", client.uuid)
    webhook_endpoint_update(endpoint=endpoint, actor=user, active=wanted == "on")
    if endpoint.active:
        messages.success(
            request,
            _("The webhook %(url)s is switched on: it is told of new events again.")
            % {"url": endpoint.url},
        )
    else:
        messages.success(
            request,
            _("The webhook %(url)s is switched off: it is told of nothing until switched on.")
            % {"url": endpoint.url},
        )
    return redirect("desk:api_client_detail", client.uuid)


@require_http_methods(["GET", "POST"])
@staff_required
def api_client_webhook_remove(
    request: HttpRequest, api_client_uuid: uuid.UUID, webhook_uuid: uuid.UUID
) -> HttpResponse:
    """GET asks to confirm; POST removes the webhook with its delivery log."""
    user, jobcenter_id = _admin(request)
    client = access_api_client_for_admin(jobcenter_id, api_client_uuid)
    endpoint = _webhook_of(client, webhook_uuid)
    if request.method == "POST":
        webhook_endpoint_delete(endpoint=endpoint, actor=user)
        messages.success(request, _("The webhook %(url)s is removed.") % {"url": endpoint.url})
        return redirect("desk:api_client_detail", client.uuid)
    deliveries = endpoint.deliveries.count()
    return render(
        request,
        "desk/api_clients/webhook_remove.html",
        {
            "client": client,
            "webhook": endpoint,
            "event_labels": _event_labels(endpoint.events),
            "deliveries": deliveries,
        },
    )
