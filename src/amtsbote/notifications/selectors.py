"""Reads for notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from amtsbote.accounts.models import User

from .models import PushSubscription


def subscriptions_for_user(user: User) -> QuerySet[PushSubscription]:
    """The devices ``user`` turned push on for, newest first."""
    return PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")
