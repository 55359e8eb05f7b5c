"""Writes for API clients and their keys; every change is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import Team, User
from amtsbote.cases.models import Jobcenter
from amtsbote.core.exceptions import ValidationFailed

from .constants import KEY_PREFIX, Scope
from .models import ApiClient, ApiKey
from .webhooks import webhook_deliveries_resume

# How often the "last used" times are written (not on every request).
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _audit(action: str, client: ApiClient, *, actor: User | None, **data: object) -> None:
    audit.record(
        f"api.{action}",
        actor=actor,
        subject=client,
        jobcenter_id=client.jobcenter_id,
        data={"client": str(client.uuid), "name": client.name, **data},
    )


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = sorted(set(scopes))
    unknown = [scope for scope in wanted if scope not in Scope.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown scope: %(scopes)s") % {"scopes": ", ".join(unknown)}, code="scope"
        )
    return wanted


@transaction.atomic
def api_client_create(
    *,
    jobcenter: Jobcenter,
    name: str,
    scopes: Iterable[str],
    teams: Iterable[Team] | None = None,
    created_by: User | None = None,
) -> ApiClient:
    """A client of ``jobcenter`` with its service account: a caseworker account that cannot
    log in (no password, inactive), member of ``teams`` (default: every team of the
    jobcenter), so that document requests and letters can be made in a team's name."""
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(_("An API client needs a name."), code="name")
    if ApiClient.objects.filter(jobcenter=jobcenter, name=name).exists():
        raise ValidationFailed(_("There is already an API client of this name."), code="name")
    team_list = list(jobcenter.teams.all() if teams is None else teams)
    if any(team.jobcenter_id != jobcenter.pk for team in team_list):
        raise ValidationFailed(_("This team belongs to another jobcenter."), code="team")
    user = User(
        email=f"api-{secrets.token_hex(8)}@api.{jobcenter.slug}.invalid",
        first_name="API",
        last_name=name[:150],
        role=Role.CASEWORKER,
        jobcenter=jobcenter,
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    user.teams.set(team_list)
    client = ApiClient.objects.create(
        jobcenter=jobcenter,
        name=name,
        scopes=_clean_scopes(scopes),
        user=user,
        created_by=created_by,
    )
    _audit(
        "client.create",
        client,
        actor=created_by,
        scopes=client.scopes,
        teams=[team.name for team in team_list],
    )
    return client


@transaction.atomic
def api_client_update(
    *,
    client: ApiClient,
    actor: User | None,
    scopes: Iterable[str] | None = None,
    active: bool | None = None,
) -> ApiClient:
    """Change the scopes or switch the client off: its keys stop working at once, its
    webhooks hear of no new event and their pending deliveries wait until it is on again."""
    changes: dict[str, object] = {}
    if scopes is not None and (cleaned := _clean_scopes(scopes)) != client.scopes:
        changes["scopes"] = cleaned
    if active is not None and active != client.active:
        changes["active"] = active
    if changes:
        for name, value in changes.items():
            setattr(client, name, value)
        client.save(update_fields=[*changes, "updated_at"])
        _audit("client.update", client, actor=actor, changes=changes)
        if changes.get("active"):  # what waited while it was off goes out now
            webhook_deliveries_resume(client=client)
    return client


@transaction.atomic
def api_key_issue(
    *, client: ApiClient, actor: User | None = None, label: str = ""
) -> tuple[ApiKey, str]:
    """A new key for ``client``: returns the row and the key itself, which is not stored
    (only its digest) and must be handed over now. Older keys stay valid until revoked."""
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():  # pragma: no cover - 1 in 4 billion
        prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey.objects.create(
        client=client,
        prefix=prefix,
        digest=key_digest(key),
        label=label.strip()[:100],
        created_by=actor,
    )
    _audit("key.issue", client, actor=actor, prefix=prefix, label=row.label)
    return row, key


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: User | None = None) -> ApiKey:
    """The key stops working at once. Revoking twice changes nothing."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
        _audit("key.revoke", key.client, actor=actor, prefix=key.prefix)
    return key


def api_key_authenticate(key: str) -> ApiKey | None:
    """The active key of an active client that ``key`` is, or None. Compares digests in
    constant time; notes the time of use (once a minute, not on every request)."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    row = (
        ApiKey.objects.select_related("client__jobcenter", "client__user")
        .filter(prefix=parts[1], revoked_at__isnull=True, client__active=True)
        .first()
    )
    if row is None or not hmac.compare_digest(row.digest, key_digest(key)):
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
        ApiClient.objects.filter(pk=row.client_id).update(last_used_at=now)
        row.last_used_at = row.client.last_used_at = now
    return row
