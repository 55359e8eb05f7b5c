"""API keys: bearer only, digests only, several per client, revocable; scopes; throttling."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amtsbote.audit.models import AuditEvent
from amtsbote.integrations.constants import Scope
from amtsbote.integrations.models import ApiClient, ApiKey
from amtsbote.integrations.services import api_client_update, api_key_issue, api_key_revoke

from .factories import http

URL = "/api/v1/cases/"


def test_no_key_is_401_with_the_scheme(db):
    response = http().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "header",
    ["Bearer amtsbote_00000000_wrong", "Bearer", "Bearer a b", "Bearer nonsense", "Bearer ü"],
)
def test_a_wrong_key_is_401(fachverfahren, header):
    client = http()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(URL)
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"status", "code", "message"}


def test_a_session_login_is_no_api_login(client, caseworker_ben):
    client.force_login(caseworker_ben)
    assert client.get(URL).status_code == 401


def test_only_the_digest_is_stored_and_the_prefix_names_the_key(fachverfahren):
    row = fachverfahren.keys.get()
    assert fachverfahren.key not in {row.digest, row.prefix, row.label}
    assert row.digest == hashlib.sha256(fachverfahren.key.encode()).hexdigest()
    assert fachverfahren.key.startswith(f"amtsbote_{row.prefix}_")


def test_a_key_works_and_notes_when_it_was_used(fachverfahren):
    assert fachverfahren.http.get(URL).status_code == 200
    row = fachverfahren.keys.get()
    fachverfahren.refresh_from_db()
    assert row.last_used_at is not None and fachverfahren.last_used_at is not None


def test_rotation_two_keys_then_the_old_one_revoked(fachverfahren):
    old = fachverfahren.keys.get()
    _new_row, new_key = api_key_issue(client=fachverfahren, label="2027")
    assert http(new_key).get(URL).status_code == 200
    assert fachverfahren.http.get(URL).status_code == 200  # both work during the change
    api_key_revoke(key=old)
    assert fachverfahren.http.get(URL).status_code == 401
    assert http(new_key).get(URL).status_code == 200
    actions = set(AuditEvent.objects.filter(action__startswith="api.").values_list("action"))
    assert actions >= {("api.client.create",), ("api.key.issue",), ("api.key.revoke",)}


def test_a_switched_off_client_is_401(fachverfahren):
    api_client_update(client=fachverfahren, actor=None, active=False)
    assert fachverfahren.http.get(URL).status_code == 401


def test_a_missing_scope_is_403_and_says_which(api_no_scope):
    response = api_no_scope.get(URL)
    assert response.status_code == 403
    assert Scope.CASES_READ in response.json()["error"]["message"]


def test_the_service_account_cannot_log_in(fachverfahren, client):
    user = fachverfahren.user
    assert not user.is_active and not user.has_usable_password()
    assert fachverfahren.user.jobcenter_id == fachverfahren.jobcenter_id


def test_throttled_per_client(fachverfahren, settings):
    settings.API_THROTTLE_RATE = "3/min"
    statuses = [fachverfahren.http.get(URL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = fachverfahren.http.get(URL)
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_management_command_creates_a_client_and_shows_the_key_once(jobcenter, capsys):
    call_command(
        "api_client_create",
        jobcenter=jobcenter.slug,
        name="OPEN/PROSOZ",
        scopes=["cases:read", "documents:read"],
    )
    out = capsys.readouterr().out
    key = next(word for word in out.split() if word.startswith("amtsbote_"))
    client = ApiClient.objects.get(name="OPEN/PROSOZ")
    assert client.scopes == ["cases:read", "documents:read"]
    assert ApiKey.objects.get(client=client).digest == hashlib.sha256(key.encode()).hexdigest()
    assert http(key).get(URL).status_code == 200


def test_management_command_refuses_an_unknown_scope(jobcenter):
    with pytest.raises(CommandError, match="cases:everything"):
        call_command(
            "api_client_create", jobcenter=jobcenter.slug, name="X", scopes=["cases:everything"]
        )
    assert not ApiClient.objects.exists()
