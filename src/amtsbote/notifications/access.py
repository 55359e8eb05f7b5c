"""The only way UI code gets a push subscription: the user's own; others' and missing ones
are ``PushSubscription.DoesNotExist`` (a 404)."""

from __future__ import annotations

import uuid

from amtsbote.accounts.models import User

from .models import PushSubscription


def access_subscription_for_user(
    *, user: User, subscription_uuid: uuid.UUID | str
) -> PushSubscription:
    return PushSubscription.objects.get(user=user, uuid=subscription_uuid)
